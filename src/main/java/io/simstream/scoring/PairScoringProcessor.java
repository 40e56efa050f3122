package io.simstream.scoring;

import io.simstream.avro.OriginalHeader;
import io.simstream.avro.PairDecision;
import io.simstream.avro.VectorPair;
import io.simstream.data.Vectors;
import io.simstream.deadletter.DeadLetterReason;
import io.simstream.deadletter.DeadLetters;
import io.simstream.deadletter.PairValidator;
import io.simstream.lifecycle.LoadedModel;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import io.simstream.topics.Received;
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
 * Validates and scores each pair with whatever model is live at that moment (read once per pair).
 * Keys stay bytes and every dead letter keeps the key, value and headers exactly as they arrived.
 * Pairs that arrive before any model exists wait in a changelogged store, in arrival order, and
 * are drained before the next pair is scored or by a wall-clock punctuation once a model is live;
 * with exactly-once the buffer and the outputs commit together, so no pair is lost or doubled.
 */
final class PairScoringProcessor implements Processor<byte[], Received<VectorPair>, byte[], ScoringOutcome> {
    private static final Logger LOG = LoggerFactory.getLogger(PairScoringProcessor.class);

    private final ScoringTopology.Settings settings;
    private final LiveModel live;
    private final ScoringMetrics metrics;
    private final DeadLetters deadLetters;
    private final Deserializer<VectorPair> pairDeserializer;
    private final Clock clock;
    private ProcessorContext<byte[], ScoringOutcome> context;
    private KeyValueStore<String, byte[]> waiting;
    private long nextSeq;
    private long waitingCount;

    PairScoringProcessor(ScoringTopology.Settings settings, LiveModel live, ScoringMetrics metrics,
                         Deserializer<VectorPair> pairDeserializer, Clock clock) {
        this.settings = settings;
        this.live = live;
        this.metrics = metrics;
        this.deadLetters = new DeadLetters(settings.applicationId(), clock);
        this.pairDeserializer = pairDeserializer;
        this.clock = clock;
    }

    @Override
    public void init(ProcessorContext<byte[], ScoringOutcome> context) {
        this.context = context;
        this.waiting = context.getStateStore(ScoringTopology.WAITING_STORE);
        try (KeyValueIterator<String, byte[]> it = waiting.all()) {
            while (it.hasNext()) {
                nextSeq = Math.max(nextSeq, WaitingKey.parse(it.next().key).seq() + 1);
                waitingCount++;
            }
        }
        metrics.pendingChanged(waitingCount);
        context.schedule(settings.drainInterval(), PunctuationType.WALL_CLOCK_TIME, now -> drainIfModelLive());
    }

    @Override
    public void process(Record<byte[], Received<VectorPair>> record) {
        RecordMetadata meta = context.recordMetadata().orElseThrow();
        LoadedModel model = live.current();
        Received<VectorPair> received = record.value();
        byte[] bytes = received == null ? null : received.bytes();
        List<OriginalHeader> headers = DeadLetters.headersOf(record.headers());
        if (model == null && received == null) {
            // Nothing to wait for: dead-letter it now.
            context.forward(record.withValue(ScoringOutcome.of(deadLetters.of(record.key(), null, headers, meta.topic(),
                    meta.partition(), meta.offset(), DeadLetterReason.MISSING_SIDE, PairValidator.check(null, 0).message()))));
            metrics.deadLetter(DeadLetterReason.MISSING_SIDE);
            return;
        }
        if (model == null) {
            if (waitingCount == 0) {
                LOG.info("no model '{}' yet: pairs wait until one is loaded", live.name());
            }
            waiting.put(new WaitingKey(nextSeq++, meta.partition(), meta.offset()).encode(),
                    new WaitingRecord(record.key(), bytes, headers).encode());
            waitingCount++;
            metrics.pendingChanged(1);
            return;
        }
        if (waitingCount > 0) {
            drain(model);
        }
        context.forward(record.withValue(handle(model, record.key(), received == null ? null : received.value(), bytes,
                headers, meta.topic(), meta.partition(), meta.offset())));
    }

    @Override
    public void close() {
        metrics.pendingChanged(-waitingCount);
    }

    private void drainIfModelLive() {
        LoadedModel model = live.current();
        if (model != null && waitingCount > 0) {
            drain(model);
        }
    }

    private void drain(LoadedModel model) {
        List<KeyValue<String, byte[]>> batch = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = waiting.all()) {
            it.forEachRemaining(batch::add);
        }
        long now = clock.millis();
        for (KeyValue<String, byte[]> kv : batch) {
            WaitingKey wk = WaitingKey.parse(kv.key);
            WaitingRecord w = WaitingRecord.decode(kv.value);
            // Decoded before it was stored, so its schema is cached: this cannot newly fail on the bytes.
            VectorPair pair = w.value() == null ? null : pairDeserializer.deserialize(settings.pairsTopic(), w.value());
            ScoringOutcome out = handle(model, w.key(), pair, w.value(), w.headers(), settings.pairsTopic(),
                    wk.partition(), wk.offset());
            RecordHeaders headers = new RecordHeaders();
            w.headers().forEach(h -> headers.add(h.getKey(), h.getValue() == null ? null : bytesOf(h.getValue())));
            context.forward(new Record<>(w.key(), out, now, headers));
            waiting.delete(kv.key);
        }
        waitingCount -= batch.size();
        metrics.pendingChanged(-batch.size());
        LOG.info("scored {} waiting pairs with model '{}' v{}", batch.size(), model.name(), model.version());
    }

    private static byte[] bytesOf(java.nio.ByteBuffer b) {
        java.nio.ByteBuffer d = b.duplicate();
        byte[] out = new byte[d.remaining()];
        d.get(out);
        return out;
    }

    private ScoringOutcome handle(LoadedModel model, byte[] key, VectorPair pair, byte[] bytes,
                                  List<OriginalHeader> headers, String topic, int partition, long offset) {
        PairValidator.Violation violation = PairValidator.check(pair, model.inputDim());
        if (violation != null) {
            metrics.deadLetter(violation.reason());
            return ScoringOutcome.of(deadLetters.of(key, bytes, headers, topic, partition, offset, violation.reason(),
                    violation.message()));
        }
        float[] left = Vectors.toArray(pair.getLeft());
        float[] right = Vectors.toArray(pair.getRight());
        long start = System.nanoTime();
        float score = model.scorer().score(left, right);
        metrics.scored(System.nanoTime() - start);
        metrics.decision();
        return ScoringOutcome.of(PairDecision.newBuilder()
                .setPairId(pair.getId())
                .setScore(score)
                .setSame(model.scorer().isSame(score))
                .setThreshold(model.artifact().threshold())
                .setModelName(model.name())
                .setModelVersion(model.version())
                .setHead(model.artifact().head().id())
                .setScoredAt(clock.instant())
                .setEventTime(pair.getEventTime())
                .build());
    }

    /** Store key of a waiting pair: zero-padded sequence first, so the store iterates in arrival order. */
    record WaitingKey(long seq, int partition, long offset) {
        String encode() {
            return String.format("%019d|%d|%d", seq, partition, offset);
        }

        static WaitingKey parse(String s) {
            String[] parts = s.split("\\|", 4);
            return new WaitingKey(Long.parseLong(parts[0]), Integer.parseInt(parts[1]), Long.parseLong(parts[2]));
        }
    }
}
