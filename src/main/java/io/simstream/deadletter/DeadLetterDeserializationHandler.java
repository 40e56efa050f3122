package io.simstream.deadletter;

import io.simstream.RateLimitedLog;
import io.simstream.avro.DeadLetter;
import io.simstream.deadletter.DeadLetterReason;
import io.simstream.deadletter.DeadLetters;
import io.simstream.registry.RegistryException;
import io.simstream.registry.SerdeException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bytes on the pairs topic that cannot be deserialized become a DeadLetter (with the original
 * bytes and where they came from) on the dead-letter topic, produced by Streams in the same
 * transaction as the task's other output; processing continues. Bad bytes on any other topic (the
 * models topic, read by the global thread) are logged and skipped.
 *
 * <p>Streams instantiates handlers by class name, so the collaborators come in through the
 * config map under the keys below (the service puts the objects themselves there).
 */
public final class DeadLetterDeserializationHandler implements DeserializationExceptionHandler {
    public static final String DLQ_TOPIC = "simstream.dlq.topic";
    public static final String PAIRS_TOPIC = "simstream.pairs.topic";
    public static final String DLQ_SERIALIZER = "simstream.dlq.serializer";
    public static final String METRICS = "simstream.metrics";
    public static final String APPLICATION = "simstream.application";

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterDeserializationHandler.class);
    /** One line per record would flood the log; the counters keep every case. */
    private static final RateLimitedLog PER_RECORD = new RateLimitedLog(Duration.ofSeconds(30));

    private String dlqTopic;
    private String pairsTopic;
    private Serializer<DeadLetter> serializer;
    private DeadLetterCounter metrics;
    private DeadLetters deadLetters;

    /** The config entries that wire this handler: put them into the Streams properties. */
    public static Map<String, Object> configs(String pairsTopic, String dlqTopic, Serializer<DeadLetter> serializer,
                                              DeadLetterCounter metrics, String application) {
        return Map.of(PAIRS_TOPIC, pairsTopic, DLQ_TOPIC, dlqTopic, DLQ_SERIALIZER, serializer, METRICS, metrics,
                APPLICATION, application);
    }

    @Override
    @SuppressWarnings("unchecked")
    public void configure(Map<String, ?> configs) {
        dlqTopic = required(configs, DLQ_TOPIC, String.class);
        pairsTopic = required(configs, PAIRS_TOPIC, String.class);
        serializer = required(configs, DLQ_SERIALIZER, Serializer.class);
        metrics = required(configs, METRICS, DeadLetterCounter.class);
        deadLetters = new DeadLetters(required(configs, APPLICATION, String.class), Clock.systemUTC());
    }

    private static <T> T required(Map<String, ?> configs, String key, Class<T> type) {
        Object v = configs.get(key);
        if (!type.isInstance(v)) {
            throw new IllegalStateException(DeadLetterDeserializationHandler.class.getSimpleName()
                    + " needs config '" + key + "' of type " + type.getSimpleName() + ", got " + v);
        }
        return type.cast(v);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
        if (exception instanceof RegistryException && !(exception instanceof SerdeException)) {
            // Not the record's fault: never dead-letter it. The topology reads both inputs as bytes
            // (RegistryWait waits there), so this only guards against a serde wired in later.
            LOG.error("schema registry fault while reading {}-{}@{}; failing the thread so the record is read again: {}",
                    record.topic(), record.partition(), record.offset(), exception.toString());
            return Response.fail();
        }
        if (!pairsTopic.equals(record.topic())) {
            PER_RECORD.error(LOG, "skipping undeserializable record {}-{}@{}: {}", record.topic(), record.partition(),
                    record.offset(), exception.toString());
            return Response.resume();
        }
        metrics.deadLetter(DeadLetterReason.DESERIALIZATION);
        PER_RECORD.warn(LOG, "dead-lettering undeserializable pair {}-{}@{}: {}", record.topic(), record.partition(),
                record.offset(), exception.getMessage());
        DeadLetter letter = deadLetters.of(record.key(), record.value(), record.headers(), record.topic(), record.partition(),
                record.offset(), DeadLetterReason.DESERIALIZATION, String.valueOf(exception.getMessage()));
        return Response.resume(List.of(new ProducerRecord<>(dlqTopic, null, record.key(),
                serializer.serialize(dlqTopic, letter))));
    }
}
