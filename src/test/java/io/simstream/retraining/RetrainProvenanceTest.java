package io.simstream.retraining;

import com.fasterxml.jackson.databind.JsonNode;
import io.simstream.UserInputException;
import io.simstream.avro.LabeledPair;
import io.simstream.avro.ModelEvent;
import io.simstream.config.RetrainConfig;
import io.simstream.model.ModelArtifact;
import io.simstream.signing.KeyFiles;
import io.simstream.signing.TestKeys;
import io.simstream.signing.TrustedKeys;
import io.simstream.signing.Verification;
import io.simstream.testkit.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a retrained model records about itself (labels, code, settings, gate) and its signature over it. */
class RetrainProvenanceTest {
    private static final int DIM = 8;

    @TempDir
    Path dir;

    /** 400 pairs read alternately from partitions 0 and 1 of "labels", offsets 100.. and 500.. */
    static TrainingWindow.Labeled window() {
        List<LabeledPair> pairs = LabeledWindows.synthetic(400, DIM);
        List<LabelPosition> at = new ArrayList<>();
        for (int i = 0; i < pairs.size(); i++) {
            at.add(new LabelPosition("labels", i % 2, (i % 2 == 0 ? 100 : 500) + i / 2));
        }
        return new TrainingWindow.Labeled(pairs, at);
    }

    @Test
    void thePositionsOfTheWindowTravelWithItsPairsThroughEviction() {
        TrainingWindow w = new TrainingWindow(3);
        for (int i = 0; i < 5; i++) {
            w.add(TrainingWindowTest.pair(i), new LabelPosition("t", 0, 10 + i));
        }
        TrainingWindow.Labeled l = w.labeled();
        assertEquals(List.of("p2", "p3", "p4"), l.pairs().stream().map(LabeledPair::getId).toList());
        assertEquals(List.of(12L, 13L, 14L), l.positions().stream().map(LabelPosition::offset).toList());
        assertEquals(l.pairs(), w.snapshot());
    }

    @Test
    void aPublishedChallengerRecordsItsLabelsCodeSettingsAndGateAndIsSignedOverThem() throws Exception {
        KeyFiles.Written key = TestKeys.generate(dir, "retrainer");
        Map<String, String> settings = new HashMap<>(Map.of("bootstrap.servers", "x:1", "registry.url", "http://x",
                "signing.key.file", key.privateKey().toString(), "train.seed", "7"));
        RetrainTrust trust = RetrainTrust.from(RetrainConfig.of(settings), (data, champ) -> null);
        AtomicReference<ModelArtifact> published = new AtomicReference<>();
        ModelArtifact champion = TestModels.random(DIM, 1).withVersion(3);
        RetrainJob job = new RetrainJob("m", (data, champ) -> TestModels.random(DIM, 2),
                new PromotionGate(GateMetric.AUC, 1.0, 0.0), 0.25, a -> {
                    published.set(a);
                    return 4;
                }, Clock.systemUTC(), trust.stamp());

        ModelEvent e = job.run(window(), champion);

        assertEquals("PUBLISHED", e.getEventType());
        assertEquals(key.keyId(), e.getSignerKeyId(), "the event names the signer");
        ModelArtifact a = published.get();
        JsonNode p = a.provenance();
        assertEquals("retrain", p.get("madeBy").asText());
        // Training part: pairs 0..299 = offsets 100..249 on partition 0 and 500..649 on partition 1.
        JsonNode training = p.at("/data/training");
        assertEquals("labels", training.get("topic").asText());
        assertEquals(300, training.get("rows").asInt());
        assertEquals(List.of("0:100-249x150", "1:500-649x150"), ranges(training));
        assertEquals(List.of("0:250-299x50", "1:650-699x50"), ranges(p.at("/data/holdout")));
        assertEquals(LabelProvenance.digest(window().pairs().subList(0, 300)), training.get("sha256").asText());
        assertNotEquals(training.get("sha256"), p.at("/data/holdout/sha256"));
        JsonNode gate = p.get("gate");
        assertEquals("auc", gate.get("metric").asText());
        assertEquals(3, gate.get("championVersion").asInt());
        assertEquals(e.getChallengerMetric(), gate.get("challengerValue").asDouble(), 0.0);
        assertEquals(e.getChampionMetric(), gate.get("championValue").asDouble(), 0.0);
        assertEquals(100, gate.get("holdoutRows").asInt());
        assertEquals(e.getReason(), gate.get("verdict").asText());
        assertEquals("7", p.at("/settings/retrain/train.seed").asText());
        assertNull(p.at("/settings/retrain").get("signing.key.file"), "key settings are never recorded");
        assertNotEquals("unknown", p.at("/code/version").asText(), "the build wrote its version");
        assertTrue(p.at("/code/commit").isTextual());

        TrustedKeys trusted = TrustedKeys.load(key.publicKey().toString());
        assertEquals(Verification.Status.VERIFIED, trusted.verify(a.contentDigest(), a.signatures()).status());
        ModelArtifact edited = a.toBuilder().provenance(p.deepCopy()).build();
        assertTrue(edited.signatures().isEmpty(), "an artifact rebuilt with other content loses its signatures");
    }

