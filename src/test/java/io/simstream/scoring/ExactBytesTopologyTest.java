package io.simstream.scoring;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.simstream.avro.DeadLetter;
import io.simstream.avro.ModelRecord;
import io.simstream.avro.OriginalHeader;
import io.simstream.avro.PairDecision;
import io.simstream.deadletter.DeadLetters;
import io.simstream.lifecycle.ModelLoader;
import io.simstream.lifecycle.ModelRecords;
import io.simstream.lifecycle.PairScorerFactory;
import io.simstream.registry.InMemorySchemaRegistry;
import io.simstream.testkit.TestModels;
import io.simstream.testkit.WirePairs;
import io.simstream.topics.TopicNames;
import io.simstream.topics.Topics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.Schema;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Dead letters keep the key bytes, value bytes and headers that arrived, for every reason, and a
 * decision's key is the pair's key byte for byte (non-UTF-8 and null keys included), also for
 * pairs that waited for a first model. The same against a real broker: ConfluentCompatibilityIntegrationTest.
 */
class ExactBytesTopologyTest {
    private static final int DIM = 8;
    private static final byte[] NOT_UTF8 = {(byte) 0xff, (byte) 0xfe, 0x00, (byte) 0xc3, 0x28};

    @TempDir
    Path stateDir;

    private InMemorySchemaRegistry registry;
    private Topics topics;
    private TopologyTestDriver driver;
    private TestInputTopic<String, ModelRecord> models;
    private TestInputTopic<byte[], byte[]> raw;
    private TestOutputTopic<byte[], PairDecision> decisions;
    private TestOutputTopic<byte[], DeadLetter> deadLetters;

    @BeforeEach
    void start() {
        registry = new InMemorySchemaRegistry();
        start(new WaitingBuffer(Long.MAX_VALUE, Long.MAX_VALUE, 1000), PairScorerFactory.SCALAR);
    }

