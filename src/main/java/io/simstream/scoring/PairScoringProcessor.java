package io.simstream.scoring;

import io.simstream.avro.DeadLetter;
import io.simstream.avro.PairDecision;
import io.simstream.avro.VectorPair;
import io.simstream.data.Vectors;
import io.simstream.deadletter.DeadLetterReason;
import io.simstream.deadletter.DeadLetters;
import io.simstream.deadletter.PairValidator;
import io.simstream.lifecycle.LoadedModel;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import io.simstream.registry.SerdeException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Validates and scores each pair with whatever model is live at that moment (read once per pair).
 * Pairs that arrive before any model exists wait in a changelogged store, in arrival order, and
 * are drained before the next pair is scored or by a wall-clock punctuation once a model is live;
 * with exactly-once the buffer and the outputs commit together, so no pair is lost or doubled.
 */
final class PairScoringProcessor implements Processor<String, byte[], String, ScoringOutcome> {
    private static final Logger LOG = LoggerFactory.getLogger(PairScoringProcessor.class);
    private static final char NULL_KEY = 'n';
    private static final char HAS_KEY = 'k';

    private final ScoringTopology.Settings settings;
    private final LiveModel live;
    private final ScoringMetrics metrics;
    private final DeadLetters deadLetters;
    private final Deserializer<VectorPair> pairDeserializer;
    private final RegistryWait registryWait;
    private final Clock clock;
    private ProcessorContext<String, ScoringOutcome> context;
    private KeyValueStore<String, byte[]> waiting;
    private final WaitingBuffer buffer;
    private long nextSeq;
    private long waitingCount;
    private long waitingBytes;

    PairScoringProcessor(ScoringTopology.Settings settings, LiveModel live, ScoringMetrics metrics,
                         Deserializer<VectorPair> pairDeserializer, RegistryWait registryWait, Clock clock) {
        this.settings = settings;
        this.live = live;
        this.metrics = metrics;
        this.deadLetters = new DeadLetters(settings.applicationId(), clock);
        this.pairDeserializer = pairDeserializer;
        this.registryWait = registryWait;
        this.clock = clock;
        this.buffer = settings.waiting();
    }

