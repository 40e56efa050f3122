package io.simstream.deadletter;

import io.simstream.avro.DeadLetter;
import io.simstream.avro.OriginalHeader;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Builds DeadLetter records with the service's application id and the failure time: the one
 * builder for every reason (deserialization, validation, processing, production), always with the
 * key bytes, value bytes and headers exactly as they arrived.
 */
public final class DeadLetters {
    private final String application;
    private final Clock clock;

    public DeadLetters(String application, Clock clock) {
        this.application = application;
        this.clock = clock;
    }

    /** A dead letter of a record that came without headers (or whose headers are not known). */
    public DeadLetter of(byte[] key, byte[] value, String topic, int partition, long offset,
                         DeadLetterReason reason, String message) {
        return of(key, value, List.of(), topic, partition, offset, reason, message);
    }

    public DeadLetter of(byte[] key, byte[] value, Headers headers, String topic, int partition, long offset,
                         DeadLetterReason reason, String message) {
        return of(key, value, headersOf(headers), topic, partition, offset, reason, message);
    }

    public DeadLetter of(byte[] key, byte[] value, List<OriginalHeader> headers, String topic, int partition,
                         long offset, DeadLetterReason reason, String message) {
        return DeadLetter.newBuilder()
                .setOriginalKey(key == null ? null : ByteBuffer.wrap(key))
                .setOriginalValue(value == null ? null : ByteBuffer.wrap(value))
                .setOriginalHeaders(headers)
                .setSourceTopic(topic)
                .setSourcePartition(partition)
                .setSourceOffset(offset)
                .setErrorType(reason.name())
                .setReason(message)
                .setFailedAt(clock.instant())
                .setApplication(application)
                .build();
    }

    /** Kafka headers in order, values byte for byte (null stays null). */
    public static List<OriginalHeader> headersOf(Headers headers) {
        List<OriginalHeader> out = new ArrayList<>();
        if (headers != null) {
            for (Header h : headers) {
                out.add(new OriginalHeader(h.key(), h.value() == null ? null : ByteBuffer.wrap(h.value())));
            }
        }
        return out;
    }
}