    @Test
    void anUnsignedRetrainerStillRecordsProvenanceAndAKeyItCannotUseStopsItAtStartup() throws Exception {
        AtomicReference<ModelArtifact> published = new AtomicReference<>();
        RetrainJob job = new RetrainJob("m", (data, champ) -> TestModels.random(DIM, 2),
                new PromotionGate(GateMetric.AUC, 1.0, 0.0), 0.25, a -> {
                    published.set(a);
                    return 1;
                }, Clock.systemUTC(), RetrainTrust.none().stamp());
        ModelEvent e = job.run(window(), null);
        assertNull(e.getSignerKeyId());
        assertTrue(published.get().signatures().isEmpty());
        assertEquals(300, published.get().provenance().at("/data/training/rows").asInt());
        assertTrue(published.get().provenance().get("gate").get("championVersion") == null, "no champion");

        Map<String, String> base = Map.of("bootstrap.servers", "x:1", "registry.url", "http://x");
        Path pub = TestKeys.generate(dir, "k").publicKey();
        Map<String, String> wrongKey = new HashMap<>(base);
        wrongKey.put("signing.key.file", pub.toString());
        UserInputException e1 = assertThrows(UserInputException.class,
                () -> RetrainTrust.from(RetrainConfig.of(wrongKey), (d, c) -> null));
        assertTrue(e1.getMessage().contains("is a public key"), e1.getMessage());
        Map<String, String> both = new HashMap<>(wrongKey);
        both.put("signing.key", Files.readString(dir.resolve("k.key")));
        UserInputException e2 = assertThrows(UserInputException.class, () -> RetrainConfig.of(both));
        assertTrue(e2.getMessage().contains("not both"), e2.getMessage());
        assertTrue(!e2.getMessage().contains("PRIVATE KEY"), "the PEM is never echoed: " + e2.getMessage());
        Map<String, String> env = new HashMap<>(base);
        env.put("signing.key", "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----");
        UserInputException e3 = assertThrows(UserInputException.class,
                () -> RetrainTrust.from(RetrainConfig.of(env), (d, c) -> null));
        assertTrue(e3.getMessage().contains("SIMSTREAM_SIGNING_KEY"), e3.getMessage());
    }

    private static List<String> ranges(JsonNode data) {
        List<String> out = new ArrayList<>();
        data.get("partitions").forEach(p -> out.add(p.get("partition").asInt() + ":" + p.get("fromOffset").asLong()
                + "-" + p.get("toOffset").asLong() + "x" + p.get("count").asLong()));
        return out;
    }
}
