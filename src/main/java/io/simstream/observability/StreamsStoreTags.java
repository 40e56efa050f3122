package io.simstream.observability;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;
import java.util.ArrayList;
import java.util.List;

/**
 * Kafka Streams tags each state-store metric with a key named after the store's kind
 * ("rocksdb-state-id", "in-memory-state-id", "rocksdb-window-state-id", ...). Prometheus needs one set
 * of label names per metric, so whichever kind registered a metric first won and the other kind's
 * stores were silently missing from /metrics (Micrometer: "registration has failed"). This filter
 * gives every store the same labels: state_id, and store_type for the kind (in-memory, rocksdb,
 * rocksdb-window, ...).
 */
public final class StreamsStoreTags implements MeterFilter {
    private static final String PREFIX = "kafka.stream.state";
    /** Micrometer's Kafka binder turns Kafka's "rocksdb-state-id" into "rocksdb.state.id". */
    private static final String SUFFIX = ".state.id";

    @Override
    public Meter.Id map(Meter.Id id) {
        if (!id.getName().startsWith(PREFIX)) {
            return id;
        }
        List<Tag> tags = new ArrayList<>();
        String kind = null;
        for (Tag t : id.getTagsAsIterable()) {
            String key = t.getKey().replace('-', '.');
            if (key.endsWith(SUFFIX)) {
                kind = key.substring(0, key.length() - SUFFIX.length()).replace('.', '-');
                tags.add(Tag.of("state.id", t.getValue()));
            } else {
                tags.add(t);
            }
        }
        if (kind == null) {
            return id;
        }
        tags.add(Tag.of("store.type", kind));
        return id.replaceTags(tags);
    }
}
