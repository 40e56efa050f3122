package io.simstream.retraining;

import io.simstream.avro.ModelRecord;
import io.simstream.lifecycle.LoadedModel;
import io.simstream.lifecycle.ModelLoader;
import io.simstream.lifecycle.ModelRejectedException;
import io.simstream.lifecycle.RolloutStage;
import io.simstream.topics.ModelKeys;
import io.simstream.topics.TopicSpec;
import io.simstream.topics.Topics;
import java.time.Duration;
import java.time.Instant;
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
 * Follows the models topic and keeps what one model name serves: the champion (the newest valid
 * model under the name, checked exactly as the scoring service checks it, with the same loader) and
 * the candidate in rollout, if any, with its stage. The retrainer compares against the model that
 * is actually serving and drives the candidate's rollout from here. Owned by the consuming thread;
 * {@link #open()} does the blocking look-ups.
 */
final class DeploymentTracker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DeploymentTracker.class);

    /** The candidate in rollout as the topic says: its record and since when its stage runs. */
    record Candidate(ModelRecord record, LoadedModel model, RolloutStage stage, double canaryPercent,
                     Instant stageStartedAt) {
        long version() {
            return record.getVersion();
        }
    }

    private final String modelName;
    private final String candidateKey;
    private final TopicSpec<String, ModelRecord> topic;
    private final ModelLoader loader;
    private final Map<String, Object> clientConfig;
    private KafkaConsumer<String, byte[]> consumer;
    private Map<TopicPartition, Long> endAtStart;
    private boolean caughtUp;
    private volatile LoadedModel champion;
    private volatile Instant championPublishedAt;
    private volatile Candidate candidate;
    /** Chunk records of this model name by key (see {@link #chunkRecord}). */
    private final Map<String, byte[]> chunks = new HashMap<>();

    DeploymentTracker(Map<String, Object> clientConfig, TopicSpec<String, ModelRecord> topic, String modelName,
                      ModelLoader loader) {
        this.clientConfig = clientConfig;
        this.modelName = modelName;
        this.candidateKey = ModelKeys.candidate(modelName);
        this.topic = topic;
        this.loader = loader;
    }

    /** Connects and reads from the beginning of the (compacted) topic. */
    DeploymentTracker open() {
        Map<String, Object> c = new HashMap<>(clientConfig);
        c.remove(ConsumerConfig.GROUP_ID_CONFIG);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Topics.MODEL_MAX_MESSAGE_BYTES);
        consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> parts = consumer.partitionsFor(topic.name(), Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(parts);
        consumer.seekToBeginning(parts);
        endAtStart = consumer.endOffsets(parts);
        return this;
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

    /** Reads what is new on the models topic. */
    void poll(Duration timeout) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(timeout)) {
            if (ModelKeys.isChunk(r.key()) && modelName.equals(ModelKeys.modelName(r.key()))) {
                chunkRecord(r);
            } else if (modelName.equals(r.key())) {
                championRecord(r);
            } else if (candidateKey.equals(r.key())) {
                candidateRecord(r);
            }
        }
    }

    private void championRecord(ConsumerRecord<String, byte[]> r) {
        if (r.value() == null) {
            return;
        }
        ModelRecord record = decode(r);
        LoadedModel current = champion;
        if (record == null || (current != null && record.getVersion() <= current.version())) {
            return;
        }
        LoadedModel loaded = load(record, r);
        if (loaded != null) {
            champion = loaded;
            championPublishedAt = record.getPublishedAt();
            Candidate c = candidate;
            if (c != null && c.version() <= loaded.version()) {
                candidate = null;
            }
            LOG.info("Champion of '{}' is now v{}", modelName, loaded.version());
        }
    }

    private void candidateRecord(ConsumerRecord<String, byte[]> r) {
        if (r.value() == null) {
            if (candidate != null) {
                LOG.info("Candidate v{} of '{}' left rollout", candidate.version(), modelName);
            }
            candidate = null;
            return;
        }
        ModelRecord record = decode(r);
        if (record == null) {
            return;
        }
        RolloutStage stage = RolloutStage.parse(record.getStage());
        Candidate current = candidate;
        LoadedModel loaded = current != null && current.version() == record.getVersion() ? current.model()
                : load(record, r);
        if (loaded != null && stage != null && stage != RolloutStage.FULL) {
            candidate = new Candidate(record, loaded, stage, record.getCanaryPercent(), record.getPublishedAt());
            LOG.info("Candidate of '{}' is v{} in {}", modelName, record.getVersion(), stage.id());
        }
    }

    /**
     * Keeps the chunks of this name's large models as they arrive (bytes, until their tombstone),
     * for the manifest that follows them in the same transaction. The retrainer's models are small,
     * so holding a large champion's chunks on the heap here is acceptable (the scorer keeps them in
     * RocksDB instead).
     */
    private void chunkRecord(ConsumerRecord<String, byte[]> r) {
        if (r.value() == null) {
            chunks.remove(r.key());
        } else {
            chunks.put(r.key(), r.value());
        }
    }

    private ModelRecord decode(ConsumerRecord<String, byte[]> r) {
        try {
            return topic.valueSerde().deserializer().deserialize(r.topic(), r.value());
        } catch (RuntimeException e) {
            LOG.warn("Ignoring model record at {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.getMessage());
            return null;
        }
    }

    private LoadedModel load(ModelRecord record, ConsumerRecord<String, byte[]> r) {
        try {
            return loader.load(record, 0, key -> {
                byte[] bytes = chunks.get(key);
                return bytes == null ? null : topic.valueSerde().deserializer().deserialize(topic.name(), bytes);
            });
        } catch (ModelRejectedException e) {
            LOG.warn("Ignoring model record at {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.getMessage());
            return null;
        }
    }

    LoadedModel champion() {
        return champion;
    }

    /** When the champion's record was written (its publish or its promotion), or null. */
    Instant championPublishedAt() {
        return championPublishedAt;
    }

    /** The candidate in rollout, or null. */
    Candidate candidate() {
        Candidate c = candidate;
        LoadedModel ch = champion;
        return c != null && (ch == null || c.version() > ch.version()) ? c : null;
    }

    @Override
    public void close() {
        if (consumer != null) {
            consumer.close(Duration.ofSeconds(5));
        }
    }
}
