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
import org.apache.kafka.common.serialization.Serializer;
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
final class PairScoringProcessor implements Processor<String, VectorPair, String, ScoringOutcome> {
    private static final Logger LOG = LoggerFactory.getLogger(PairScoringProcessor.class);
    private static final char NULL_KEY = 'n';
    private static final char HAS_KEY = 'k';

    private final ScoringTopology.Settings settings;
    private final LiveModel live;
    private final ScoringMetrics metrics;
    private final DeadLetters deadLetters;
    private final Serializer<VectorPair> pairSerializer;
    private final Clock clock;
    private ProcessorContext<String, ScoringOutcome> context;
    private KeyValueStore<String, VectorPair> waiting;
    private long nextSeq;
    private long waitingCount;

    PairScoringProcessor(ScoringTopology.Settings settings, LiveModel live, ScoringMetrics metrics,
                         Serializer<VectorPair> pairSerializer, Clock clock) {
        this.settings = settings;
        this.live = live;
        this.metrics = metrics;
        this.deadLetters = new DeadLetters(settings.applicationId(), clock);
        this.pairSerializer = pairSerializer;
        this.clock = clock;
    }

    @Override
    public void init(ProcessorContext<String, ScoringOutcome> context) {
        this.context = context;
        this.waiting = context.getStateStore(ScoringTopology.WAITING_STORE);
        try (KeyValueIterator<String, VectorPair> it = waiting.all()) {
            while (it.hasNext()) {
                nextSeq = Math.max(nextSeq, WaitingKey.parse(it.next().key).seq() + 1);
                waitingCount++;
            }
        }
        metrics.pendingChanged(waitingCount);
        context.schedule(settings.drainInterval(), PunctuationType.WALL_CLOCK_TIME, now -> drainIfModelLive());
    }

    @Override
    public void process(Record<String, VectorPair> record) {
        RecordMetadata meta = context.recordMetadata().orElseThrow();
        LoadedModel model = live.current();
        if (model == null && record.value() == null) {
            // Nothing to wait for (and a null put would delete from the store): dead-letter it now.
            context.forward(record.withValue(ScoringOutcome.of(deadLetter(record.key(), null, meta.topic(),
                    meta.partition(), meta.offset(), PairValidator.check(null, 0)))));
            metrics.deadLetter(DeadLetterReason.MISSING_SIDE);
            return;
        }
        if (model == null) {
            if (waitingCount == 0) {
                LOG.info("no model '{}' yet: pairs wait until one is loaded", live.name());
            }
            waiting.put(new WaitingKey(nextSeq++, meta.partition(), meta.offset(), record.key()).encode(),
                    record.value());
            waitingCount++;
            metrics.pendingChanged(1);
            return;
        }
        if (waitingCount > 0) {
            drain(model);
        }
        context.forward(record.withValue(handle(model, record.key(), record.value(), meta.topic(),
                meta.partition(), meta.offset())));
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
        List<KeyValue<String, VectorPair>> batch = new ArrayList<>();
        try (KeyValueIterator<String, VectorPair> it = waiting.all()) {
            it.forEachRemaining(batch::add);
        }
        long now = clock.millis();
        for (KeyValue<String, VectorPair> kv : batch) {
            WaitingKey wk = WaitingKey.parse(kv.key);
            ScoringOutcome out = handle(model, wk.key(), kv.value, settings.pairsTopic(), wk.partition(), wk.offset());
            context.forward(new Record<>(wk.key(), out, now));
            waiting.delete(kv.key);
        }
        waitingCount -= batch.size();
        metrics.pendingChanged(-batch.size());
        LOG.info("scored {} waiting pairs with model '{}' v{}", batch.size(), model.name(), model.version());
    }

    private ScoringOutcome handle(LoadedModel model, String key, VectorPair pair, String topic, int partition,
                                  long offset) {
        PairValidator.Violation violation = PairValidator.check(pair, model.inputDim());
        if (violation != null) {
            metrics.deadLetter(violation.reason());
            return ScoringOutcome.of(deadLetter(key, pair, topic, partition, offset, violation));
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

    private DeadLetter deadLetter(String key, VectorPair pair, String topic, int partition, long offset,
                                  PairValidator.Violation violation) {
        byte[] value = pair == null ? null : pairSerializer.serialize(topic, pair);
        byte[] keyBytes = key == null ? null : key.getBytes(StandardCharsets.UTF_8);
        return deadLetters.of(keyBytes, value, topic, partition, offset, violation.reason(), violation.message());
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
