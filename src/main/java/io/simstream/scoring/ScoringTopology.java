package io.simstream.scoring;

import io.simstream.lifecycle.ModelLoader;
import io.simstream.topics.Topics;
import java.time.Clock;
import java.time.Duration;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.state.Stores;

/**
 * The scoring topology: models topic -> global store + live scorer; pairs -> validate and score
 * -> decisions, or -> dead letters. Pure wiring: the serdes, the live model and the metrics are
 * handed in, nothing here opens a socket or a file.
 */
public final class ScoringTopology {
    public static final String MODEL_STORE = "models-store";
    public static final String WAITING_STORE = "waiting-pairs";

    /** What the topology needs to know beyond its topics; waiting is shared by all tasks of this instance. */
    public record Settings(String applicationId, String pairsTopic, Duration drainInterval, WaitingBuffer waiting) {
        /** Without a bound worth mentioning (tests that are not about it). */
        public Settings(String applicationId, String pairsTopic, Duration drainInterval) {
            this(applicationId, pairsTopic, drainInterval, new WaitingBuffer(Long.MAX_VALUE, Long.MAX_VALUE, 1000));
        }
    }

    private ScoringTopology() {
    }

    /**
     * pairWait bounds how long a stream thread waits out a registry fault (it holds a transaction);
     * modelWait is used by the global thread, which holds none.
     */
    public static Topology build(Topics topics, Settings settings, LiveModel live, ModelLoader loader,
                                 ScoringMetrics metrics, RegistryWait pairWait, RegistryWait modelWait, Clock clock) {
        StreamsBuilder builder = new StreamsBuilder();
        build(builder, topics, settings, live, loader, metrics, pairWait, modelWait, clock);
        return builder.build();
    }

    public static void build(StreamsBuilder builder, Topics topics, Settings settings, LiveModel live,
                             ModelLoader loader, ScoringMetrics metrics, RegistryWait pairWait,
                             RegistryWait modelWait, Clock clock) {
        // Both inputs are read as bytes and decoded in the processors: a registry fault then waits
        // instead of reaching a deserialization handler, and a dead letter or a stored model keeps
        // exactly the bytes that arrived (no re-encoding, no schema registration to store them).
        builder.addGlobalStore(
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(MODEL_STORE), Serdes.String(),
                        Serdes.ByteArray()).withLoggingDisabled(),
                topics.models().name(),
                topics.modelsAsBytes(),
                () -> new ModelStoreProcessor(MODEL_STORE, topics.models().name(), live, loader,
                        topics.models().valueSerde().deserializer(), modelWait, metrics));

        // Waiting pairs are kept as the bytes that arrived (WaitingRecord): no schema of their own in the registry.
        // In memory, changelogged: under exactly-once a persistent store without a checkpoint (every
        // kill -9) is declared corrupt, wiped and rebuilt with an extra rebalance, which was ~2 s of
        // each crash recovery here. The buffer is bounded (waiting.max.bytes, see WaitingBuffer), so
        // the heap can hold it, and it is normally empty, so the restore from its changelog is short.
        // Small segments, quick compaction and short-lived tombstones: a drained buffer stops costing
        // restore time within minutes instead of staying in a 1 GiB active segment for days.
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(WAITING_STORE),
                Serdes.String(), Serdes.ByteArray()).withLoggingEnabled(java.util.Map.of(
                        "segment.bytes", String.valueOf(16 << 20),
                        "segment.ms", String.valueOf(10 * 60_000),
                        "min.cleanable.dirty.ratio", "0.1",
                        "delete.retention.ms", String.valueOf(10 * 60_000))));

        KStream<byte[], ScoringOutcome> outcomes = builder
                .stream(topics.pairs().name(), topics.pairsAsBytes())
                .process(() -> new PairScoringProcessor(settings, live, metrics,
                        topics.pairs().valueSerde().deserializer(), pairWait, clock), Named.as("score-pairs"),
                        WAITING_STORE);
        outcomes.filter((k, v) -> v.isDecision(), Named.as("decisions-only"))
                .mapValues(ScoringOutcome::decision, Named.as("to-decision"))
                .to(topics.decisions().name(), topics.decisionsByKeyBytes());
        outcomes.filter((k, v) -> !v.isDecision(), Named.as("dead-letters-only"))
                .mapValues(ScoringOutcome::deadLetter, Named.as("to-dead-letter"))
                .to(topics.deadLetters().name(), topics.deadLettersByKeyBytes());
    }
}
