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
import java.util.concurrent.ConcurrentHashMap;
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
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes models to the compacted models topic, keyed by model name, each in a transaction of a
 * producer whose transactional.id is derived from the topic and the model name. That makes
 * publishing of one model name single-writer:
 * <ul>
 *   <li>{@link #claim(String)} (implicit on the first publish) runs initTransactions, which fences
 *       every older publisher of that name and aborts its open transaction; a fenced publisher's
 *       publish throws {@link PublishFencedException} and leaves nothing visible.</li>
 *   <li>Inside the transaction, after fencing, the newest version is read with read_committed to
 *       the end of the topic and version + 1 is written: two publishers cannot both write the same
 *       next version, because only the unfenced one can commit.</li>
 * </ul>
 * A retrainer claims when a round starts (its lock just confirmed it is active), so a zombie that
 * still trains after losing the role is fenced by its successor's claim.
 *
 * <p>Each record also goes to the (non-compacted) history topic in the same transaction, so every
 * version stays readable after compaction (models show/export/rollback) and the two never disagree.
 */
public final class ModelPublisher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ModelPublisher.class);

    /** What was written. */
    public record Published(String name, long version, String sha256, int partition, long offset) {
    }

    private final Map<String, Object> clientConfig;
    private final TopicSpec<String, ModelRecord> topic;
    private final TopicSpec<String, ModelRecord> history;
    private final Clock clock;
    private final Map<String, KafkaProducer<String, ModelRecord>> producers = new ConcurrentHashMap<>();

    public ModelPublisher(Map<String, Object> clientConfig, TopicSpec<String, ModelRecord> modelsTopic,
                          TopicSpec<String, ModelRecord> historyTopic, Clock clock) {
        this.clientConfig = Map.copyOf(clientConfig);
        this.topic = modelsTopic;
        this.history = historyTopic;
        this.clock = clock;
    }

    /** The transactional.id of publishers of name on this topic; one per (topic, model name). */
    public String transactionalId(String name) {
        return "simstream-models-" + topic.name() + "-" + name;
    }

    /**
     * Becomes the only publisher of name: initTransactions fences older producers with the same
     * transactional.id (their open transaction is aborted, their next publish fails).
     */
    public synchronized void claim(String name) {
        producers.computeIfAbsent(name, this::newProducer);
    }

    private KafkaProducer<String, ModelRecord> newProducer(String name) {
        Map<String, Object> p = new HashMap<>(clientConfig);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId(name));
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, io.simstream.topics.Topics.MODEL_MAX_MESSAGE_BYTES);
        KafkaProducer<String, ModelRecord> producer = new KafkaProducer<>(p, topic.keySerde().serializer(),
                topic.valueSerde().serializer());
        try {
            producer.initTransactions();
        } catch (RuntimeException e) {
            producer.close(Duration.ZERO);
            throw e;
        }
        LOG.info("publisher of model '{}' on {} claimed transactional.id {}", name, topic.name(), transactionalId(name));
        return producer;
    }

    /** The newest committed version of name on the topic, 0 when there is none. Reads the whole (compacted) topic. */
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
            // With read_committed these are the last stable offsets: nothing an open transaction wrote.
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

    /**
     * Publishes artifact under name in one transaction; version empty = latest committed + 1, read
     * inside the transaction. Throws {@link PublishFencedException} when a newer publisher of name
     * claimed it; nothing is then visible.
     */
    public Published publish(ModelArtifact artifact, String name, OptionalLong version, Map<String, String> metadata) {
        claim(name);
        KafkaProducer<String, ModelRecord> producer = producers.get(name);
        synchronized (producer) {
            try {
                producer.beginTransaction();
                long latest = latestVersion(name);
                long v = version.orElse(latest + 1);
                if (v <= latest) {
                    producer.abortTransaction();
                    throw new UserInputException("version " + v + " of model '" + name + "' is not newer than v" + latest
                            + " already on topic " + topic.name() + ": the service would ignore it");
                }
                ModelRecord record = ModelRecords.of(artifact, name, v, metadata, clock.instant());
                var archived = producer.send(new ProducerRecord<>(history.name(), name, record));
                RecordMetadata md = producer.send(new ProducerRecord<>(topic.name(), name, record))
                        .get(60, TimeUnit.SECONDS);
                archived.get(60, TimeUnit.SECONDS);
                producer.commitTransaction();
                awaitVisible(name, v);
                LOG.info("published model '{}' v{} ({} bytes, sha256 {}) to {}-{}@{}", name, v,
                        record.getArtifact().remaining(), record.getSha256(), md.topic(), md.partition(), md.offset());
                return new Published(name, v, record.getSha256(), md.partition(), md.offset());
            } catch (ProducerFencedException | InvalidProducerEpochException e) {
                throw fenced(name, e);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof ProducerFencedException || e.getCause() instanceof InvalidProducerEpochException) {
                    throw fenced(name, e.getCause());
                }
                abortQuietly(producer);
                throw new IllegalStateException("could not publish model '" + name + "': " + e.getMessage(), e);
            } catch (InterruptedException | InterruptException e) {
                Thread.currentThread().interrupt();
                abortQuietly(producer);
                throw new PublishAbortedException("interrupted while publishing model '" + name
                        + "': the transaction was aborted, nothing was published", e);
            } catch (TimeoutException e) {
                abortQuietly(producer);
                throw new IllegalStateException("could not publish model '" + name + "' within 60 s", e);
            }
        }
    }

    /**
     * commitTransaction returns once the coordinator decided, before the commit marker reaches the
     * topic; until then read_committed readers (the next latestVersion, the next publish, a scorer)
     * do not see the record. Waiting here makes a publish readable when it returns, so the next
     * version read inside a transaction can never miss this one.
     */
    private void awaitVisible(String name, long v) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (latestVersion(name) < v) {
            if (System.nanoTime() > deadline) {
                LOG.warn("model '{}' v{} is committed but not yet readable after 30 s", name, v);
                return;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private PublishFencedException fenced(String name, Throwable cause) {
        KafkaProducer<String, ModelRecord> p = producers.remove(name);
        if (p != null) {
            p.close(Duration.ZERO);
        }
        return new PublishFencedException("a newer publisher of model '" + name + "' (transactional.id "
                + transactionalId(name) + ") fenced this one: nothing was published", cause);
    }

    private static void abortQuietly(KafkaProducer<String, ModelRecord> producer) {
        try {
            producer.abortTransaction();
        } catch (KafkaException | IllegalStateException e) {
            LOG.warn("could not abort the publish transaction: {}", e.toString());
        }
    }

    @Override
    public void close() {
        producers.values().forEach(p -> p.close(Duration.ofSeconds(10)));
        producers.clear();
    }
}
