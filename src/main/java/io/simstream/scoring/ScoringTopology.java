package io.simstream.scoring;

import io.simstream.topics.Topics;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;

/**
 * The scoring topology: models topic -> global store + live deployment; pairs -> validate and score
 * -> decisions (and shadow decisions while a candidate is out), or -> dead letters. Pure wiring of
 * topics to processor suppliers; the suppliers own their collaborators and declare their stores, and
 * nothing here opens a socket or a file.
 */
public final class ScoringTopology {
    public static final String MODEL_STORE = ModelStoreProcessor.STORE;
    public static final String WAITING_STORE = PairScoringProcessor.WAITING_STORE;

    private ScoringTopology() {
    }

    public static Topology build(Topics topics, ScoringRuntime runtime) {
        StreamsBuilder builder = new StreamsBuilder();
        build(builder, topics, runtime);
        return builder.build();
    }

    public static void build(StreamsBuilder builder, Topics topics, ScoringRuntime runtime) {
        // Both inputs are read as bytes and decoded in the processors: a registry fault then waits
        // instead of reaching a deserialization handler, and a dead letter or a stored model keeps
        // exactly the bytes that arrived (no re-encoding, no schema registration to store them).
        ModelStoreProcessor.Supplier models = new ModelStoreProcessor.Supplier(topics.models(), runtime);
        builder.addGlobalStore(models.storeBuilder(), topics.models().name(), topics.modelsAsBytes(), models);

        KStream<byte[], ScoringOutcome> outcomes = builder.stream(topics.pairs().name(), topics.pairsAsBytes())
                .process(new PairScoringProcessor.Supplier(topics.pairs(), runtime), Named.as("score-pairs"));
        outcomes.filter((k, v) -> v.isDecision(), Named.as("decisions-only"))
                .mapValues(ScoringOutcome::decision, Named.as("to-decision"))
                .to(topics.decisions().name(), topics.decisionsByKeyBytes());
        // Same task, same transaction as the decision: a pair has both or neither.
        outcomes.filter((k, v) -> v.hasShadow(), Named.as("shadows-only"))
                .mapValues(ScoringOutcome::shadow, Named.as("to-shadow-decision"))
                .to(topics.decisionsShadow().name(), topics.shadowDecisionsByKeyBytes());
        // A drift alarm goes out with the pair whose window raised it, keyed by model name.
        outcomes.filter((k, v) -> v.hasEvents(), Named.as("with-events"))
                .flatMap((k, v) -> v.events().stream().map(e -> KeyValue.pair(e.getModelName(), e)).toList(),
                        Named.as("to-model-events"))
                .to(topics.modelEvents().name(), topics.modelEvents().produced());
        outcomes.filter((k, v) -> !v.isDecision(), Named.as("dead-letters-only"))
                .mapValues(ScoringOutcome::deadLetter, Named.as("to-dead-letter"))
                .to(topics.deadLetters().name(), topics.deadLettersByKeyBytes());
    }
}