    /** (Re)builds the driver on the same registry, so the pairs written so far keep their schema ids. */
    private void start(WaitingBuffer waiting, PairScorerFactory scorers) {
        if (driver != null) {
            driver.close();
        }
        ScoringDriver d = ScoringDriver.in(stateDir).applicationId("exact").registry(registry).role(Topics.Role.SCORER).waiting(waiting)
                .scorers(scorers).drainInterval(Duration.ofMillis(50)).start();
        topics = d.topics;
        driver = d.driver;
        models = d.models;
        raw = d.rawPairs;
        decisions = d.decisionsByKeyBytes;
        deadLetters = d.deadLettersByKeyBytes;
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    private void publishModel() {
        models.pipeInput("default", ModelRecords.of(TestModels.random(DIM, 3), "default", 1, Map.of(), Instant.now()));
    }

    /** A v2 pair as another producer writes it: an extra field and a map with several entries, in its order. */
    private byte[] v2Pair(String id, int dim) throws Exception {
        Schema v2 = WirePairs.tenantSchema();
        return WirePairs.encodeWithTenant(v2, registry.register("pairs-value", v2), id, dim, 5);
    }

    private static RecordHeaders headers() {
        RecordHeaders h = new RecordHeaders();
        h.add("trace", new byte[] {1, 2, (byte) 0x80});
        h.add("trace", "second".getBytes(StandardCharsets.UTF_8));
        h.add("empty", null);
        return h;
    }

    private static void assertHeaders(List<OriginalHeader> got) {
        assertEquals(3, got.size());
        assertEquals("trace", got.get(0).getKey());
        assertArrayEquals(new byte[] {1, 2, (byte) 0x80}, bytes(got.get(0).getValue()));
        assertArrayEquals("second".getBytes(StandardCharsets.UTF_8), bytes(got.get(1).getValue()));
        assertEquals("empty", got.get(2).getKey());
        assertNull(got.get(2).getValue());
    }

    @Test
    void aV2PairFailingValidationIsDeadLetteredWithTheBytesAndHeadersThatArrived() throws Exception {
        publishModel();
        byte[] sent = v2Pair("v2-bad", DIM + 3);
        raw.pipeInput(new TestRecord<>(NOT_UTF8, sent, headers()));
        TestRecord<byte[], DeadLetter> dl = deadLetters.readRecord();
        assertEquals("DIMENSION_MISMATCH", dl.value().getErrorType());
        assertArrayEquals(sent, bytes(dl.value().getOriginalValue()));
        assertArrayEquals(NOT_UTF8, bytes(dl.value().getOriginalKey()));
        assertArrayEquals(NOT_UTF8, dl.key());
        assertHeaders(dl.value().getOriginalHeaders());
    }

    @Test
    void deserializationDeadLettersKeepHeaders() {
        publishModel();
        byte[] garbage = {0, 0, 0, 0, 42, 1, 2};
        raw.pipeInput(new TestRecord<>(NOT_UTF8, garbage, headers()));
        DeadLetter dl = deadLetters.readValue();
        assertEquals("DESERIALIZATION", dl.getErrorType());
        assertArrayEquals(garbage, bytes(dl.getOriginalValue()));
        assertHeaders(dl.getOriginalHeaders());
    }

    @Test
    void nonUtf8AndNullKeysReachDecisionsByteForByteAlsoAfterWaitingForAModel() throws Exception {
        byte[] good = v2Pair("v2-good", DIM);
        raw.pipeInput(new TestRecord<>(NOT_UTF8, good, headers()));
        raw.pipeInput(new TestRecord<>((byte[]) null, good, headers()));
        byte[] tooShort = v2Pair("v2-short", DIM - 1);
        raw.pipeInput(new TestRecord<>(NOT_UTF8, tooShort, headers()));
        publishModel();
        driver.advanceWallClockTime(Duration.ofMillis(200));
        List<TestRecord<byte[], PairDecision>> out = decisions.readRecordsToList();
        assertEquals(2, out.size());
        assertArrayEquals(NOT_UTF8, out.get(0).key());
        assertNull(out.get(1).key());
        assertEquals("v2-good", out.get(0).value().getPairId());
        DeadLetter dl = deadLetters.readValue();
        assertArrayEquals(tooShort, bytes(dl.getOriginalValue()));
        assertArrayEquals(NOT_UTF8, bytes(dl.getOriginalKey()));
        assertHeaders(dl.getOriginalHeaders());
    }

    @Test
    void bufferFullDeadLettersKeepKeyValueAndHeadersAndWaitingPairsLeaveWithTheirHeaders() throws Exception {
        start(new WaitingBuffer(1, Long.MAX_VALUE, 10), PairScorerFactory.SCALAR);
        byte[] first = v2Pair("waits", DIM);
        byte[] second = v2Pair("refused", DIM);
        raw.pipeInput(new TestRecord<>(NOT_UTF8, first, headers()));
        raw.pipeInput(new TestRecord<>(NOT_UTF8, second, headers()));
        DeadLetter dl = deadLetters.readValue();
        assertEquals("BUFFER_FULL", dl.getErrorType());
        assertArrayEquals(second, bytes(dl.getOriginalValue()));
        assertArrayEquals(NOT_UTF8, bytes(dl.getOriginalKey()));
        assertHeaders(dl.getOriginalHeaders());

        publishModel();
        driver.advanceWallClockTime(Duration.ofMillis(200));
        TestRecord<byte[], PairDecision> decided = decisions.readRecord();
        assertEquals("waits", decided.value().getPairId());
        assertArrayEquals(NOT_UTF8, decided.key());
        assertHeaders(DeadLetters.headersOf(decided.headers()));
    }

    @Test
    void anUnexpectedErrorWhileScoringDeadLettersTheBytesAndHeadersThatArrived() throws Exception {
        start(new WaitingBuffer(Long.MAX_VALUE, Long.MAX_VALUE, 10), artifact -> new io.simstream.model.PairScorer() {
            @Override
            public float score(float[] left, float[] right) {
                throw new IllegalStateException("kernel bug on purpose");
            }

            @Override
            public io.simstream.model.ModelArtifact model() {
                return artifact;
            }
        });
        byte[] waiting = v2Pair("waited", DIM);
        raw.pipeInput(new TestRecord<>(NOT_UTF8, waiting, headers()));
        publishModel();
        byte[] live = v2Pair("live", DIM);
        raw.pipeInput(new TestRecord<>((byte[]) null, live, headers()));
        List<DeadLetter> dead = deadLetters.readValuesToList();
        assertEquals(2, dead.size(), "the waiting pair (drained first) and the live one");
        assertArrayEquals(waiting, bytes(dead.get(0).getOriginalValue()));
        assertArrayEquals(NOT_UTF8, bytes(dead.get(0).getOriginalKey()));
        assertArrayEquals(live, bytes(dead.get(1).getOriginalValue()));
        assertNull(dead.get(1).getOriginalKey());
        for (DeadLetter d : dead) {
            assertEquals("PROCESSING_ERROR", d.getErrorType());
            assertHeaders(d.getOriginalHeaders());
        }
        assertEquals(true, decisions.isEmpty());
    }

    static byte[] bytes(ByteBuffer b) {
        ByteBuffer d = b.duplicate();
        byte[] out = new byte[d.remaining()];
        d.get(out);
        return out;
    }
}
