package io.simstream.retraining;

import java.nio.ByteBuffer;
import java.util.Map;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Champion and candidate judged on the same labeled pairs: while a candidate is out both score every
 * pair, so each label says whether each of the two was right. Only the pairs where exactly one was
 * right tell them apart (the discordant pairs, as in McNemar's test); the sequential test works on
 * those. Internal to the online-quality topology and carried on COMPARISON events.
 *
 * @param candidateOnly    labeled pairs only the candidate got right
 * @param championOnly     labeled pairs only the champion got right
 * @param candidateServed  labeled pairs whose decision the candidate made (a canary's share)
 */
public record Comparison(long championVersion, long candidateVersion, long bothRight, long candidateOnly,
                         long championOnly, long bothWrong, long candidateServed) {
    public static Comparison empty(long championVersion, long candidateVersion) {
        return new Comparison(championVersion, candidateVersion, 0, 0, 0, 0, 0);
    }

    public Comparison add(boolean championRight, boolean candidateRight, boolean servedByCandidate) {
        return new Comparison(championVersion, candidateVersion,
                bothRight + (championRight && candidateRight ? 1 : 0),
                candidateOnly + (!championRight && candidateRight ? 1 : 0),
                championOnly + (championRight && !candidateRight ? 1 : 0),
                bothWrong + (!championRight && !candidateRight ? 1 : 0),
                candidateServed + (servedByCandidate ? 1 : 0));
    }

    public long labeled() {
        return bothRight + candidateOnly + championOnly + bothWrong;
    }

    public double championAccuracy() {
        return labeled() == 0 ? Double.NaN : (double) (bothRight + championOnly) / labeled();
    }

    public double candidateAccuracy() {
        return labeled() == 0 ? Double.NaN : (double) (bothRight + candidateOnly) / labeled();
    }

    /** The counts as a model event's details. */
    public Map<String, String> details() {
        return Map.of("labeled", String.valueOf(labeled()), "both_right", String.valueOf(bothRight),
                "candidate_only", String.valueOf(candidateOnly), "champion_only", String.valueOf(championOnly),
                "both_wrong", String.valueOf(bothWrong), "candidate_served", String.valueOf(candidateServed));
    }

    /** Read back from a COMPARISON event's versions and details. */
    public static Comparison fromDetails(long championVersion, long candidateVersion, Map<String, String> d) {
        return new Comparison(championVersion, candidateVersion, count(d, "both_right"), count(d, "candidate_only"),
                count(d, "champion_only"), count(d, "both_wrong"), count(d, "candidate_served"));
    }

    private static long count(Map<String, String> d, String key) {
        String v = d.get(key);
        return v == null ? 0 : Long.parseLong(v);
    }

    static Serde<Comparison> serde() {
        Serializer<Comparison> ser = (topic, c) -> c == null ? null : ByteBuffer.allocate(7 * Long.BYTES)
                .putLong(c.championVersion).putLong(c.candidateVersion).putLong(c.bothRight).putLong(c.candidateOnly)
                .putLong(c.championOnly).putLong(c.bothWrong).putLong(c.candidateServed).array();
        Deserializer<Comparison> de = (topic, b) -> {
            if (b == null) {
                return null;
            }
            ByteBuffer buf = ByteBuffer.wrap(b);
            return new Comparison(buf.getLong(), buf.getLong(), buf.getLong(), buf.getLong(), buf.getLong(),
                    buf.getLong(), buf.getLong());
        };
        return Serdes.serdeFrom(ser, de);
    }
}
