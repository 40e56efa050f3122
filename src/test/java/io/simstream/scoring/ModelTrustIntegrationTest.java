package io.simstream.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.simstream.avro.PairDecision;
import io.simstream.cli.Main;
import io.simstream.lifecycle.ModelPublisher;
import io.simstream.lifecycle.ModelRejectedException.Reason;
import io.simstream.model.DenseLayer;
import io.simstream.model.ModelArtifact;
import io.simstream.signing.ArtifactSigner;
import io.simstream.signing.KeyFiles;
import io.simstream.signing.TestKeys;
import io.simstream.testkit.Await;
import io.simstream.testkit.BrokerPerClass;
import io.simstream.testkit.CliRun;
import io.simstream.testkit.HttpGet;
import io.simstream.testkit.SharedRegistry;
import io.simstream.topics.TopicAdmin;
import io.simstream.topics.TopicNames;
import io.simstream.topics.Topics;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * model.trust.mode=require on a real broker and registry: an unsigned record, one signed by a key
 * serve does not trust, and one signed by the trusted key but changed afterwards (record SHA-256
 * and artifact checksum recomputed, so only the signature can tell) are each rejected and counted
 * while the signed model keeps serving and scoring; publish refuses to go on when it cannot sign;
 * a correctly signed model swaps, and a rollback republishes a signed artifact that still verifies.
 */
