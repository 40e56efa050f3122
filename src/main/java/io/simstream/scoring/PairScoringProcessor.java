package io.simstream.scoring;

import io.simstream.avro.OriginalHeader;
import io.simstream.avro.PairDecision;
import io.simstream.avro.VectorPair;
import io.simstream.data.Vectors;
import io.simstream.deadletter.DeadLetterReason;
import io.simstream.deadletter.DeadLetters;
import io.simstream.deadletter.PairValidator;
import io.simstream.lifecycle.LoadedModel;
import io.simstream.registry.SerdeException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.internals.RecordHeaders;
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
 * Decodes, validates and scores each pair with whatever model is live at that moment (read once
 * per pair). Key and value arrive as bytes and stay so: every dead letter (whatever its reason)
 * keeps the key, value and headers exactly as they arrived, and a registry fault while decoding
 * waits (RegistryWait) instead of blaming the pair. Pairs that arrive before any model exists wait
 * in a changelogged store, in arrival order and bounded by {@link WaitingBuffer}, and are drained
 * in bounded steps before the next pair is scored or by a wall-clock punctuation once a model is
 * live; with exactly-once the buffer and the outputs commit together, so no pair is lost or doubled.
 */
final class PairScoringProcessor implements Processor<byte[], byte[], byte[], ScoringOutcome> {
    private static final Logger LOG = LoggerFactory.getLogger(PairScoringProcessor.class);

    private final ScoringTopology.Settings settings;
    private final LiveModel live;
    private final ScoringMetrics metrics;
    private final DeadLetters deadLetters;
    private final Deserializer<VectorPair> pairDeserializer;
    private final RegistryWait registryWait;
    private final Clock clock;
    private final WaitingBuffer buffer;
    private ProcessorContext<byte[], ScoringOutcome> context;
    private KeyValueStore<String, byte[]> waiting;
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
    public void init(ProcessorContext<byte[], ScoringOutcome> context) {
        this.context = context;
        this.waiting = context.getStateStore(ScoringTopology.WAITING_STORE);
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
        context.schedule(settings.drainInterval(), PunctuationType.WALL_CLOCK_TIME, now -> drainIfModelLive());
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        RecordMetadata meta = context.recordMetadata().orElseThrow();
        LoadedModel model = live.current();
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
            drain(model);
        }
        context.forward(record.withValue(handle(model, arrived, pair)));
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
            LOG.warn("dead-lettering undeserializable pair {}-{}@{}: {}", a.topic(), a.partition(), a.offset(),
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
                WaitingRecord w = WaitingRecord.decode(kv.value);
                Arrived arrived = new Arrived(w.key(), w.value(), w.headers(), settings.pairsTopic(), wk.partition(),
                        wk.offset());
                ScoringOutcome out = handle(model, arrived, null);
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
        LOG.info("scored {} waiting pairs with model '{}' v{}", drained, model.name(), model.version());
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
    private ScoringOutcome handle(LoadedModel model, Arrived arrived, VectorPair pair) {
        if (pair == null && arrived.value() != null) {
            Decoded decoded = decode(arrived);
            if (decoded.deadLetter() != null) {
                return decoded.deadLetter();
            }
            pair = decoded.pair();
        }
        PairValidator.Violation violation = PairValidator.check(pair, model.inputDim());
        if (violation != null) {
            return deadLetter(arrived, violation);
        }
        try {
            return ScoringOutcome.of(score(model, pair));
        } catch (RuntimeException e) {
            if (ErrorDeadLetters.isInfrastructure(e)) {
                throw e;
            }
            // Caught here rather than in the processing handler: a waiting pair that failed inside a
            // drain must still leave the buffer, or every later drain would fail on it again.
            LOG.error("dead-lettering pair {}-{}@{} after an unexpected error", arrived.topic(), arrived.partition(),
                    arrived.offset(), e);
            return deadLetter(arrived, new PairValidator.Violation(DeadLetterReason.PROCESSING_ERROR,
                    e.getClass().getName() + ": " + e.getMessage()));
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
