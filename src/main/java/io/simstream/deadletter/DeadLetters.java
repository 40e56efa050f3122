package io.simstream.deadletter;

import io.simstream.avro.DeadLetter;
import java.nio.ByteBuffer;
import java.time.Clock;

/** Builds DeadLetter records with the service's application id and the failure time. */
public final class DeadLetters {
    private final String application;
    private final Clock clock;

    public DeadLetters(String application, Clock clock) {
        this.application = application;
        this.clock = clock;
    }

    public DeadLetter of(byte[] key, byte[] value, String topic, int partition, long offset,
                         DeadLetterReason reason, String message) {
        return DeadLetter.newBuilder()
                .setOriginalKey(key == null ? null : ByteBuffer.wrap(key))
                .setOriginalValue(value == null ? null : ByteBuffer.wrap(value))
                .setSourceTopic(topic)
                .setSourcePartition(partition)
                .setSourceOffset(offset)
                .setErrorType(reason.name())
                .setReason(message)
                .setFailedAt(clock.instant())
                .setApplication(application)
                .build();
    }
}
