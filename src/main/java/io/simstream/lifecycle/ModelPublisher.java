package io.simstream.lifecycle;

import io.simstream.UserInputException;
import io.simstream.avro.ModelRecord;
import io.simstream.model.ModelArtifact;
import io.simstream.topics.TopicSpec;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes models to the compacted models topic, keyed by model name. Without an explicit version
 * it takes the next one after the newest on the topic. Two publishers racing may pick the same
 * version: the service keeps the first and logs that it ignored the second.
 *
 * <p>Each record also goes to the (non-compacted) history topic, so every version stays readable
 * after compaction (models show/export/rollback).
 */
public final class ModelPublisher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ModelPublisher.class);

    /** What was written. */
    public record Published(String name, long version, String sha256, int partition, long offset) {
    }

    private final Map<String, Object> clientConfig;
    private final TopicSpec<String, ModelRecord> topic;
    private final TopicSpec<String, ModelRecord> history;
    private final KafkaProducer<String, ModelRecord> producer;
    private final Clock clock;

    public ModelPublisher(Map<String, Object> clientConfig, TopicSpec<String, ModelRecord> modelsTopic,
                          TopicSpec<String, ModelRecord> historyTopic, Clock clock) {
        this.clientConfig = Map.copyOf(clientConfig);
        this.topic = modelsTopic;
        this.history = historyTopic;
        this.clock = clock;
        Map<String, Object> p = new HashMap<>(clientConfig);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, io.simstream.topics.Topics.MODEL_MAX_MESSAGE_BYTES);
        this.producer = new KafkaProducer<>(p, modelsTopic.keySerde().serializer(), modelsTopic.valueSerde().serializer());
    }

    /** The newest version of name on the topic, 0 when there is none. Reads the whole (compacted) topic. */
    public long latestVersion(String name) {
        Map<String, Object> c = new HashMap<>(clientConfig);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, io.simstream.topics.Topics.MODEL_MAX_MESSAGE_BYTES);
        c.remove(ConsumerConfig.GROUP_ID_CONFIG);
        try (KafkaConsumer<String, ModelRecord> consumer = new KafkaConsumer<>(c, topic.keySerde().deserializer(),
                topic.valueSerde().deserializer())) {
            List<TopicPartition> parts = consumer.partitionsFor(topic.name(), Duration.ofSeconds(30)).stream()
                    .map(pi -> new TopicPartition(pi.topic(), pi.partition())).toList();
            if (parts.isEmpty()) {
                return 0;
            }
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts);
            long latest = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read topic " + topic.name() + " to its end within 60 s");
                }
                for (ConsumerRecord<String, ModelRecord> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.value() != null && name.equals(r.key())) {
                        latest = Math.max(latest, r.value().getVersion());
                    }
                }
            }
            return latest;
        }
    }

    /** Publishes artifact under name; version empty = latest on the topic + 1. */
    public Published publish(ModelArtifact artifact, String name, OptionalLong version, Map<String, String> metadata) {
        long latest = latestVersion(name);
        long v = version.orElse(latest + 1);
        if (v <= latest) {
            throw new UserInputException("version " + v + " of model '" + name + "' is not newer than v" + latest
                    + " already on topic " + topic.name() + ": the service would ignore it");
        }
        ModelRecord record = ModelRecords.of(artifact, name, v, metadata, clock.instant());
        try {
            var archived = producer.send(new ProducerRecord<>(history.name(), name, record));
            RecordMetadata md = producer.send(new ProducerRecord<>(topic.name(), name, record)).get(60, TimeUnit.SECONDS);
            archived.get(60, TimeUnit.SECONDS);
            LOG.info("published model '{}' v{} ({} bytes, sha256 {}) to {}-{}@{}", name, v,
                    record.getArtifact().remaining(), record.getSha256(), md.topic(), md.partition(), md.offset());
            return new Published(name, v, record.getSha256(), md.partition(), md.offset());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not publish model '" + name + "' v" + v + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
