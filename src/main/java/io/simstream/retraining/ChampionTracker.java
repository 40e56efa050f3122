package io.simstream.retraining;

import io.simstream.avro.ModelRecord;
import io.simstream.lifecycle.LoadedModel;
import io.simstream.lifecycle.ModelLoader;
import io.simstream.lifecycle.ModelRejectedException;
import io.simstream.topics.TopicSpec;
import io.simstream.topics.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the models topic and keeps the champion: the newest valid model of one name, checked
 * exactly as the scoring service checks it (same loader), so the retrainer compares against the
 * model that is actually serving. Owned by the retrainer's consuming thread.
 */
final class ChampionTracker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ChampionTracker.class);

    private final String modelName;
    private final TopicSpec<String, ModelRecord> topic;
    private final ModelLoader loader;
    private final KafkaConsumer<String, byte[]> consumer;
    private final Map<TopicPartition, Long> endAtStart;
    private boolean caughtUp;
    private volatile LoadedModel champion;

    ChampionTracker(Map<String, Object> clientConfig, TopicSpec<String, ModelRecord> topic, String modelName,
                    ModelLoader loader) {
        this.modelName = modelName;
        this.topic = topic;
        this.loader = loader;
        Map<String, Object> c = new HashMap<>(clientConfig);
        c.remove(ConsumerConfig.GROUP_ID_CONFIG);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Topics.MODEL_MAX_MESSAGE_BYTES);
        this.consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> parts = consumer.partitionsFor(topic.name(), Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(parts);
        consumer.seekToBeginning(parts);
        this.endAtStart = consumer.endOffsets(parts);
    }

    /**
     * True once everything that was on the topic at start has been read: before that the champion
     * may be stale or missing, and a round would be judged against the wrong model.
     */
    boolean caughtUp() {
        if (!caughtUp) {
            caughtUp = endAtStart.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
        }
        return caughtUp;
    }

    /** Reads what is new on the models topic; returns the current champion (may be null). */
    LoadedModel poll(Duration timeout) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(timeout)) {
            if (r.value() == null || !modelName.equals(r.key())) {
                continue;
            }
            try {
                ModelRecord record = topic.valueSerde().deserializer().deserialize(r.topic(), r.value());
                LoadedModel current = champion;
                if (current != null && record.getVersion() <= current.version()) {
                    continue;
                }
                champion = loader.load(record);
                LOG.info("Champion of '{}' is now v{}", modelName, champion.version());
            } catch (ModelRejectedException | RuntimeException e) {
                LOG.warn("Ignoring model record at {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.getMessage());
            }
        }
        return champion;
    }

    LoadedModel champion() {
        return champion;
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