    @Override
    public void init(ProcessorContext<String, ScoringOutcome> context) {
        this.context = context;
        this.waiting = context.getStateStore(ScoringTopology.WAITING_STORE);
        // Counts only: a restored store can hold waiting.max.bytes, which must not all be in memory.
        try (KeyValueIterator<String, byte[]> it = waiting.all()) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> kv = it.next();
                nextSeq = Math.max(nextSeq, WaitingKey.parse(kv.key).seq() + 1);
                waitingCount++;
                waitingBytes += size(kv.key, kv.value);
            }
        }
        buffer.restored(waitingCount, waitingBytes);
        metrics.pendingChanged(waitingCount);
        context.schedule(settings.drainInterval(), PunctuationType.WALL_CLOCK_TIME, now -> drainIfModelLive());
    }

    @Override
    public void process(Record<String, byte[]> record) {
        RecordMetadata meta = context.recordMetadata().orElseThrow();
        LoadedModel model = live.current();
        VectorPair pair = null;
        if (record.value() != null) {
            // Decode here, not in a source deserializer, so that a registry fault can wait (see
            // RegistryWait) while bad bytes still become a dead letter with exactly the bytes that came.
            Decoded decoded = decode(record.key(), record.value(), meta.topic(), meta.partition(), meta.offset());
            if (decoded.deadLetter() != null) {
                context.forward(record.withValue(decoded.deadLetter()));
                return;
            }
            pair = decoded.pair();
        }
        if (model == null && record.value() == null) {
            // Nothing to wait for (and a null put would delete from the store): dead-letter it now.
            context.forward(record.withValue(ScoringOutcome.of(deadLetter(record.key(), null, meta.topic(),
                    meta.partition(), meta.offset(), PairValidator.check(null, 0)))));
            metrics.deadLetter(DeadLetterReason.MISSING_SIDE);
            return;
        }
        if (model == null) {
            String key = new WaitingKey(nextSeq, meta.partition(), meta.offset(), record.key()).encode();
            long size = size(key, record.value());
            if (!buffer.tryAdd(size)) {
                // The policy when full: dead-letter, never drop. Pausing instead would hold the whole
                // instance (and its transaction) hostage to a model that may be hours away.
                metrics.deadLetter(DeadLetterReason.BUFFER_FULL);
                context.forward(record.withValue(ScoringOutcome.of(deadLetters.of(keyBytes(record.key()),
                        record.value(), meta.topic(), meta.partition(), meta.offset(), DeadLetterReason.BUFFER_FULL,
                        "no model '" + live.name() + "' yet and " + buffer.status()))));
                return;
            }
            if (waitingCount == 0) {
                LOG.info("no model '{}' yet: pairs wait until one is loaded", live.name());
            }
            nextSeq++;
            waiting.put(key, record.value());
            waitingCount++;
            waitingBytes += size;
            metrics.pendingChanged(1);
            return;
        }
        if (waitingCount > 0) {
            drain(model);
        }
        context.forward(record.withValue(handle(model, record.key(), record.value(), pair, meta.topic(),
                meta.partition(), meta.offset())));
    }

    /** A decoded pair, or the dead letter its bytes earned. */
    private record Decoded(VectorPair pair, ScoringOutcome deadLetter) {
    }

    private Decoded decode(String key, byte[] value, String topic, int partition, long offset) {
        try {
            return new Decoded(registryWait.call("read the schema of pair " + topic + "-" + partition + "@" + offset,
                    () -> pairDeserializer.deserialize(topic, value)), null);
        } catch (SerdeException e) {
            metrics.deadLetter(DeadLetterReason.DESERIALIZATION);
            LOG.warn("dead-lettering undeserializable pair {}-{}@{}: {}", topic, partition, offset, e.getMessage());
            return new Decoded(null, ScoringOutcome.of(deadLetters.of(keyBytes(key), value, topic, partition, offset,
                    DeadLetterReason.DESERIALIZATION, String.valueOf(e.getMessage()))));
        }
    }

    private static byte[] keyBytes(String key) {
        return key == null ? null : key.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        metrics.pendingChanged(-waitingCount);
        buffer.removed(waitingCount, waitingBytes);
    }

    private void drainIfModelLive() {
        LoadedModel model = live.current();
        if (model != null && waitingCount > 0) {
            drain(model);
        }
    }

    /**
     * Scores every waiting pair, in arrival order, in steps of at most waiting.drain.batch pairs: a
     * step holds only its own pairs in memory (the iterator is closed before they are scored and
     * deleted), so a full buffer of waiting.max.bytes is never read into memory at once. All steps
     * run before the pair that triggered the drain, which keeps each partition's order.
     */
    private void drain(LoadedModel model) {
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
                ScoringOutcome out = handle(model, wk.key(), kv.value, null, settings.pairsTopic(), wk.partition(),
                        wk.offset());
                context.forward(new Record<>(wk.key(), out, now));
                waiting.delete(kv.key);
                bytes += size(kv.key, kv.value);
            }
            waitingCount -= batch.size();
            waitingBytes -= bytes;
            buffer.removed(batch.size(), bytes);
            metrics.pendingChanged(-batch.size());
            drained += batch.size();
        } while (batch.size() == limit);
        LOG.info("scored {} waiting pairs with model '{}' v{}", drained, model.name(), model.version());
    }

    /** What one waiting pair costs against waiting.max.bytes: its store key and value. */
    private static long size(String storeKey, byte[] value) {
        return storeKey.length() + (value == null ? 0 : value.length);
    }

    /** pair: already decoded from bytes, or null to decode them here (waiting pairs are stored as bytes). */
    private ScoringOutcome handle(LoadedModel model, String key, byte[] bytes, VectorPair pair, String topic,
                                  int partition, long offset) {
        if (pair == null && bytes != null) {
            Decoded decoded = decode(key, bytes, topic, partition, offset);
            if (decoded.deadLetter() != null) {
                return decoded.deadLetter();
            }
            pair = decoded.pair();
        }
        PairValidator.Violation violation = PairValidator.check(pair, model.inputDim());
        if (violation != null) {
            metrics.deadLetter(violation.reason());
            return ScoringOutcome.of(deadLetter(key, bytes, topic, partition, offset, violation));
        }
        try {
            return ScoringOutcome.of(score(model, pair));
        } catch (RuntimeException e) {
            if (ErrorDeadLetters.isInfrastructure(e)) {
                throw e;
            }
            // Caught here rather than in the processing handler: a waiting pair that failed inside a
            // drain must still leave the buffer, or every later drain would fail on it again.
            LOG.error("dead-lettering pair {}-{}@{} after an unexpected error", topic, partition, offset, e);
            metrics.deadLetter(DeadLetterReason.PROCESSING_ERROR);
            return ScoringOutcome.of(deadLetter(key, bytes, topic, partition, offset, new PairValidator.Violation(
                    DeadLetterReason.PROCESSING_ERROR, e.getClass().getName() + ": " + e.getMessage())));
        }
    }

    private PairDecision score(LoadedModel model, VectorPair pair) {
        float[] left = Vectors.toArray(pair.getLeft());
        float[] right = Vectors.toArray(pair.getRight());
        long start = System.nanoTime();
        float score = model.scorer().score(left, right);
        metrics.scored(System.nanoTime() - start);
        metrics.decision();
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

    private DeadLetter deadLetter(String key, byte[] value, String topic, int partition, long offset,
                                  PairValidator.Violation violation) {
        return deadLetters.of(keyBytes(key), value, topic, partition, offset, violation.reason(), violation.message());
    }

    /** Store key of a waiting pair: zero-padded sequence first, so the store iterates in arrival order. */
    record WaitingKey(long seq, int partition, long offset, String key) {
        String encode() {
            return String.format("%019d|%d|%d|%c%s", seq, partition, offset,
                    key == null ? NULL_KEY : HAS_KEY, key == null ? "" : key);
        }

        static WaitingKey parse(String s) {
            String[] parts = s.split("\\|", 4);
            String key = parts[3].charAt(0) == NULL_KEY ? null : parts[3].substring(1);
            return new WaitingKey(Long.parseLong(parts[0]), Integer.parseInt(parts[1]), Long.parseLong(parts[2]), key);
        }
    }
}
