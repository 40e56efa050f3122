package io.simstream.scoring;

import io.simstream.RateLimitedLog;
import io.simstream.avro.ModelEvent;
import io.simstream.avro.OriginalHeader;
import io.simstream.avro.PairDecision;
import io.simstream.avro.VectorPair;
import io.simstream.data.Vectors;
import io.simstream.deadletter.DeadLetterReason;
import io.simstream.deadletter.DeadLetters;
import io.simstream.deadletter.ErrorDeadLetters;
import io.simstream.deadletter.PairValidator;
import io.simstream.lifecycle.LoadedModel;
import io.simstream.registry.RegistryWait;
import io.simstream.registry.SerdeException;
import io.simstream.topics.TopicSpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes, validates and scores each pair with whatever model is live at that moment (read once
 * per pair). Key and value arrive as bytes and stay so: every dead letter (whatever its reason)
 * keeps the key, value and headers exactly as they arrived, and a registry fault while decoding
 * waits (RegistryWait) instead of blaming the pair. Pairs that arrive before any model exists wait
 * in a changelogged store, in arrival order and bounded by {@link WaitingBuffer}, and are drained
 * in bounded steps before the next pair is scored or by a wall-clock punctuation once a model is
 * live; with exactly-once the buffer and the outputs commit together, so no pair is lost or doubled.
 */
final class PairScoringProcessor implements Processor<byte[], byte[], byte[], ScoringOutcome> {
    private static final byte[] NO_KEY = new byte[0];
    private static final Logger LOG = LoggerFactory.getLogger(PairScoringProcessor.class);
    /** One line per minute at most: a broken shadow model would otherwise log for every pair. */
    private static final RateLimitedLog SHADOW_ERRORS = new RateLimitedLog(Duration.ofMinutes(1));
    /** Dead letters are counted by reason (simstream_dead_letters_total); the log gives an example now and then. */
    private static final RateLimitedLog DEAD_LETTERS = new RateLimitedLog(Duration.ofSeconds(30));
    static final String WAITING_STORE = "waiting-pairs";

    /** Makes one processor per task from the instance's runtime, and declares the waiting store it uses. */
    static final class Supplier implements ProcessorSupplier<byte[], byte[], byte[], ScoringOutcome> {
        private final TopicSpec<String, VectorPair> pairs;
        private final ScoringRuntime runtime;

        Supplier(TopicSpec<String, VectorPair> pairs, ScoringRuntime runtime) {
            this.pairs = pairs;
            this.runtime = runtime;
        }

        @Override
        public Processor<byte[], byte[], byte[], ScoringOutcome> get() {
            return new PairScoringProcessor(pairs.name(), runtime, pairs.valueSerde().deserializer());
        }

