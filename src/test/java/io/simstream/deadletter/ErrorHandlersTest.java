package io.simstream.deadletter;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.simstream.avro.DeadLetter;
import io.simstream.deadletter.DeadLetterReason;
import io.simstream.registry.InMemorySchemaRegistry;
import io.simstream.registry.RegistryUnavailableException;
import io.simstream.registry.RegistryWait;
import io.simstream.scoring.LiveModel;
import io.simstream.scoring.ReplaceThreadHandler;
import io.simstream.scoring.ScoringMetrics;
import io.simstream.topics.TopicNames;
import io.simstream.topics.Topics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The processing, production and uncaught-exception handlers on their own (their wiring is in ScoringService). */
class ErrorHandlersTest {
    private final Topics topics = new Topics(TopicNames.DEFAULT, new InMemorySchemaRegistry(), 1);
    private final ScoringMetrics metrics = new ScoringMetrics(new SimpleMeterRegistry(), new LiveModel("default"));
    private final byte[] rawKey = "k1".getBytes(StandardCharsets.UTF_8);
    private final byte[] rawValue = {0, 0, 0, 0, 1, 42, 43};

    private Map<String, Object> configs() {
        return new HashMap<>(DeadLetterDeserializationHandler.configs(topics.pairs().name(), topics.deadLetters().name(),
                topics.deadLetters().valueSerde().serializer(), metrics, "app"));
    }

    private ErrorHandlerContext context() {
        return new ErrorHandlerContext() {
            public String topic() { return "pairs"; }
            public int partition() { return 2; }
            public long offset() { return 77; }
            public Headers headers() { return sourceHeaders(); }
            public String processorNodeId() { return "score-pairs"; }
            public TaskId taskId() { return new TaskId(0, 2); }
            public long timestamp() { return 0; }
            public byte[] sourceRawKey() { return rawKey; }
            public byte[] sourceRawValue() { return rawValue; }
        };
    }

    /** The source record's headers, with a non-UTF-8 value and a null one. */
    private static Headers sourceHeaders() {
        RecordHeaders h = new RecordHeaders();
        h.add("trace", new byte[] {1, (byte) 0x80});
        h.add("empty", null);
        return h;
    }

    /** Handler dead letters keep the source headers too, like every other dead letter. */
    private static void assertSourceHeaders(DeadLetter d) {
        assertEquals(2, d.getOriginalHeaders().size());
        assertEquals("trace", d.getOriginalHeaders().get(0).getKey());
        assertArrayEquals(new byte[] {1, (byte) 0x80}, array(d.getOriginalHeaders().get(0).getValue()));
        assertEquals("empty", d.getOriginalHeaders().get(1).getKey());
        assertEquals(null, d.getOriginalHeaders().get(1).getValue());
    }

    private DeadLetter letter(ProducerRecord<byte[], byte[]> r) {
        return topics.deadLetters().valueSerde().deserializer().deserialize(r.topic(), r.value());
    }

    @Test
    void aProcessingErrorDeadLettersTheSourceBytesWithClassMessageAndStack() {
        DeadLetterProcessingHandler handler = new DeadLetterProcessingHandler();
        handler.configure(configs());
        var response = handler.handleError(context(), new Record<>("k1", rawValue, 0),
                new ArithmeticException("boom"));
        assertEquals(ProcessingExceptionHandler.Result.RESUME, response.result());
        ProducerRecord<byte[], byte[]> r = response.deadLetterQueueRecords().get(0);
        assertEquals("pairs-dlq", r.topic());
        DeadLetter d = letter(r);
        assertEquals("PROCESSING_ERROR", d.getErrorType());
        assertEquals("java.lang.ArithmeticException: boom", d.getReason());
        assertArrayEquals(rawValue, array(d.getOriginalValue()));
        assertArrayEquals(rawKey, array(d.getOriginalKey()));
        assertSourceHeaders(d);
        assertEquals(77L, d.getSourceOffset());
        String stack = new String(r.headers().lastHeader(ErrorDeadLetters.STACK_HEADER).value(), StandardCharsets.UTF_8);
        assertTrue(stack.contains("ArithmeticException: boom") && stack.contains("at io.simstream"), stack);
        assertEquals(1.0, metrics.deadLetterCount(DeadLetterReason.PROCESSING_ERROR));
    }

    @Test
    void aRegistryFaultIsNeverDeadLettered() {
        DeadLetterProcessingHandler handler = new DeadLetterProcessingHandler();
        handler.configure(configs());
        var outage = new RegistryWait.RegistryOutageException("down", new RegistryUnavailableException("x", -1, -1, null));
        assertEquals(ProcessingExceptionHandler.Result.FAIL,
                handler.handleError(context(), new Record<>("k1", rawValue, 0), outage).result());
        DeadLetterProductionHandler production = new DeadLetterProductionHandler();
        production.configure(configs());
        assertEquals(ProductionExceptionHandler.Result.FAIL, production.handleSerializationError(context(),
                new ProducerRecord<>("decisions", "k", "v"), new RegistryUnavailableException("x", -1, -1, null),
                ProductionExceptionHandler.SerializationExceptionOrigin.VALUE).result());
        assertEquals(0.0, metrics.deadLetterCount(DeadLetterReason.PROCESSING_ERROR));
    }

    @Test
    void outputTooLargeForTheBrokerDeadLettersTheSourceRecord() {
        DeadLetterProductionHandler handler = new DeadLetterProductionHandler();
        handler.configure(configs());
        var response = handler.handleError(context(), new ProducerRecord<>("decisions", rawKey, new byte[10]),
                new RecordTooLargeException("too big"));
        assertEquals(ProductionExceptionHandler.Result.RESUME, response.result());
        DeadLetter d = letter(response.deadLetterQueueRecords().get(0));
        assertEquals("RECORD_TOO_LARGE", d.getErrorType());
        assertArrayEquals(rawValue, array(d.getOriginalValue()));
        assertSourceHeaders(d);
        var other = handler.handleError(context(), new ProducerRecord<>("decisions", rawKey, new byte[10]),
                new IllegalStateException("other"));
        assertEquals(ProductionExceptionHandler.Result.FAIL, other.result(), "other send errors keep the default");
    }

    @Test
    void deadThreadsAreReplacedUntilTheyDieTooOften() {
        Instant[] now = {Instant.parse("2026-01-01T00:00:00Z")};
        Clock clock = new Clock() {
            public ZoneOffset getZone() { return ZoneOffset.UTC; }
            public Clock withZone(java.time.ZoneId z) { return this; }
            public Instant instant() { return now[0]; }
        };
        ReplaceThreadHandler handler = new ReplaceThreadHandler(2, Duration.ofMinutes(1), clock);
        assertEquals(StreamThreadExceptionResponse.REPLACE_THREAD, handler.handle(new RuntimeException("1")));
        assertEquals(StreamThreadExceptionResponse.REPLACE_THREAD, handler.handle(new RuntimeException("2")));
        assertEquals(StreamThreadExceptionResponse.SHUTDOWN_CLIENT, handler.handle(new RuntimeException("3")));
        now[0] = now[0].plus(Duration.ofMinutes(5));
        assertEquals(StreamThreadExceptionResponse.REPLACE_THREAD, handler.handle(new RuntimeException("4")),
                "old deaths age out of the window");
    }

    private static byte[] array(ByteBuffer b) {
        ByteBuffer d = b.duplicate();
        byte[] out = new byte[d.remaining()];
        d.get(out);
        return out;
    }
}
