package io.simstream.retraining;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.simstream.avro.LabeledPair;
import io.simstream.provenance.Provenance;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The provenance of labeled pairs a round used: the labeled-pairs topic, per partition the first
 * and last offset and how many pairs (pairs that were dead-lettered inside a range are not
 * counted), and a SHA-256 over the pairs themselves (id, both vectors, label, in window order)
 * that says whether a re-read of those offsets gives the same data.
 */
final class LabelProvenance {
    private static final byte[] DOMAIN = "simstream-labeled-pairs-v1\n".getBytes(StandardCharsets.US_ASCII);

    private LabelProvenance() {
    }

    /** positions: one per pair (null where unknown, e.g. a window filled without positions). */
    static ObjectNode describe(List<LabeledPair> pairs, List<LabelPosition> positions) {
        ObjectNode d = Provenance.object().put("kind", "topic");
        String topic = positions.stream().filter(Objects::nonNull).map(LabelPosition::topic).findFirst().orElse("unknown");
        d.put("topic", topic).put("rows", pairs.size()).put("sha256", digest(pairs));
        Map<Integer, long[]> ranges = new TreeMap<>();
        long unknown = 0;
        for (LabelPosition p : positions) {
            if (p == null) {
                unknown++;
                continue;
            }
            long[] r = ranges.computeIfAbsent(p.partition(), k -> new long[] {Long.MAX_VALUE, Long.MIN_VALUE, 0});
            r[0] = Math.min(r[0], p.offset());
            r[1] = Math.max(r[1], p.offset());
            r[2]++;
        }
        ArrayNode parts = d.putArray("partitions");
        ranges.forEach((partition, r) -> parts.addObject().put("partition", partition).put("fromOffset", r[0])
                .put("toOffset", r[1]).put("count", r[2]));
        if (unknown > 0) {
            d.put("rowsWithoutOffset", unknown);
        }
        return d;
    }

    static String digest(List<LabeledPair> pairs) {
        MessageDigest sha = Provenance.sha256();
        sha.update(DOMAIN);
        for (LabeledPair p : pairs) {
            byte[] id = p.getId().getBytes(StandardCharsets.UTF_8);
            ByteBuffer b = ByteBuffer.allocate(4 + id.length + 8 + 4 * (p.getLeft().size() + p.getRight().size()) + 1)
                    .order(ByteOrder.LITTLE_ENDIAN);
            b.putInt(id.length).put(id).putInt(p.getLeft().size()).putInt(p.getRight().size());
            p.getLeft().forEach(b::putFloat);
            p.getRight().forEach(b::putFloat);
            b.put((byte) (p.getSame() ? 1 : 0));
            sha.update(b.array());
        }
        return HexFormat.of().formatHex(sha.digest());
    }
}
