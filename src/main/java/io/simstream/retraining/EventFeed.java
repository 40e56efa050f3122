package io.simstream.retraining;

import io.simstream.avro.ModelEvent;
import io.simstream.topics.TopicSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the model-events topic says that the active retrainer acts on, for one model name: the newest
 * comparison of champion and candidate (COMPARISON events carry cumulative counts, so the newest one
 * is all the evidence), and drift alarms (DRIFT, from the scorers). {@link #open(Instant)} starts
 * reading at a time, so an instance that becomes active picks up a rollout in progress.
 */
final class EventFeed implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventFeed.class);
    static final String COMPARISON = "COMPARISON";
    static final String DRIFT = "DRIFT";

    /** A drift alarm: which version drifted, from when, and why. */
    record Drift(long version, Instant onset, ModelEvent event) {
    }

    private final Map<String, Object> clientConfig;
    private final TopicSpec<String, ModelEvent> topic;
    private final String modelName;
    private final Map<String, Comparison> comparisons = new HashMap<>();
    private final List<Drift> drifts = new ArrayList<>();
    private KafkaConsumer<String, byte[]> consumer;

    EventFeed(Map<String, Object> clientConfig, TopicSpec<String, ModelEvent> topic, String modelName) {
        this.clientConfig = clientConfig;
        this.topic = topic;
        this.modelName = modelName;
    }

    /** Reads from the first event at or after since. */
    EventFeed open(Instant since) {
        Map<String, Object> c = new HashMap<>(clientConfig);
        c.remove(ConsumerConfig.GROUP_ID_CONFIG);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> parts = consumer.partitionsFor(topic.name(), Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(parts);
        Map<TopicPartition, Long> at = new HashMap<>();
        parts.forEach(p -> at.put(p, since.toEpochMilli()));
        Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(at);
        Map<TopicPartition, Long> end = consumer.endOffsets(parts);
        parts.forEach(p -> consumer.seek(p, found.get(p) != null ? found.get(p).offset() : end.get(p)));
        return this;
    }

    /** Reads what is new. */
    void poll(Duration timeout) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(timeout)) {
            if (r.value() == null || !modelName.equals(r.key())) {
                continue;
            }
            ModelEvent e;
            try {
                e = topic.valueSerde().deserializer().deserialize(r.topic(), r.value());
            } catch (RuntimeException ex) {
                LOG.warn("Ignoring model event at {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), ex.getMessage());
                continue;
            }
            if (COMPARISON.equals(e.getEventType()) && e.getChampionVersion() != null && e.getChallengerVersion() != null) {
                Comparison c = Comparison.fromDetails(e.getChampionVersion(), e.getChallengerVersion(), e.getDetails());
                comparisons.merge(key(c.championVersion(), c.candidateVersion()), c,
                        (old, neu) -> neu.labeled() >= old.labeled() ? neu : old);
            } else if (DRIFT.equals(e.getEventType())) {
                String onset = e.getDetails().get("onset");
                drifts.add(new Drift(e.getChampionVersion() == null ? 0 : e.getChampionVersion(),
                        onset == null ? e.getAt() : Instant.parse(onset), e));
            }
        }
    }

    /** The newest counts for this champion and candidate, or null before any labeled pair. */
    Comparison comparison(long championVersion, long candidateVersion) {
        return comparisons.get(key(championVersion, candidateVersion));
    }

    /** Drift alarms read since the last call. */
    List<Drift> takeDrifts() {
        List<Drift> out = List.copyOf(drifts);
        drifts.clear();
        return out;
    }

    private static String key(long champion, long candidate) {
        return champion + ">" + candidate;
    }

    @Override
    public void close() {
        if (consumer != null) {
            consumer.close(Duration.ofSeconds(5));
        }
    }
}
