package io.simstream.lifecycle;

import io.simstream.UserInputException;
import io.simstream.avro.ModelEvent;
import io.simstream.avro.ModelRecord;
import io.simstream.model.ModelArtifact;
import io.simstream.topics.ModelKeys;
import io.simstream.topics.TopicChecks;
import io.simstream.topics.TopicSpec;
import io.simstream.topics.Topics;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongFunction;
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
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes models to the compacted models topic, each change in a transaction of a producer whose
 * transactional.id is derived from the topic and the model name. That makes every change to one
 * model name single-writer:
 * <ul>
 *   <li>{@link #claim(String)} (implicit on the first change) runs initTransactions, which fences
 *       every older publisher of that name and aborts its open transaction; a fenced publisher's
 *       next change throws {@link PublishFencedException} and leaves nothing visible.</li>
 *   <li>Inside the transaction, after fencing, the state of the name (newest version, the candidate
 *       in rollout) is read with read_committed to the end of the topic, and the change is checked
 *       against it: two publishers cannot both write the same next version, and a rollout step for a
 *       candidate that has meanwhile been replaced or ended fails instead of reviving it.</li>
 * </ul>
 * A retrainer claims when a round or a rollout step starts (its lock just confirmed it is active),
 * so a zombie that still works after losing the role is fenced by its successor's claim.
 *
 * <p>Each record also goes to the (non-compacted) history topic in the same transaction, so every
 * version stays readable after compaction (models show/export/rollback) and the two never disagree;
 * the model event that explains a change, when given, is written in that transaction too.
 */
public final class ModelPublisher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ModelPublisher.class);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);
    /** Room for the record's other fields, the key and the batch around a chunk. */
    static final int RECORD_HEADROOM = 16 * 1024;
    /** Chunks stay small even on topics that take 16 MiB: a reader holds one at a time. */
    static final int MAX_CHUNK_BYTES = 4 * 1024 * 1024;
    /**
     * A 100 MB model is ~200 MB written (models and history) in one transaction; the default
     * 60 s is tight on a busy machine. A publisher killed mid-way holds back read_committed
     * readers of the topic until this passes or the next publisher of the name claims it.
     */
    private static final int TRANSACTION_TIMEOUT_MS = 180_000;

    /** What was written. */
    public record Published(String name, long version, String sha256, int partition, long offset) {
    }

    /** The committed state of one model name on the topic. */
    public record State(long latestVersion, ModelRecord champion, ModelRecord candidate) {
    }

    private final Map<String, Object> clientConfig;
    private final TopicSpec<String, ModelRecord> topic;
    private final TopicSpec<String, ModelRecord> history;
    private final TopicSpec<String, ModelEvent> events;
    private final Clock clock;
    private final Map<String, KafkaProducer<String, byte[]>> producers = new ConcurrentHashMap<>();
    private volatile long chunkLimit;

    /** A publisher that writes model events with its changes (the retrainer, rollout commands). */
    public ModelPublisher(Map<String, Object> clientConfig, Topics topics, Clock clock) {
        this(clientConfig, topics.models(), topics.modelHistory(), topics.modelEvents(), clock);
    }

    /** A publisher of models only (events null: changes carry none). */
    public ModelPublisher(Map<String, Object> clientConfig, TopicSpec<String, ModelRecord> modelsTopic,
                          TopicSpec<String, ModelRecord> historyTopic, Clock clock) {
        this(clientConfig, modelsTopic, historyTopic, null, clock);
    }

    private ModelPublisher(Map<String, Object> clientConfig, TopicSpec<String, ModelRecord> modelsTopic,
                           TopicSpec<String, ModelRecord> historyTopic, TopicSpec<String, ModelEvent> events,
                           Clock clock) {
        this.clientConfig = Map.copyOf(clientConfig);
        this.topic = modelsTopic;
        this.history = historyTopic;
        this.events = events;
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

    private KafkaProducer<String, byte[]> newProducer(String name) {
        Map<String, Object> p = new HashMap<>(clientConfig);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId(name));
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Topics.MODEL_MAX_MESSAGE_BYTES);
        p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, TRANSACTION_TIMEOUT_MS);
        KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
        try {
            producer.initTransactions();
        } catch (RuntimeException e) {
            producer.close(Duration.ZERO);
            throw e;
        }
        LOG.info("publisher of model '{}' on {} claimed transactional.id {}", name, topic.name(), transactionalId(name));
        return producer;
    }

    /** The newest committed version of name on the topic (champion or candidate), 0 when there is none. */
    public long latestVersion(String name) {
        return state(name).latestVersion();
    }

    /** What is committed for name: reads the whole (compacted) topic with read_committed. */
    public State state(String name) {
        Map<String, Object> c = new HashMap<>(clientConfig);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Topics.MODEL_MAX_MESSAGE_BYTES);
        c.remove(ConsumerConfig.GROUP_ID_CONFIG);
        String candidateKey = ModelKeys.candidate(name);
        // Values stay bytes until a key matters: chunks of large models are skipped undecoded.
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(c, topic.keySerde().deserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> parts = consumer.partitionsFor(topic.name(), READ_TIMEOUT).stream()
                    .map(pi -> new TopicPartition(pi.topic(), pi.partition())).toList();
            if (parts.isEmpty()) {
                return new State(0, null, null);
            }
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            // With read_committed these are the last stable offsets: nothing an open transaction wrote.
            Map<TopicPartition, Long> end = consumer.endOffsets(parts);
            long latest = 0;
            ModelRecord champion = null;
            ModelRecord candidate = null;
            long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
            while (parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read topic " + topic.name() + " to its end within "
                            + READ_TIMEOUT.toSeconds() + " s");
                }
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    boolean serving = name.equals(r.key());
                    if (!serving && !candidateKey.equals(r.key())) {
                        continue;
                    }
                    ModelRecord value = r.value() == null ? null
                            : topic.valueSerde().deserializer().deserialize(topic.name(), r.value());
                    if (serving) {
                        champion = value == null ? champion : value;
                    } else {
                        candidate = value;
                    }
                    if (value != null) {
                        latest = Math.max(latest, value.getVersion());
                    }
                }
            }
            return new State(latest, champion, candidate);
        }
    }

    /** Publishes artifact as the version that serves every pair (see {@link #publish(ModelArtifact, String, OptionalLong, Map, Rollout, LongFunction)}). */
    public Published publish(ModelArtifact artifact, String name, OptionalLong version, Map<String, String> metadata) {
        return publish(artifact, name, version, metadata, Rollout.FULL, null);
    }

    /**
     * Publishes artifact under name in one transaction; version empty = newest committed + 1, read
     * inside the transaction. A FULL model also ends any candidate's rollout (it supersedes it); a
     * SHADOW or CANARY one becomes the candidate, replacing any earlier one. event, when given, makes
     * the model event of this change from the version it got. Throws {@link PublishFencedException}
     * when a newer publisher of name claimed it; nothing is then visible.
     */
    public Published publish(ModelArtifact artifact, String name, OptionalLong version, Map<String, String> metadata,
                             Rollout rollout, LongFunction<ModelEvent> event) {
        return publishRecord(name, version, rollout, event,
                v -> ModelRecords.of(artifact, name, v, metadata, clock.instant(), rollout));
    }

    /**
     * Publishes a REFERENCE: the artifact stays where ref.uri() says, the scorers fetch it and
     * verify it against ref's SHA-256 and its signature before they swap. Otherwise as publish.
     */
    public Published publishReference(ModelRecords.Reference ref, String name, OptionalLong version,
                                      Map<String, String> metadata, Rollout rollout) {
        return publishRecord(name, version, rollout, null,
                v -> ModelRecords.reference(ref, name, v, metadata, clock.instant(), rollout));
    }

    private Published publishRecord(String name, OptionalLong version, Rollout rollout, LongFunction<ModelEvent> event,
                                    LongFunction<ModelRecord> build) {
        return change(name, (producer, state) -> {
            long v = version.orElse(state.latestVersion() + 1);
            if (v <= state.latestVersion()) {
                throw new UserInputException("version " + v + " of model '" + name + "' is not newer than v"
                        + state.latestVersion() + " already on topic " + topic.name() + ": the service would ignore it");
            }
            String key = rollout.isCandidate() ? ModelKeys.candidate(name) : name;
            Written written = writeModel(producer, key, build.apply(v));
            if (!rollout.isCandidate() && state.candidate() != null) {
                tombstone(producer, ModelKeys.candidate(name));
            }
            tombstoneUnreferencedChunks(producer, state, rollout.isCandidate() ? state.champion() : written.record(),
                    rollout.isCandidate() ? written.record() : null);
            emit(producer, name, event, v);
            return written;
        }, "published", rollout);
    }

    /**
     * Moves the candidate in rollout, which must still be candidateVersion, to another stage: a
     * new canary share, or FULL (promotion: the same artifact under the serving key, the rollout
     * ends). The record keeps its artifact and SHA-256; its publishedAt is the time of the step.
     */
    public Published restage(String name, long candidateVersion, Rollout rollout, Map<String, String> metadata,
                             LongFunction<ModelEvent> event) {
        return change(name, (producer, state) -> {
            ModelRecord candidate = requireCandidate(name, candidateVersion, state);
            ModelRecord moved = ModelRecords.restaged(candidate, rollout, metadata, clock.instant());
            Written written = write(producer, rollout.isCandidate() ? ModelKeys.candidate(name) : name, moved);
            if (!rollout.isCandidate()) {
                tombstone(producer, ModelKeys.candidate(name));
            }
            // Promoted: the serving key now names the candidate's chunks (same version), so they stay.
            tombstoneUnreferencedChunks(producer, state, rollout.isCandidate() ? state.champion() : moved,
                    rollout.isCandidate() ? moved : null);
            emit(producer, name, event, candidateVersion);
            return written;
        }, "moved", rollout);
    }

    /** Ends the rollout of the candidate, which must still be candidateVersion: the scorers drop it. */
    public Published retire(String name, long candidateVersion, LongFunction<ModelEvent> event) {
        return change(name, (producer, state) -> {
            ModelRecord candidate = requireCandidate(name, candidateVersion, state);
            Future<RecordMetadata> sent = tombstone(producer, ModelKeys.candidate(name));
            tombstoneUnreferencedChunks(producer, state, state.champion(), null);
            emit(producer, name, event, candidateVersion);
            return new Written(candidate, sent, null);
        }, "retired", null);
    }

    private static ModelRecord requireCandidate(String name, long version, State state) {
        ModelRecord c = state.candidate();
        if (c == null || c.getVersion() != version) {
            throw new IllegalStateException("model '" + name + "' has " + (c == null ? "no candidate in rollout"
                    : "candidate v" + c.getVersion()) + ", not v" + version + ": nothing changed");
        }
        return c;
    }

    /** The records one change sent: the models-topic write (awaited) and its history copy. */
    private record Written(ModelRecord record, Future<RecordMetadata> model, Future<RecordMetadata> archived) {
    }

    private interface Change {
        Written apply(KafkaProducer<String, byte[]> producer, State state) throws Exception;
    }

    private Written write(KafkaProducer<String, byte[]> producer, String key, ModelRecord record) {
        Future<RecordMetadata> archived = producer.send(new ProducerRecord<>(history.name(), key,
                history.valueSerde().serializer().serialize(history.name(), record)));
        Future<RecordMetadata> model = producer.send(new ProducerRecord<>(topic.name(), key,
                topic.valueSerde().serializer().serialize(topic.name(), record)));
        return new Written(record, model, archived);
    }

    /**
     * Writes a model record under key, as it is when it fits the topics, else as chunks followed by
     * their manifest (all in the caller's transaction, so readers see all of them or none). A
     * REFERENCE carries no artifact bytes, however large the artifact it names: it always goes as is.
     */
    private Written writeModel(KafkaProducer<String, byte[]> producer, String key, ModelRecord record) {
        if (RecordKind.of(record) != RecordKind.MODEL) {
            return write(producer, key, record);
        }
        long limit = chunkLimit();
        long bytes = record.getArtifact().remaining();
        if (chunkBytes(bytes, limit) == 0) {
            return write(producer, key, record);
        }
        ModelRecords.Split split = ModelRecords.split(record, chunkBytes(bytes, limit));
        for (int i = 0; i < split.chunks().size(); i++) {
            write(producer, split.manifest().getChunks().get(i).getKey(), split.chunks().get(i));
        }
        LOG.info("model '{}' v{} ({} bytes) goes out as {} chunks and a manifest: the topics take records of at most"
                + " {} bytes", record.getName(), record.getVersion(), bytes,
                split.chunks().size(), limit);
        return write(producer, key, split.manifest());
    }

    /**
     * Tombstones the chunks of the manifests this change replaces that neither key names any more
     * (chunk keys are unique per version, so compaction keeps them until then, and a manifest is
     * never left without its chunks). Written in the change's transaction; the history topic keeps
     * every chunk.
     */
    private void tombstoneUnreferencedChunks(KafkaProducer<String, byte[]> producer, State before,
                                             ModelRecord champion, ModelRecord candidate) {
        Set<Long> referenced = new HashSet<>();
        for (ModelRecord r : Arrays.asList(champion, candidate)) {
            if (r != null && RecordKind.of(r) == RecordKind.MANIFEST) {
                referenced.add(r.getVersion());
            }
        }
        Set<Long> done = new HashSet<>();
        for (ModelRecord old : Arrays.asList(before.champion(), before.candidate())) {
            if (old != null && RecordKind.of(old) == RecordKind.MANIFEST && !referenced.contains(old.getVersion())
                    && done.add(old.getVersion())) {
                old.getChunks().forEach(c -> tombstone(producer, c.getKey()));
                LOG.info("tombstoning the {} chunks of model '{}' v{}: no key names that version any more",
                        old.getChunks().size(), old.getName(), old.getVersion());
            }
        }
    }

    /**
     * The size of the chunks an artifact of artifactBytes is split into for topics that take records
     * of at most maxMessageBytes; 0 when it goes whole.
     */
    public static int chunkBytes(long artifactBytes, long maxMessageBytes) {
        long limit = Math.max(TopicChecks.MIN_CHUNKED_MESSAGE_BYTES, maxMessageBytes);
        return artifactBytes + RECORD_HEADROOM <= limit ? 0 : (int) Math.min(MAX_CHUNK_BYTES, limit - RECORD_HEADROOM);
    }

    /** The largest record both topics take (their max.message.bytes), read once. */
    private long chunkLimit() {
        if (chunkLimit <= 0) {
            long models = TopicChecks.maxMessageBytes(clientConfig, topic.name(), Topics.MODEL_MAX_MESSAGE_BYTES);
            long archived = TopicChecks.maxMessageBytes(clientConfig, history.name(), Topics.MODEL_MAX_MESSAGE_BYTES);
            chunkLimit = Math.max(TopicChecks.MIN_CHUNKED_MESSAGE_BYTES, Math.min(models, archived));
        }
        return chunkLimit;
    }

    private Future<RecordMetadata> tombstone(KafkaProducer<String, byte[]> producer, String key) {
        return producer.send(new ProducerRecord<>(topic.name(), key, null));
    }

    private void emit(KafkaProducer<String, byte[]> producer, String name, LongFunction<ModelEvent> event, long version) {
        if (event == null) {
            return;
        }
        if (events == null) {
            throw new IllegalStateException("this publisher was built without the model-events topic");
        }
        ModelEvent e = event.apply(version);
        producer.send(new ProducerRecord<>(events.name(), name, events.valueSerde().serializer().serialize(events.name(), e)));
    }

    private Published change(String name, Change change, String verb, Rollout rollout) {
        claim(name);
        KafkaProducer<String, byte[]> producer = producers.get(name);
        synchronized (producer) {
            try {
                producer.beginTransaction();
                Written w;
                try {
                    w = change.apply(producer, state(name));
                } catch (UserInputException | IllegalStateException e) {
                    producer.abortTransaction();
                    throw e;
                }
                RecordMetadata md = w.model().get(60, TimeUnit.SECONDS);
                if (w.archived() != null) {
                    w.archived().get(60, TimeUnit.SECONDS);
                }
                producer.commitTransaction();
                awaitVisible(md);
                ModelRecord r = w.record();
                LOG.info("{} model '{}' v{}{} ({} bytes, sha256 {}) at {}-{}@{}", verb, name, r.getVersion(),
                        rollout == null ? "" : " as " + rollout, ModelRecords.artifactBytes(r), r.getSha256(), md.topic(),
                        md.partition(), md.offset());
                return new Published(name, r.getVersion(), r.getSha256(), md.partition(), md.offset());
            } catch (ProducerFencedException | InvalidProducerEpochException e) {
                throw fenced(name, e);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof ProducerFencedException || e.getCause() instanceof InvalidProducerEpochException) {
                    throw fenced(name, e.getCause());
                }
                abortQuietly(producer);
                throw new IllegalStateException("could not change model '" + name + "': " + e.getMessage(), e);
            } catch (InterruptedException | InterruptException e) {
                Thread.currentThread().interrupt();
                abortQuietly(producer);
                throw new PublishAbortedException("interrupted while publishing model '" + name
                        + "': the transaction was aborted, nothing was published", e);
            } catch (TimeoutException e) {
                abortQuietly(producer);
                throw new IllegalStateException("could not change model '" + name + "' within 60 s", e);
            } catch (UserInputException | IllegalStateException | PublishAbortedException e) {
                throw e;
            } catch (Exception e) {
                abortQuietly(producer);
                throw new IllegalStateException("could not change model '" + name + "': " + e, e);
            }
        }
    }

    /**
     * commitTransaction returns once the coordinator decided, before the commit marker reaches the
     * topic; until then read_committed readers (the next state read, the next publish, a scorer)
     * do not see the record. Waiting for the last stable offset to pass it makes a change readable
     * when it returns, so the next version read inside a transaction can never miss this one.
     */
    private void awaitVisible(RecordMetadata written) {
        Map<String, Object> c = new HashMap<>(clientConfig);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.remove(ConsumerConfig.GROUP_ID_CONFIG);
        TopicPartition tp = new TopicPartition(written.topic(), written.partition());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            while (consumer.endOffsets(List.of(tp)).get(tp) <= written.offset()) {
                if (System.nanoTime() > deadline) {
                    LOG.warn("model record {}-{}@{} is committed but not yet readable after 30 s", tp.topic(),
                            tp.partition(), written.offset());
                    return;
                }
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private PublishFencedException fenced(String name, Throwable cause) {
        KafkaProducer<String, byte[]> p = producers.remove(name);
        if (p != null) {
            p.close(Duration.ZERO);
        }
        return new PublishFencedException("a newer publisher of model '" + name + "' (transactional.id "
                + transactionalId(name) + ") fenced this one: nothing was published", cause);
    }

    private static void abortQuietly(KafkaProducer<String, byte[]> producer) {
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
