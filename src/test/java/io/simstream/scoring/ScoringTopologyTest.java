package io.simstream.scoring;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.simstream.avro.DeadLetter;
import io.simstream.avro.ModelRecord;
import io.simstream.avro.PairDecision;
import io.simstream.avro.VectorPair;
import io.simstream.data.Vectors;
import io.simstream.deadletter.DeadLetterReason;
import io.simstream.lifecycle.ModelLoader;
import io.simstream.lifecycle.ModelRecords;
import io.simstream.lifecycle.ModelRejectedException;
import io.simstream.lifecycle.PairScorerFactory;
import io.simstream.model.Head;
import io.simstream.model.ModelArtifact;
import io.simstream.model.ScalarPairScorer;
import io.simstream.registry.InMemorySchemaRegistry;
import io.simstream.testkit.TestModels;
import io.simstream.topics.TopicNames;
import io.simstream.topics.Topics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScoringTopologyTest {
    private static final int DIM = 12;
    private static final String APP = "scoring-test";

    @TempDir
    Path stateDir;

    private final Random rnd = new Random(7);
    private Topics topics;
    private LiveModel live;
    private ScoringMetrics metrics;
    private TopologyTestDriver driver;
    private TestInputTopic<String, ModelRecord> models;
    private TestInputTopic<String, VectorPair> pairs;
    private TestInputTopic<byte[], byte[]> rawPairs;
    private TestOutputTopic<String, PairDecision> decisions;
    private TestOutputTopic<String, DeadLetter> deadLetters;

    @BeforeEach
    void start() {
        startWith(0);
    }

    private void startWith(int expectedDim) {
        startWith(expectedDim, PairScorerFactory.SCALAR);
    }

    private TestInputTopic<String, byte[]> rawModels;

    private void startWith(int expectedDim, PairScorerFactory scorers) {
        ScoringDriver d = ScoringDriver.in(stateDir).applicationId(APP).expectedDim(expectedDim).scorers(scorers).start();
        topics = d.topics;
        live = d.live;
        metrics = d.metrics;
        driver = d.driver;
        models = d.models;
        pairs = d.pairs;
        rawModels = d.rawModels;
        rawPairs = d.rawPairs;
        decisions = d.decisions;
        deadLetters = d.deadLetters;
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    private void publish(ModelArtifact artifact, long version) {
        models.pipeInput("default", ModelRecords.of(artifact, "default", version, Map.of(), Instant.now()));
    }

    private static float expectedScore(ModelArtifact artifact, VectorPair p) {
        return new ScalarPairScorer(artifact).score(Vectors.toArray(p.getLeft()), Vectors.toArray(p.getRight()));
    }

    @Test
    void scoresEachPairWithTheLiveModelKeyedLikeTheInput() {
        ModelArtifact m = TestModels.random(DIM, 1, Head.BCE, 0.5f);
        publish(m, 1);
        VectorPair p = TestModels.pair("p-1", rnd, DIM);
        pairs.pipeInput("key-1", p);

        KeyValue<String, PairDecision> out = decisions.readKeyValue();
        assertEquals("key-1", out.key);
        PairDecision d = out.value;
        assertEquals("p-1", d.getPairId());
        assertEquals(expectedScore(m, p), d.getScore(), 1e-6f);
        assertEquals(d.getScore() > 0.5f, d.getSame(), "BCE head: same when score > threshold");
        assertEquals(1L, d.getModelVersion());
        assertEquals("default", d.getModelName());
        assertEquals("bce", d.getHead());
        assertEquals(p.getEventTime(), d.getEventTime());
        assertTrue(deadLetters.isEmpty());
        assertEquals(1.0, metrics.decisionCount());
    }

    @Test
    void aNewerModelIsSwappedInForTheFollowingPairs() {
        ModelArtifact v1 = TestModels.random(DIM, 1);
        ModelArtifact v2 = TestModels.random(DIM, 2);
        publish(v1, 1);
        VectorPair p = TestModels.pair("p", rnd, DIM);
        pairs.pipeInput("a", p);
        publish(v2, 2);
        pairs.pipeInput("b", p);

        List<PairDecision> out = decisions.readValuesToList();
        assertEquals(List.of(1L, 2L), out.stream().map(PairDecision::getModelVersion).toList());
        assertEquals(expectedScore(v1, p), out.get(0).getScore(), 1e-6f);
        assertEquals(expectedScore(v2, p), out.get(1).getScore(), 1e-6f);
        assertNotEquals(out.get(0).getScore(), out.get(1).getScore(), "the two models must score differently");
        assertEquals(2.0, metrics.swapCount());
        assertEquals(2L, live.version());
    }

    @Test
    void equalOrLowerVersionsAreIgnored() {
        ModelArtifact v2 = TestModels.random(DIM, 2);
        publish(v2, 2);
        publish(TestModels.random(DIM, 3), 2);
        publish(TestModels.random(DIM, 4), 1);
        VectorPair p = TestModels.pair("p", rnd, DIM);
        pairs.pipeInput("a", p);

        PairDecision d = decisions.readValue();
        assertEquals(2L, d.getModelVersion());
        assertEquals(expectedScore(v2, p), d.getScore(), 1e-6f, "the first v2 keeps serving");
        assertEquals(2.0, metrics.staleModelCount());
        assertEquals(1.0, metrics.swapCount());
    }

    @Test
    void pairsWaitForTheFirstModelAndAreScoredInArrivalOrderWhenTheNextPairArrives() {
        for (int i = 0; i < 3; i++) {
            pairs.pipeInput("k" + i, TestModels.pair("p" + i, rnd, DIM));
        }
        driver.advanceWallClockTime(Duration.ofSeconds(1));
        assertTrue(decisions.isEmpty(), "nothing can be scored without a model");
        assertTrue(deadLetters.isEmpty(), "waiting pairs are not dead letters");

        publish(TestModels.random(DIM, 1), 1);
        pairs.pipeInput("k3", TestModels.pair("p3", rnd, DIM));

        List<KeyValue<String, PairDecision>> out = decisions.readKeyValuesToList();
        assertEquals(List.of("k0", "k1", "k2", "k3"), out.stream().map(kv -> kv.key).toList());
        assertEquals(List.of("p0", "p1", "p2", "p3"), out.stream().map(kv -> kv.value.getPairId()).toList());
        assertTrue(out.stream().allMatch(kv -> kv.value.getModelVersion() == 1L));
    }

    @Test
    void aRecordWithoutValueIsDeadLetteredEvenBeforeAnyModel() {
        pairs.pipeInput("k0", TestModels.pair("p0", rnd, DIM));
        pairs.pipeInput("empty", (VectorPair) null);
        KeyValue<String, DeadLetter> dead = deadLetters.readKeyValue();
        assertEquals("empty", dead.key);
        assertEquals("MISSING_SIDE", dead.value.getErrorType());
        publish(TestModels.random(DIM, 1), 1);
        driver.advanceWallClockTime(Duration.ofMillis(200));
        assertEquals(List.of("p0"), decisions.readValuesToList().stream().map(PairDecision::getPairId).toList(),
                "the waiting pair is still there and scored once");
    }

    @Test
    void waitingPairsAreDrainedByThePunctuatorWithoutNewTraffic() {
        pairs.pipeInput("k0", TestModels.pair("p0", rnd, DIM));
        pairs.pipeInput("k1", TestModels.pair("p1", rnd, DIM));
        publish(TestModels.random(DIM, 1), 1);
        assertTrue(decisions.isEmpty());

        driver.advanceWallClockTime(Duration.ofMillis(200));

        assertEquals(List.of("p0", "p1"), decisions.readValuesToList().stream().map(PairDecision::getPairId).toList());
        driver.advanceWallClockTime(Duration.ofMillis(200));
        assertTrue(decisions.isEmpty(), "a drained pair is scored once");
    }

    @Test
    void invalidPairsGoToTheDeadLetterTopicWithTheirReason() {
        publish(TestModels.random(DIM, 1), 1);
        List<Float> good = TestModels.vector(rnd, DIM);
        List<Float> nan = new ArrayList<>(good);
        nan.set(3, Float.NaN);
        List<Float> inf = new ArrayList<>(good);
        inf.set(5, Float.NEGATIVE_INFINITY);
        Instant t = Instant.ofEpochMilli(1000);
        pairs.pipeInput("missing", new VectorPair("m", List.of(), good, t, null));
        pairs.pipeInput("short", new VectorPair("s", good, good.subList(0, DIM - 1), t, null));
        pairs.pipeInput("nan", new VectorPair("n", nan, good, t, null));
        pairs.pipeInput("inf", new VectorPair("i", good, inf, t, null));
        pairs.pipeInput("tombstone", (VectorPair) null);
        // No key and no value: nothing to route a canary by, still a validation failure, not a crash.
        pairs.pipeInput((String) null, (VectorPair) null);
        pairs.pipeInput("ok", new VectorPair("ok", good, good, t, null));

        List<KeyValue<String, DeadLetter>> dead = deadLetters.readKeyValuesToList();
        assertEquals(Arrays.asList("missing", "short", "nan", "inf", "tombstone", null),
                dead.stream().map(kv -> kv.key).toList());
        assertEquals(List.of("MISSING_SIDE", "DIMENSION_MISMATCH", "NON_FINITE", "NON_FINITE", "MISSING_SIDE",
                        "MISSING_SIDE"), dead.stream().map(kv -> kv.value.getErrorType()).toList());
        DeadLetter shortOne = dead.get(1).value;
        assertTrue(shortOne.getReason().contains("11 values") && shortOne.getReason().contains("12"),
                "reason should say what was seen and expected: " + shortOne.getReason());
        assertEquals(topics.pairs().name(), shortOne.getSourceTopic());
        assertEquals(1L, shortOne.getSourceOffset());
        assertEquals(APP, shortOne.getApplication());
        VectorPair original = topics.pairs().valueSerde().deserializer().deserialize("x", bytes(shortOne.getOriginalValue()));
        assertEquals("s", original.getId(), "the dead letter carries the original pair");
        assertTrue(dead.get(2).value.getReason().contains("NaN"), dead.get(2).value.getReason());
        assertEquals(List.of("ok"), decisions.readValuesToList().stream().map(PairDecision::getPairId).toList());
        assertEquals(2.0, metrics.deadLetterCount(DeadLetterReason.NON_FINITE));
    }

    @Test
    void undeserializableBytesAreDeadLetteredAndProcessingContinues() {
        publish(TestModels.random(DIM, 1), 1);
        byte[] garbage = "not avro at all".getBytes(StandardCharsets.UTF_8);
        rawPairs.pipeInput("bad".getBytes(StandardCharsets.UTF_8), garbage);
        pairs.pipeInput("good", TestModels.pair("g", rnd, DIM));

        KeyValue<String, DeadLetter> dead = deadLetters.readKeyValue();
        assertEquals("bad", dead.key);
        assertEquals("DESERIALIZATION", dead.value.getErrorType());
        assertArrayEquals(garbage, bytes(dead.value.getOriginalValue()));
        assertEquals(0L, dead.value.getSourceOffset());
        assertTrue(dead.value.getReason().contains("UNKNOWN_MAGIC_BYTE"), dead.value.getReason());
        assertEquals("g", decisions.readValue().getPairId());
        assertEquals(1.0, metrics.deadLetterCount(DeadLetterReason.DESERIALIZATION));
    }

    @Test
    void badModelRecordsAreRejectedAndThePreviousModelKeepsServing() {
        ModelArtifact v1 = TestModels.random(DIM, 1);
        publish(v1, 1);

        ModelRecord badSha = ModelRecords.of(TestModels.random(DIM, 2), "default", 2, Map.of(), Instant.now());
        String sha = badSha.getSha256();
        badSha.setSha256((sha.charAt(0) == '0' ? "1" : "0") + sha.substring(1));
        models.pipeInput("default", badSha);

        ModelRecord corrupt = ModelRecords.of(TestModels.random(DIM, 3), "default", 3, Map.of(), Instant.now());
        byte[] flipped = bytes(corrupt.getArtifact());
        flipped[flipped.length / 2] ^= 0x5A;
        corrupt.setArtifact(ByteBuffer.wrap(flipped));
        corrupt.setSha256(ModelArtifact.sha256Hex(flipped));
        models.pipeInput("default", corrupt);

        ModelRecord wrongDim = ModelRecords.of(TestModels.random(DIM + 1, 4), "default", 4, Map.of(), Instant.now());
        wrongDim.setInputDim(DIM);
        models.pipeInput("default", wrongDim);

        ModelRecord wrongHead = ModelRecords.of(TestModels.random(DIM, 5), "default", 5, Map.of(), Instant.now());
        wrongHead.setHead("bce");
        models.pipeInput("default", wrongHead);

        VectorPair p = TestModels.pair("p", rnd, DIM);
        pairs.pipeInput("a", p);
        PairDecision d = decisions.readValue();
        assertEquals(1L, d.getModelVersion());
        assertEquals(expectedScore(v1, p), d.getScore(), 1e-6f);
        assertEquals(1.0, metrics.rejectionCount(ModelRejectedException.Reason.SHA_MISMATCH));
        assertEquals(1.0, metrics.rejectionCount(ModelRejectedException.Reason.CORRUPT_ARTIFACT));
        assertEquals(1.0, metrics.rejectionCount(ModelRejectedException.Reason.DIMENSION_MISMATCH));
        assertEquals(1.0, metrics.rejectionCount(ModelRejectedException.Reason.HEAD_MISMATCH));

        publish(TestModels.random(DIM, 6), 6);
        pairs.pipeInput("b", p);
        assertEquals(6L, decisions.readValue().getModelVersion(), "a good record after bad ones is still accepted");
    }

    @Test
    void aModelOfTheWrongDimensionForTheServiceIsRejected() {
        driver.close();
        startWith(DIM);
        publish(TestModels.random(DIM + 4, 1), 1);
        assertEquals(1.0, metrics.rejectionCount(ModelRejectedException.Reason.DIMENSION_MISMATCH));
        assertTrue(!live.isLoaded(), "no model should be live");
        publish(TestModels.random(DIM, 2), 2);
        assertEquals(2L, live.version());
    }

    @Test
    void modelsOfOtherNamesAreStoredButNotServed() {
        publish(TestModels.random(DIM, 1), 1);
        models.pipeInput("other", ModelRecords.of(TestModels.random(DIM, 9), "other", 5, Map.of(), Instant.now()));
        assertEquals(1L, live.version());
        var store = driver.<String, byte[]>getKeyValueStore(ScoringTopology.MODEL_STORE);
        var serde = topics.models().valueSerde();
        assertEquals(5L, serde.deserializer().deserialize(topics.models().name(), store.get("other")).getVersion());
        assertEquals(1L, serde.deserializer().deserialize(topics.models().name(), store.get("default")).getVersion());
    }

    @Test
    void aValidModelOfAnotherDimensionIsRejectedUnlessItsRecordAllowsTheChange() {
        publish(TestModels.random(DIM, 1), 1);
        publish(TestModels.random(DIM / 2, 2), 2);
        assertEquals(1L, live.version(), "the serving model stays");
        assertEquals(1.0, metrics.rejectionCount(ModelRejectedException.Reason.DIMENSION_MISMATCH));
        assertTrue(metrics.lastRejection().startsWith("v2 ("), metrics.lastRejection());
        pairs.pipeInput("a", TestModels.pair("p", rnd, DIM));
        assertEquals(1L, decisions.readValue().getModelVersion(), "pairs sized for the serving model still score");

        models.pipeInput("default", ModelRecords.of(TestModels.random(DIM / 2, 3), "default", 3,
                Map.of(ModelLoader.ALLOW_DIMENSION_CHANGE, "true"), Instant.now()));
        assertEquals(3L, live.version(), "an explicit, recorded change is accepted");
        assertEquals(DIM / 2, live.current().inputDim());
    }

    @Test
    void aModelWithNonFiniteValuesIsRejected() {
        publish(TestModels.random(DIM, 1), 1);
        ModelArtifact good = TestModels.random(DIM, 2);
        float[] mean = good.normalizer().mean().clone();
        mean[3] = Float.NaN;
        ModelArtifact poisoned = good.toBuilder().normalizer(new io.simstream.model.Normalizer(mean,
                good.normalizer().scale())).build();
        publish(poisoned, 2);
        // (A non-finite threshold never gets this far: the artifact format itself refuses it.)
        assertEquals(1.0, metrics.rejectionCount(ModelRejectedException.Reason.NON_FINITE));
        assertEquals(1L, live.version());
        assertTrue(metrics.lastRejection().contains("normaliser mean[3] is NaN"), metrics.lastRejection());
    }

    @Test
    void aNonFiniteWeightInAnyEnsembleMemberIsRejected() {
        publish(TestModels.random(DIM, 1), 1);
        List<io.simstream.model.EncoderMember> members = new ArrayList<>();
        for (int m = 0; m < 3; m++) {
            members.add(TestModels.random(DIM, 10 + m).members().get(0));
        }
        io.simstream.model.DenseLayer l = members.get(2).encoder().get(1);
        float[] w = l.weights().clone();
        w[4] = Float.POSITIVE_INFINITY;
        List<io.simstream.model.DenseLayer> layers = new ArrayList<>(members.get(2).encoder());
        layers.set(1, new io.simstream.model.DenseLayer(l.in(), l.out(), w, l.bias()));
        members.set(2, new io.simstream.model.EncoderMember(layers, members.get(2).headLayer()));
        ModelArtifact ensemble = TestModels.random(DIM, 2).toBuilder().members(members).build();
        assertEquals(3, ensemble.ensembleSize());
        publish(ensemble, 2);
        assertEquals(1.0, metrics.rejectionCount(ModelRejectedException.Reason.NON_FINITE));
        assertEquals(1L, live.version(), "member 0 is fine, yet the ensemble would score Infinity/NaN");
        assertTrue(metrics.lastRejection().contains("ensemble member 2 encoder layer 1 weights[4] is Infinity"),
                metrics.lastRejection());

        members.set(2, TestModels.random(DIM, 12).members().get(0));
        publish(TestModels.random(DIM, 2).toBuilder().members(members).build(), 3);
        assertEquals(3L, live.version(), "a finite ensemble is accepted");
    }

    @Test
    void anUndecodableModelRecordIsCountedOnceAndTheServingModelStays() {
        publish(TestModels.random(DIM, 1), 1);
        rawModels.pipeInput("default", "not avro".getBytes(StandardCharsets.UTF_8));
        rawModels.pipeInput("default", new byte[] {0, 0, 0, 0});
        assertEquals(2.0, metrics.rejectionCount(ModelRejectedException.Reason.UNDECODABLE));
        assertEquals(1L, live.version());
        pairs.pipeInput("a", TestModels.pair("p", rnd, DIM));
        assertEquals(1L, decisions.readValue().getModelVersion());
    }

    @Test
    void anUnexpectedErrorOnOnePairDeadLettersItAndTheNextPairIsScored() {
        driver.close();
        startWith(0, artifact -> new io.simstream.model.PairScorer() {
            private final ScalarPairScorer inner = new ScalarPairScorer(artifact);

            @Override
            public float score(float[] left, float[] right) {
                if (left[0] == 999f) {
                    throw new IllegalStateException("kernel bug on purpose");
                }
                return inner.score(left, right);
            }

            @Override
            public ModelArtifact model() {
                return artifact;
            }
        });
        publish(TestModels.random(DIM, 1), 1);
        VectorPair bad = TestModels.pair("bad", rnd, DIM);
        List<Float> left = new ArrayList<>(bad.getLeft());
        left.set(0, 999f);
        bad.setLeft(left);
        byte[] badBytes = topics.pairs().valueSerde().serializer().serialize(topics.pairs().name(), bad);
        rawPairs.pipeInput("bad".getBytes(StandardCharsets.UTF_8), badBytes);
        pairs.pipeInput("good", TestModels.pair("good", rnd, DIM));

        DeadLetter dead = deadLetters.readValue();
        assertEquals("PROCESSING_ERROR", dead.getErrorType());
        assertEquals("java.lang.IllegalStateException: kernel bug on purpose", dead.getReason());
        assertArrayEquals(badBytes, bytes(dead.getOriginalValue()), "the exact bytes that arrived");
        assertEquals(List.of("good"), decisions.readValuesToList().stream().map(PairDecision::getPairId).toList());
    }

    private static byte[] bytes(ByteBuffer b) {
        return ModelLoader.toArray(b);
    }
}
