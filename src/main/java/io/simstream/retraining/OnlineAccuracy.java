package io.simstream.retraining;

import java.nio.ByteBuffer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Running count of labeled decisions for one model version: how many the live model got right.
 * Internal to the online-quality topology, so it has a fixed 16-byte encoding instead of a
 * registered schema.
 */
public record OnlineAccuracy(long correct, long total) {
    public static final OnlineAccuracy EMPTY = new OnlineAccuracy(0, 0);

    public OnlineAccuracy add(boolean wasCorrect) {
        return new OnlineAccuracy(correct + (wasCorrect ? 1 : 0), total + 1);
    }

    public double accuracy() {
        return total == 0 ? Double.NaN : (double) correct / total;
    }

    public static Serde<OnlineAccuracy> serde() {
        Serializer<OnlineAccuracy> ser = (topic, v) -> v == null ? null
                : ByteBuffer.allocate(16).putLong(v.correct).putLong(v.total).array();
        Deserializer<OnlineAccuracy> de = (topic, b) -> {
            if (b == null) {
                return null;
            }
            ByteBuffer buf = ByteBuffer.wrap(b);
            return new OnlineAccuracy(buf.getLong(), buf.getLong());
        };
        return Serdes.serdeFrom(ser, de);
    }
}
