package io.simstream.topics;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A value as it arrived: the decoded record together with the exact bytes it was decoded from,
 * so whatever happens to it later (a validation dead letter, a wait for a model) can keep those
 * bytes instead of re-encoding the record, which would change its schema id and lose fields and
 * order a newer writer schema had.
 */
public record Received<T>(byte[] bytes, T value) {
    /** Decodes with inner (whose failures reach the deserialization handler) and keeps the bytes. */
    public static <T> Serde<Received<T>> serde(Deserializer<T> inner) {
        Deserializer<Received<T>> deserializer = new Deserializer<>() {
            @Override
            public Received<T> deserialize(String topic, byte[] data) {
                return data == null ? null : new Received<>(data, inner.deserialize(topic, data));
            }

            @Override
            public Received<T> deserialize(String topic, Headers headers, byte[] data) {
                return data == null ? null : new Received<>(data, inner.deserialize(topic, headers, data));
            }
        };
        Serializer<Received<T>> serializer = (topic, r) -> r == null ? null : r.bytes();
        return Serdes.serdeFrom(serializer, deserializer);
    }
}
