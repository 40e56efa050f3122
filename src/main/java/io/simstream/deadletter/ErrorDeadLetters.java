package io.simstream.deadletter;

import io.simstream.avro.DeadLetter;
import io.simstream.deadletter.DeadLetterReason;
import io.simstream.deadletter.DeadLetters;
import io.simstream.registry.RegistryException;
import io.simstream.registry.RegistryWait;
import io.simstream.registry.SerdeException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.errors.ErrorHandlerContext;

/**
 * What the processing and production handlers share: the objects Streams cannot pass to a handler
 * it instantiates by class name (they come through the config map under the keys of
 * {@link DeadLetterDeserializationHandler}), and the dead letter for one failed record, with the
 * key, value and headers that arrived, the exception class and message as reason and the stack in
 * a header of the dead-letter record.
 */
public final class ErrorDeadLetters {
    static final String STACK_HEADER = "simstream.exception.stacktrace";
    static final String CLASS_HEADER = "simstream.exception.class";
    private static final int MAX_STACK_CHARS = 16_000;

    final String dlqTopic;
    final Serializer<DeadLetter> serializer;
    final DeadLetterCounter metrics;
    final DeadLetters deadLetters;

    @SuppressWarnings("unchecked")
    ErrorDeadLetters(Map<String, ?> configs) {
        dlqTopic = required(configs, DeadLetterDeserializationHandler.DLQ_TOPIC, String.class);
        serializer = required(configs, DeadLetterDeserializationHandler.DLQ_SERIALIZER, Serializer.class);
        metrics = required(configs, DeadLetterDeserializationHandler.METRICS, DeadLetterCounter.class);
        deadLetters = new DeadLetters(required(configs, DeadLetterDeserializationHandler.APPLICATION, String.class),
                Clock.systemUTC());
    }

    static <T> T required(Map<String, ?> configs, String key, Class<T> type) {
        Object v = configs.get(key);
        if (!type.isInstance(v)) {
            throw new IllegalStateException("a simstream error handler needs config '" + key + "' of type "
                    + type.getSimpleName() + ", got " + v);
        }
        return type.cast(v);
    }

    /** Registry faults anywhere in the cause chain are infrastructure: never a dead letter. */
    public static boolean isInfrastructure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof RegistryWait.RegistryOutageException
                    || (t instanceof RegistryException && !(t instanceof SerdeException))) {
                return true;
            }
        }
        return false;
    }

    /** The DLQ record for the source record of context that failed with exception. */
    List<ProducerRecord<byte[], byte[]>> letterFor(ErrorHandlerContext context, DeadLetterReason reason,
                                                  Exception exception) {
        metrics.deadLetter(reason);
        DeadLetter letter = deadLetters.of(context.sourceRawKey(), context.sourceRawValue(), context.headers(),
                context.topic(), context.partition(), context.offset(), reason,
                exception.getClass().getName() + ": " + exception.getMessage());
        RecordHeaders headers = new RecordHeaders();
        headers.add(CLASS_HEADER, exception.getClass().getName().getBytes(StandardCharsets.UTF_8));
        headers.add(STACK_HEADER, stack(exception).getBytes(StandardCharsets.UTF_8));
        return List.of(new ProducerRecord<>(dlqTopic, null, context.sourceRawKey(),
                serializer.serialize(dlqTopic, letter), headers));
    }

    private static String stack(Throwable e) {
        StringWriter w = new StringWriter();
        e.printStackTrace(new PrintWriter(w));
        String s = w.toString();
        return s.length() > MAX_STACK_CHARS ? s.substring(0, MAX_STACK_CHARS) + "\n..." : s;
    }
}
