package io.simstream.scoring;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.simstream.avro.DeadLetter;
import io.simstream.avro.PairDecision;
import io.simstream.deadletter.DeadLetterReason;
import io.simstream.lifecycle.ModelLoader;
import io.simstream.lifecycle.ModelRecords;
import io.simstream.lifecycle.PairScorerFactory;
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
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The waiting buffer (pairs before any model) is bounded by pairs and by bytes; a pair beyond a bound
 * is dead-lettered as BUFFER_FULL with the exact bytes that arrived (never dropped), /ready says so,
 * and the drain reads the store in steps of at most waiting.drain.batch pairs.
 */
class WaitingBufferTest {
    private static final int DIM = 8;
    private static final String APP = "waiting-test";

    @TempDir
    Path stateDir;

    private final Random rnd = new Random(5);
    private Topics topics;
    private ScoringMetrics metrics;
    private WaitingBuffer buffer;
    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> pairs;
    private TestInputTopic<String, io.simstream.avro.ModelRecord> models;
    private TestOutputTopic<String, PairDecision> decisions;
    private TestOutputTopic<String, DeadLetter> deadLetters;

    private void start(long maxPairs, long maxBytes, int drainBatch) {
        buffer = new WaitingBuffer(maxPairs, maxBytes, drainBatch);
        ScoringDriver d = ScoringDriver.in(stateDir).applicationId(APP).waiting(buffer).start();
        topics = d.topics;
        metrics = d.metrics;
        driver = d.driver;
        pairs = driver.createInputTopic(topics.pairs().name(), Serdes.String().serializer(), Serdes.ByteArray().serializer());
        models = d.models;
        decisions = d.decisions;
        deadLetters = d.deadLetters;
    }

    @AfterEach
    void stop() {
        if (driver != null) {
            driver.close();
        }
    }

    private byte[] pairBytes(String id) {
        return topics.pairs().valueSerde().serializer().serialize(topics.pairs().name(), TestModels.pair(id, rnd, DIM));
    }

    private void publishModel() {
        models.pipeInput("default", ModelRecords.of(TestModels.random(DIM, 1), "default", 1, Map.of(), Instant.now()));
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    @Test
    void beyondWaitingMaxPairsNewPairsAreDeadLetteredAsBufferFullWithTheirExactBytes() {
        start(3, Long.MAX_VALUE, 100);
        List<byte[]> sent = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            byte[] b = pairBytes("p" + i);
            sent.add(b);
            pairs.pipeInput("k" + i, b);
        }
        assertTrue(decisions.isEmpty());
        List<KeyValue<String, DeadLetter>> dead = deadLetters.readKeyValuesToList();
        assertEquals(List.of("k3", "k4"), dead.stream().map(kv -> kv.key).toList(), "the pairs past the bound");
        for (int i = 0; i < 2; i++) {
            DeadLetter d = dead.get(i).value;
            assertEquals("BUFFER_FULL", d.getErrorType());
            assertArrayEquals(sent.get(3 + i), bytes(d.getOriginalValue()), "the exact bytes that arrived");
            assertArrayEquals(("k" + (3 + i)).getBytes(StandardCharsets.UTF_8), bytes(d.getOriginalKey()));
            assertEquals(3 + i, d.getSourceOffset());
            assertTrue(d.getReason().contains("waiting buffer full"), d.getReason());
        }
        assertEquals(2.0, metrics.deadLetterCount(DeadLetterReason.BUFFER_FULL));
        assertEquals(3, buffer.pairs());
        assertTrue(buffer.isFull());
        assertTrue(buffer.status().contains("BUFFER_FULL"), buffer.status());

        publishModel();
        driver.advanceWallClockTime(Duration.ofMillis(200));
        assertEquals(List.of("p0", "p1", "p2"), decisions.readValuesToList().stream().map(PairDecision::getPairId).toList(),
                "the buffered pairs are scored once a model serves");
        assertEquals(0, buffer.pairs());
        assertEquals(0, buffer.bytes());
        assertFalse(buffer.isFull(), "drained: room again");
    }

    @Test
    void theByteBoundCountsKeyAndValue() {
        start(Long.MAX_VALUE, 1, 100);
        pairs.pipeInput("k0", pairBytes("p0"));
        assertEquals("BUFFER_FULL", deadLetters.readValue().getErrorType(), "one byte holds no pair");
        stop();

        start(Long.MAX_VALUE, 1024, 100);
        byte[] one = pairBytes("p0");
        int fit = 0;
        for (int i = 0; i < 50; i++) {
            pairs.pipeInput("k" + i, one);
        }
        fit = 50 - deadLetters.readValuesToList().size();
        assertTrue(fit > 1 && fit < 50, "some fit, the rest is refused: " + fit);
        assertTrue(buffer.bytes() <= 1024, "never more than waiting.max.bytes: " + buffer.bytes());
        assertTrue(buffer.bytes() + one.length + 20 > 1024, "refused only when the next pair would not fit");
        assertEquals(fit, buffer.pairs());
    }

    @Test
    void theDrainReadsTheStoreInBoundedStepsAndKeepsArrivalOrder() {
        start(Long.MAX_VALUE, Long.MAX_VALUE, 10);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 35; i++) {
            ids.add("p" + i);
            pairs.pipeInput("k" + i, pairBytes("p" + i));
        }
        KeyValueStore<String, byte[]> store = driver.getKeyValueStore(ScoringTopology.WAITING_STORE);
        assertEquals(35, count(store));
        publishModel();
        driver.advanceWallClockTime(Duration.ofMillis(200));

        assertEquals(ids, decisions.readValuesToList().stream().map(PairDecision::getPairId).toList());
        assertEquals(4, metrics.drainBatchCount(), "35 pairs in steps of 10: 10, 10, 10, 5");
        assertEquals(10, metrics.largestDrainBatch(), "no step held more than waiting.drain.batch pairs");
        assertEquals(0, count(store), "every drained pair left the store");
        assertTrue(deadLetters.isEmpty());
    }

    @Test
    void aDrainTriggeredByANewPairScoresTheWaitingOnesFirst() {
        start(Long.MAX_VALUE, Long.MAX_VALUE, 4);
        for (int i = 0; i < 9; i++) {
            pairs.pipeInput("k" + i, pairBytes("p" + i));
        }
        publishModel();
        pairs.pipeInput("k9", pairBytes("p9"));
        List<String> out = decisions.readValuesToList().stream().map(PairDecision::getPairId).toList();
        assertEquals(List.of("p0", "p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8", "p9"), out);
        assertEquals(3, metrics.drainBatchCount(), "9 waiting pairs in steps of 4: 4, 4, 1");
        assertEquals(4, metrics.largestDrainBatch());
    }

    private static long count(KeyValueStore<String, byte[]> store) {
        long n = 0;
        try (var it = store.all()) {
            while (it.hasNext()) {
                it.next();
                n++;
            }
        }
        return n;
    }
}