@Tag("integration")
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class ModelTrustIntegrationTest {
    private static final Duration WAIT = Duration.ofSeconds(90);
    @RegisterExtension
    static final BrokerPerClass KAFKA = new BrokerPerClass();

    @TempDir
    Path dir;

    @Test
    void underRequireOnlyATrustedUntouchedSignatureServes() throws Exception {
        KeyFiles.Written team = TestKeys.generate(dir.resolve("team"), "team");
        KeyFiles.Written stranger = TestKeys.generate(dir.resolve("stranger"), "stranger");
        ArtifactSigner teamSigner = TestKeys.signer(team);
        String id = SharedRegistry.unique("trust");
        String prefix = id + "-";
        try (ScoringHarness h = new ScoringHarness(KAFKA.bootstrapServers(), SharedRegistry.url(),
                SharedRegistry.newClient(), id);
             ModelPublisher publisher = new ModelPublisher(Map.of("bootstrap.servers", h.bootstrap), h.topics.models(),
                     h.topics.modelHistory(), Clock.systemUTC())) {
            var events = new Topics(TopicNames.DEFAULT.withPrefix(prefix), h.registry, 1).modelEvents();
            TopicAdmin.createMissing(Map.of("bootstrap.servers", h.bootstrap), List.of(events));
            ScoringService scorer = h.start("a", Map.of("model.trust.mode", "require",
                    "model.trust.keys", team.publicKey().toString()));

            // v1: signed by the team's key through `publish --sign-key`.
            Path v1File = dir.resolve("v1.simstream");
            h.model(1).write(v1File);
            CliRun p1 = publish(h, v1File, "--sign-key", team.privateKey().toString());
            assertEquals(0, p1.exit(), p1.err());
            assertTrue(p1.out().contains("signed by " + team.keyId()), p1.out());
            Await.until("v1 serving", () -> scorer.liveModel().version(), v -> v == 1L, WAIT);
            assertEquals(team.keyId(), scorer.liveModel().current().signerKeyId());
            h.sendPairs(0, 20);
            awaitDecisions(h, 20);

            // v2 unsigned, v3 signed by a key serve does not trust, v4 signed by the team and then changed.
            ModelArtifact signed = teamSigner.sign(h.model(4).toBuilder().provenance(new ObjectMapper().createObjectNode()
                    .put("madeBy", "test")).build());
            List<ModelArtifact> refused = List.of(h.model(2), TestKeys.signer(stranger).sign(h.model(3)), tampered(signed));
            List<Reason> reasons = List.of(Reason.UNSIGNED, Reason.UNKNOWN_SIGNER, Reason.BAD_SIGNATURE);
            for (int i = 0; i < refused.size(); i++) {
                long v = publisher.publish(refused.get(i), "default", OptionalLong.empty(), Map.of()).version();
                assertEquals(i + 2L, v);
                Reason reason = reasons.get(i);
                Await.until(reason + " counted", () -> scorer.metrics().rejectionCount(reason), n -> n == 1.0, WAIT);
                assertEquals(1L, scorer.liveModel().version(), "v1 keeps serving after v" + v + " (" + reason + ")");
            }

            // publish asked to sign with something that cannot sign: exit 2, nothing on the topic.
            CliRun refusedPublish = publish(h, v1File, "--sign-key", team.publicKey().toString());
            assertEquals(Main.EXIT_USER_ERROR, refusedPublish.exit());
            assertTrue(refusedPublish.err().contains("is a public key: signing needs the private key"), refusedPublish.err());
            assertEquals(4L, publisher.latestVersion("default"), "the refused publish wrote nothing");

            h.sendPairs(20, 40);
            List<ConsumerRecord<String, PairDecision>> decided = awaitDecisions(h, 40);
            assertEquals(Set.of(1L), decided.stream().map(r -> r.value().getModelVersion()).collect(Collectors.toSet()),
                    "every pair, before and after the refused records, scored by v1");
            String metrics = HttpGet.local(scorer.metricsPort(), "/metrics");
            for (Reason r : reasons) {
                assertTrue(metrics.contains("simstream_model_rejections_total{reason=\"" + r + "\"} 1.0"), r + ": " + metrics);
            }
            assertTrue(metrics.contains("simstream_model_last_rejected_version 4.0"), metrics);
            assertTrue(metrics.contains("simstream_model_signature_verified 1.0"), metrics);
            String ready = HttpGet.local(scorer.metricsPort(), "/ready");
            assertTrue(ready.startsWith("200 ready: serving model 'default' v1 (signed by " + team.keyId() + "); last rejected v4"),
                    ready);

            // v5: signed by the team, untouched: swaps.
            assertEquals(5L, publisher.publish(signed, "default", OptionalLong.empty(), Map.of()).version());
            Await.until("v5 serving", () -> scorer.liveModel().version(), v -> v == 5L, WAIT);
            h.sendPairs(40, 50);
            List<ConsumerRecord<String, PairDecision>> after = awaitDecisions(h, 50);
            assertTrue(after.stream().filter(r -> Integer.parseInt(r.key().substring(1)) >= 40)
                    .allMatch(r -> r.value().getModelVersion() == 5L), "pairs after the swap scored by v5");

            // The listing names the signer of each version (claimed; serve verified it).
            CliRun list = CliRun.of(cluster(prefix, "models", "list", "--json"));
            assertEquals(0, list.exit(), list.err());
            JsonNode versions = new ObjectMapper().readTree(list.out()).get("versions");
            List<String> signers = new ArrayList<>();
            versions.forEach(v -> signers.add(v.get("signer").isNull() ? "-" : v.get("signer").asText()));
            assertEquals(List.of(team.keyId(), "-", stranger.keyId(), team.keyId(), team.keyId()), signers, list.out());
            CliRun show = CliRun.of(cluster(prefix, "models", "show", "default:4"));
            assertTrue(show.out().contains("signature:    key " + team.keyId()), show.out());
            CliRun show5 = CliRun.of(cluster(prefix, "models", "show", "default:5"));
            assertTrue(show5.out().contains("provenance:   madeBy: test"), show5.out());

            // A rollback republishes v1's signed artifact under a new version: it still verifies.
            CliRun rollback = CliRun.of(cluster(prefix, "models", "rollback", "default", "--to", "1"));
            assertEquals(0, rollback.exit(), rollback.err());
            Await.until("v6 (v1's artifact) serving", () -> scorer.liveModel().version(), v -> v == 6L, WAIT);
            assertEquals(team.keyId(), scorer.liveModel().current().signerKeyId());

            // The same topic under the default (warn) with no keys: served, and said to be unverified.
            ScoringService warned = h.start("b");
            Await.until("b serving v6", () -> warned.liveModel().version(), v -> v == 6L, WAIT);
            Await.until("b ready, saying the signer is not trusted", () -> HttpGet.local(warned.metricsPort(), "/ready"),
                    r -> r.startsWith("200 ready: serving model 'default' v6 (signed by untrusted key " + team.keyId() + ")"),
                    WAIT);
            assertTrue(warned.metrics().untrustedCount(io.simstream.signing.Verification.Status.UNKNOWN_SIGNER) >= 1);
            assertTrue(HttpGet.local(warned.metricsPort(), "/metrics")
                    .contains("simstream_model_signature_verified 0.0"));
        }
    }

    /** Signed, then a weight changed; the signature is carried over as it was. */
    static ModelArtifact tampered(ModelArtifact signed) {
        DenseLayer l = signed.encoder().get(0);
        float[] w = l.weights().clone();
        w[3] = -w[3];
        List<DenseLayer> layers = new ArrayList<>(signed.encoder());
        layers.set(0, new DenseLayer(l.in(), l.out(), w, l.bias()));
        return signed.toBuilder().members(null).encoder(layers).headLayer(signed.headLayer())
                .signatures(signed.signatures()).build();
    }

    private static CliRun publish(ScoringHarness h, Path model, String... more) {
        List<String> args = new ArrayList<>(List.of("publish", "--model", model.toString(), "--bootstrap", h.bootstrap,
                "--registry-url", h.registryUrl, "--topic", h.names.models()));
        args.addAll(List.of(more));
        return CliRun.of(args.toArray(String[]::new));
    }

    private static String[] cluster(String prefix, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--bootstrap", KAFKA.bootstrapServers(), "--registry-url", SharedRegistry.url(),
                "--topic-prefix", prefix));
        return all.toArray(String[]::new);
    }

    private static List<ConsumerRecord<String, PairDecision>> awaitDecisions(ScoringHarness h, int n) {
        return Await.until(n + " decisions", h.decisions::poll, l -> l.size() >= n, WAIT);
    }
}