        /**
         * Waiting pairs are kept as the bytes that arrived (WaitingRecord): no schema of their own in the
         * registry. In memory, changelogged: under exactly-once a persistent store without a checkpoint
         * (every kill -9) is declared corrupt, wiped and rebuilt with an extra rebalance, which was ~2 s
         * of each crash recovery here. The buffer is bounded (waiting.max.bytes, see WaitingBuffer), so the
         * heap can hold it, and it is normally empty, so the restore from its changelog is short. Small
         * segments, quick compaction and short-lived tombstones: a drained buffer stops costing restore
         * time within minutes instead of staying in a 1 GiB active segment for days.
         */
        @Override
        public Set<StoreBuilder<?>> stores() {
            return Set.of(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(WAITING_STORE), Serdes.String(),
                    Serdes.ByteArray()).withLoggingEnabled(Map.of(
                            "segment.bytes", String.valueOf(16 << 20),
                            "segment.ms", String.valueOf(10 * 60_000),
                            "min.cleanable.dirty.ratio", "0.1",
                            "delete.retention.ms", String.valueOf(10 * 60_000))));
        }
    }

    private final String pairsTopic;
    private final Duration drainInterval;
    private final LiveModel live;
    private final ScoringMetrics metrics;
    private final DeadLetters deadLetters;
    private final Deserializer<VectorPair> pairDeserializer;
    private final RegistryWait registryWait;
    private final Clock clock;
    private final WaitingBuffer buffer;
    private final DriftMonitors drift;
    private ProcessorContext<byte[], ScoringOutcome> context;
    private KeyValueStore<String, byte[]> waiting;
    private long nextSeq;
    private long waitingCount;
    private long waitingBytes;

    private PairScoringProcessor(String pairsTopic, ScoringRuntime runtime, Deserializer<VectorPair> pairDeserializer) {
        this.pairsTopic = pairsTopic;
        this.drainInterval = runtime.drainInterval();
        this.live = runtime.live();
        this.metrics = runtime.metrics();
        this.deadLetters = new DeadLetters(runtime.applicationId(), runtime.clock());
        this.pairDeserializer = pairDeserializer;
        this.registryWait = runtime.pairWait();
        this.clock = runtime.clock();
        this.buffer = runtime.waiting();
        this.drift = runtime.drift();
    }

    @Override
    public void init(ProcessorContext<byte[], ScoringOutcome> context) {
        this.context = context;
        this.waiting = context.getStateStore(WAITING_STORE);
        // Counts only: a restored store can hold waiting.max.bytes, which must not all be in memory.
        try (KeyValueIterator<String, byte[]> it = waiting.all()) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> kv = it.next();
                nextSeq = Math.max(nextSeq, WaitingKey.parse(kv.key).seq() + 1);
                waitingCount++;
                waitingBytes += size(kv.value);
            }
        }
        buffer.restored(waitingCount, waitingBytes);
        metrics.pendingChanged(waitingCount);
        context.schedule(drainInterval, PunctuationType.WALL_CLOCK_TIME, now -> drainIfModelLive());
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        RecordMetadata meta = context.recordMetadata().orElseThrow();
        // Read once: the whole pair, its decision and its shadow, is scored under one deployment.
        Deployment deployment = live.deployment();
        LoadedModel model = deployment.champion();
        byte[] bytes = record.value();
        List<OriginalHeader> headers = DeadLetters.headersOf(record.headers());
        Arrived arrived = new Arrived(record.key(), bytes, headers, meta.topic(), meta.partition(), meta.offset());
        VectorPair pair = null;
        if (bytes != null) {
            // Decoded here, not in a source deserializer, so that a registry fault can wait (see
            // RegistryWait) while bad bytes still become a dead letter with exactly the bytes that came.
            Decoded decoded = decode(arrived);
            if (decoded.deadLetter() != null) {
                context.forward(record.withValue(decoded.deadLetter()));
                return;
            }
            pair = decoded.pair();
        }
        if (model == null && bytes == null) {
            // Nothing to wait for: dead-letter it now.
            context.forward(record.withValue(deadLetter(arrived, PairValidator.check(null, 0))));
            return;
        }
        if (model == null) {
            String storeKey = new WaitingKey(nextSeq, meta.partition(), meta.offset()).encode();
            byte[] stored = new WaitingRecord(record.key(), bytes, headers).encode();
            long size = size(stored);
            if (!buffer.tryAdd(size)) {
                // The policy when full: dead-letter, never drop. Pausing instead would hold the whole
                // instance (and its transaction) hostage to a model that may be hours away.
                context.forward(record.withValue(deadLetter(arrived, new PairValidator.Violation(
                        DeadLetterReason.BUFFER_FULL, "no model '" + live.name() + "' yet and " + buffer.status()))));
                return;
            }
            if (waitingCount == 0) {
                LOG.info("no model '{}' yet: pairs wait until one is loaded", live.name());
            }
            nextSeq++;
            waiting.put(storeKey, stored);
            waitingCount++;
            waitingBytes += size;
            metrics.pendingChanged(1);
            return;
        }
        if (waitingCount > 0) {
            drain(deployment);
        }
        context.forward(record.withValue(handle(deployment, arrived, pair)));
    }

    /** A pair as it arrived, with where it came from: everything a dead letter of it needs. */
    private record Arrived(byte[] key, byte[] value, List<OriginalHeader> headers, String topic, int partition,
                           long offset) {
    }

    /** A decoded pair, or the dead letter its bytes earned. */
    private record Decoded(VectorPair pair, ScoringOutcome deadLetter) {
    }

    private Decoded decode(Arrived a) {
        try {
            return new Decoded(registryWait.call("read the schema of pair " + a.topic() + "-" + a.partition() + "@"
                    + a.offset(), () -> pairDeserializer.deserialize(a.topic(), a.value())), null);
        } catch (SerdeException e) {
            DEAD_LETTERS.warn(LOG, "dead-lettering undeserializable pair {}-{}@{}: {}", a.topic(), a.partition(), a.offset(),
                    e.getMessage());
            return new Decoded(null, deadLetter(a, new PairValidator.Violation(DeadLetterReason.DESERIALIZATION,
                    String.valueOf(e.getMessage()))));
        }
    }

    @Override
    public void close() {
        metrics.pendingChanged(-waitingCount);
        buffer.removed(waitingCount, waitingBytes);
    }

    private void drainIfModelLive() {
        Deployment deployment = live.deployment();
        if (deployment.champion() != null && waitingCount > 0) {
            drain(deployment);
        }
    }

    /**
     * Scores every waiting pair, in arrival order, in steps of at most waiting.drain.batch pairs: a
     * step holds only its own pairs in memory (the iterator is closed before they are scored and
     * deleted), so a full buffer of waiting.max.bytes is never read into memory at once. All steps
     * run before the pair that triggered the drain, which keeps each partition's order.
     */
    private void drain(Deployment deployment) {
        int limit = buffer.drainBatch();
        long drained = 0;
        List<KeyValue<String, byte[]>> batch = new ArrayList<>(Math.min(limit, 1024));
        do {
            batch.clear();
            try (KeyValueIterator<String, byte[]> it = waiting.all()) {
                while (batch.size() < limit && it.hasNext()) {
                    batch.add(it.next());
                }
            }
            if (batch.isEmpty()) {
                break;
            }
            metrics.drainBatch(batch.size());
            long now = clock.millis();
            long bytes = 0;
            for (KeyValue<String, byte[]> kv : batch) {
                WaitingKey wk = WaitingKey.parse(kv.key);
                WaitingRecord w = WaitingRecord.decode(kv.value);
                Arrived arrived = new Arrived(w.key(), w.value(), w.headers(), pairsTopic, wk.partition(),
                        wk.offset());
                ScoringOutcome out = handle(deployment, arrived, null);
                RecordHeaders headers = new RecordHeaders();
                w.headers().forEach(h -> headers.add(h.getKey(), h.getValue() == null ? null : bytesOf(h.getValue())));
                context.forward(new Record<>(w.key(), out, now, headers));
                waiting.delete(kv.key);
                bytes += size(kv.value);
            }
            waitingCount -= batch.size();
            waitingBytes -= bytes;
            buffer.removed(batch.size(), bytes);
            metrics.pendingChanged(-batch.size());
            drained += batch.size();
        } while (batch.size() == limit);
        LOG.info("scored {} waiting pairs with model '{}' {}", drained, live.name(), deployment.describe());
    }

    /** What one waiting pair costs against waiting.max.bytes: its key, value and headers as stored. */
    private static long size(byte[] stored) {
        return stored.length;
    }

    private static byte[] bytesOf(ByteBuffer b) {
        ByteBuffer d = b.duplicate();
        byte[] out = new byte[d.remaining()];
        d.get(out);
        return out;
    }

    /** pair: already decoded, or null to decode the arrived bytes here (waiting pairs are stored as bytes). */
    private ScoringOutcome handle(Deployment deployment, Arrived arrived, VectorPair pair) {
        if (pair == null && arrived.value() != null) {
            Decoded decoded = decode(arrived);
            if (decoded.deadLetter() != null) {
                return decoded.deadLetter();
            }
            pair = decoded.pair();
        }
        boolean candidateServes = deployment.candidateServes(routingKey(arrived, pair));
        LoadedModel serving = candidateServes ? deployment.candidate() : deployment.champion();
        LoadedModel other = candidateServes ? deployment.champion() : deployment.candidate();
        PairValidator.Violation violation = PairValidator.check(pair, serving.inputDim());
        if (violation != null) {
            return deadLetter(arrived, violation);
        }
        try {
            List<ModelEvent> events = new ArrayList<>(0);
            PairDecision decision = score(serving, pair, events);
            metrics.decision();
            PairDecision shadow = other == null ? null : shadow(other, pair, arrived, events);
            return ScoringOutcome.of(decision, shadow, events);
        } catch (RuntimeException e) {
            if (ErrorDeadLetters.isInfrastructure(e)) {
                throw e;
            }
            // Caught here rather than in the processing handler: a waiting pair that failed inside a
            // drain must still leave the buffer, or every later drain would fail on it again.
            DEAD_LETTERS.error(LOG, "dead-lettering pair {}-{}@{} after an unexpected error", arrived.topic(), arrived.partition(),
                    arrived.offset(), e);
            return deadLetter(arrived, new PairValidator.Violation(DeadLetterReason.PROCESSING_ERROR,
                    e.getClass().getName() + ": " + e.getMessage()));
        }
    }

    /** The pair's key decides a canary's share; a pair without a key is routed by its id. */
    /** The key that routes a pair to a canary; a keyless pair without an id is routed anyway, and then dead-lettered by validation. */
    private static byte[] routingKey(Arrived arrived, VectorPair pair) {
        if (arrived.key() != null) {
            return arrived.key();
        }
        return pair == null || pair.getId() == null ? NO_KEY : pair.getId().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The other model's decision of the same pair, for the shadow topic. It never decides the pair's
     * fate: a pair the shadow cannot score (another input dimension, an unexpected error) still gets
     * its decision, only without a shadow, and the miss is counted.
     */
    private PairDecision shadow(LoadedModel other, VectorPair pair, Arrived arrived, List<ModelEvent> events) {
        if (other.inputDim() != pair.getLeft().size()) {
            metrics.shadowSkipped("dimension");
            return null;
        }
        try {
            PairDecision d = score(other, pair, events);
            metrics.shadowDecision();
            return d;
        } catch (RuntimeException e) {
            if (ErrorDeadLetters.isInfrastructure(e)) {
                throw e;
            }
            metrics.shadowSkipped("error");
            SHADOW_ERRORS.warn(LOG, "shadow model v{} could not score pair {}-{}@{}: {}", other.version(),
                    arrived.topic(), arrived.partition(), arrived.offset(), e.toString());
            return null;
        }
    }

    /** The model's decision of the pair; a drift alarm the pair raises for this model goes to events. */
    private PairDecision score(LoadedModel model, VectorPair pair, List<ModelEvent> events) {
        float[] left = Vectors.toArray(pair.getLeft());
        float[] right = Vectors.toArray(pair.getRight());
        long start = System.nanoTime();
        float score = model.scorer().score(left, right);
        metrics.scored(System.nanoTime() - start);
        drift.observe(model, pair.getEventTime().toEpochMilli(), score, left, right).ifPresent(events::add);
        return PairDecision.newBuilder()
                .setPairId(pair.getId())
                .setScore(score)
                .setSame(model.scorer().isSame(score))
                .setThreshold(model.artifact().threshold())
                .setModelName(model.name())
                .setModelVersion(model.version())
                .setHead(model.artifact().head().id())
                .setScoredAt(clock.instant())
                .setEventTime(pair.getEventTime())
                .build();
    }

    /** The dead letter of a pair, counted under its reason, with the key, value and headers that arrived. */
    private ScoringOutcome deadLetter(Arrived a, PairValidator.Violation violation) {
        metrics.deadLetter(violation.reason());
        return ScoringOutcome.of(deadLetters.of(a.key(), a.value(), a.headers(), a.topic(), a.partition(), a.offset(),
                violation.reason(), violation.message()));
    }

    /** Store key of a waiting pair: zero-padded sequence first, so the store iterates in arrival order. */
    record WaitingKey(long seq, int partition, long offset) {
        String encode() {
            return String.format("%019d|%d|%d", seq, partition, offset);
        }

        static WaitingKey parse(String s) {
            String[] parts = s.split("\\|", 3);
            return new WaitingKey(Long.parseLong(parts[0]), Integer.parseInt(parts[1]), Long.parseLong(parts[2]));
        }
    }
}
