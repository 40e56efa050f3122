package io.simstream.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.simstream.avro.PairDecision;
import io.simstream.lifecycle.ModelPublisher;
import io.simstream.lifecycle.ModelRecords;
import io.simstream.lifecycle.ModelRejectedException.Reason;
import io.simstream.lifecycle.ReferenceFetcher;
import io.simstream.lifecycle.Rollout;
import io.simstream.model.ModelArtifact;
import io.simstream.signing.ArtifactSigner;
import io.simstream.signing.KeyFiles;
import io.simstream.signing.TestKeys;
import io.simstream.testkit.Await;
import io.simstream.testkit.BrokerPerClass;
import io.simstream.testkit.CliRun;
import io.simstream.testkit.FreePort;
import io.simstream.testkit.SharedRegistry;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
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
 * Models published by reference on a real broker and registry, to a scorer under
 * model.trust.mode=require: a signed file swaps; a file changed after publishing (SHA-256) and an
 * unsigned artifact are each rejected and counted while the old model serves; an HTTP URL served
 * by a test server swaps; an URL with nothing behind it is retried (counted, nothing dead-lettered,
 * the old model keeps deciding every pair) and swaps as soon as a server answers there.
 */
@Tag("integration")
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class ModelReferenceIntegrationTest {
    private static final Duration WAIT = Duration.ofSeconds(90);
    @RegisterExtension
    static final BrokerPerClass KAFKA = new BrokerPerClass();

    @TempDir
    Path dir;

    @Test
    void referencesSwapOnlyWhenFetchedAndVerifiedAndAnUnreachableUrlIsWaitedFor() throws Exception {
        KeyFiles.Written team = TestKeys.generate(dir.resolve("team"), "team");
        ArtifactSigner signer = TestKeys.signer(team);
        String id = SharedRegistry.unique("refs");
        HttpServer server = null;
        try (ScoringHarness h = new ScoringHarness(KAFKA.bootstrapServers(), SharedRegistry.url(),
                SharedRegistry.newClient(), id);
             ModelPublisher publisher = new ModelPublisher(Map.of("bootstrap.servers", h.bootstrap), h.topics.models(),
                     h.topics.modelHistory(), Clock.systemUTC())) {
            ScoringService scorer = h.start("a", Map.of("model.trust.mode", "require",
                    "model.trust.keys", team.publicKey().toString(), "model.reference.retry.ms", "120000",
                    "model.reference.timeout.ms", "5000"));

            // v1: a signed file, through publish --reference.
            Path v1 = dir.resolve("v1.simstream");
            signer.sign(h.model(1)).write(v1);
            CliRun p1 = CliRun.of("publish", "--reference", v1.toString(), "--bootstrap", h.bootstrap,
                    "--registry-url", h.registryUrl, "--topic", h.names.models());
            assertEquals(0, p1.exit(), p1.err());
            assertTrue(p1.out().contains("a reference to " + v1.toAbsolutePath()), p1.out());
            assertTrue(p1.out().contains("signed by " + team.keyId()), p1.out());
            Await.until("v1 serving", () -> scorer.liveModel().version(), v -> v == 1L, WAIT);
            assertEquals(team.keyId(), scorer.liveModel().current().signerKeyId());
            h.sendPairs(0, 20);
            awaitDecisions(h, 20);

            // v2: the file changes after publish read it (same size): the SHA-256 no longer matches.
            Path v2 = dir.resolve("v2.simstream");
            ModelArtifact signed2 = signer.sign(h.model(2));
            signed2.write(v2);
            ModelRecords.Reference ref2 = fetcher().inspect(v2.toString());
            // Validly signed and well-formed, only not the bytes published: the SHA-256 is what catches it.
            byte[] other = signer.sign(signed2.toBuilder().threshold(signed2.threshold() + 1f).build()).toBytes();
            assertEquals(Files.size(v2), other.length);
            Files.write(v2, other);
            assertEquals(2L, publisher.publishReference(ref2, "default", OptionalLong.empty(), Map.of(), Rollout.FULL)
                    .version());
            Await.until("tampered file counted", () -> scorer.metrics().rejectionCount(Reason.SHA_MISMATCH),
                    n -> n == 1.0, WAIT);

            // v3: an unsigned artifact, untouched: require refuses it.
            Path v3 = dir.resolve("v3.simstream");
            h.model(3).write(v3);
            publisher.publishReference(fetcher().inspect(v3.toString()), "default", OptionalLong.empty(), Map.of(),
                    Rollout.FULL);
            Await.until("unsigned counted", () -> scorer.metrics().rejectionCount(Reason.UNSIGNED), n -> n == 1.0, WAIT);
            assertEquals(1L, scorer.liveModel().version(), "v1 keeps serving");

            // v4: over HTTP from a test server.
            byte[] v4 = signer.sign(h.model(4)).toBytes();
            server = serve(FreePort.onLoopback(), "/models/v4.simstream", v4);
            String url4 = "http://127.0.0.1:" + server.getAddress().getPort() + "/models/v4.simstream";
            CliRun p4 = CliRun.of("publish", "--reference", url4, "--bootstrap", h.bootstrap,
                    "--registry-url", h.registryUrl, "--topic", h.names.models());
            assertEquals(0, p4.exit(), p4.err());
            Await.until("v4 serving", () -> scorer.liveModel().version(), v -> v == 4L, WAIT);

            // v5: an URL where nothing listens yet. The scorer retries (an infrastructure fault), v4
            // keeps deciding every pair, nothing is dead-lettered; when a server appears, v5 swaps.
            byte[] v5 = signer.sign(h.model(5)).toBytes();
            int port5 = FreePort.onLoopback();
            String url5 = "http://127.0.0.1:" + port5 + "/v5.simstream";
            ModelRecords.Reference ref5 = new ModelRecords.Reference(url5, ModelArtifact.sha256Hex(v5), v5.length,
                    h.model(5).head().id(), h.model(5).inputDim(), team.keyId());
            // A new publisher: publish --reference above claimed the name and fenced the first one.
            try (ModelPublisher again = new ModelPublisher(Map.of("bootstrap.servers", h.bootstrap), h.topics.models(),
                    h.topics.modelHistory(), Clock.systemUTC())) {
                assertEquals(5L, again.publishReference(ref5, "default", OptionalLong.empty(), Map.of(), Rollout.FULL)
                        .version());
            }
            Await.until("retries counted", () -> scorer.metrics().referenceRetryCount(), n -> n >= 3, WAIT);
            h.sendPairs(20, 40);
            List<ConsumerRecord<String, PairDecision>> during = awaitDecisions(h, 40);
            assertEquals(4L, scorer.liveModel().version(), "v4 serves while v5 cannot be read");
            assertEquals(Set.of(4L), during.stream().filter(r -> Integer.parseInt(r.key().substring(1)) >= 20)
                    .map(r -> r.value().getModelVersion()).collect(Collectors.toSet()));
            HttpServer late = serve(port5, "/v5.simstream", v5);
            try {
                Await.until("v5 serving once its server answers", () -> scorer.liveModel().version(), v -> v == 5L, WAIT);
            } finally {
                late.stop(0);
            }
            assertEquals(0.0, scorer.metrics().rejectionCount(Reason.REFERENCE_UNREADABLE));
            h.sendPairs(40, 50);
            awaitDecisions(h, 50);
            assertTrue(h.deadLetters.poll().isEmpty(), "nothing dead-lettered: " + h.deadLetters.poll());

            // models show tells where a referenced version lives.
            CliRun show = CliRun.of("models", "show", "default:4", "--bootstrap", h.bootstrap, "--registry-url",
                    h.registryUrl, "--topic-prefix", id + "-");
            assertEquals(0, show.exit(), show.err());
            assertTrue(show.out().contains("stored as:    reference to " + url4), show.out());
            assertTrue(show.out().contains("signature:    key " + team.keyId()), show.out());
        } finally {
            if (server != null) {
                server.stop(0);
            }
        }
    }

    private static ReferenceFetcher fetcher() {
        return new ReferenceFetcher(new ReferenceFetcher.Settings(Duration.ofSeconds(10), Duration.ofSeconds(1), 1L << 30),
                e -> { });
    }

    private static HttpServer serve(int port, String path, byte[] body) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.createContext(path, exchange -> {
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream os = exchange.getResponseBody()) {
                os.write(body);
            }
        });
        server.start();
        return server;
    }

    private static List<ConsumerRecord<String, PairDecision>> awaitDecisions(ScoringHarness h, int n) {
        return Await.until(n + " decisions", h.decisions::poll, l -> l.size() >= n, WAIT);
    }
}
