package io.simstream.retraining;

import io.simstream.avro.LabeledPair;
import io.simstream.avro.ModelEvent;
import io.simstream.avro.PairDecision;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BiConsumer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.JoinWindows;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.StreamJoined;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Live model quality: each decision is joined with the label that arrives later for the same
 * pair id (within {@code labelDelay}), and the share of correct decisions is counted per model
 * version. Results go to the model-events topic and to a listener (the metrics gauge).
 *
 * <p>Decisions and labels are both keyed by pair id, so the two topics must have the same
 * partition count (co-partitioning; Streams refuses to start otherwise).
 */
public final class OnlineQualityTopology {
    public record Topics(String decisions, Serde<PairDecision> decisionSerde,
                         String labels, Serde<LabeledPair> labelSerde,
                         String modelEvents, Serde<ModelEvent> eventSerde) {
    }

    private OnlineQualityTopology() {
    }

    /**
     * @param listener called with ("name@version", counts) on every emitted update; must not block
     */
    public static void build(StreamsBuilder builder, Topics topics, Duration labelDelay,
                             BiConsumer<String, OnlineAccuracy> listener) {
        KStream<String, PairDecision> decisions = builder.stream(topics.decisions(),
                Consumed.with(Serdes.String(), topics.decisionSerde()));
        KStream<String, LabeledPair> labels = builder.stream(topics.labels(),
                Consumed.with(Serdes.String(), topics.labelSerde()));

        decisions.join(labels,
                        (decision, label) -> new Outcome(modelKey(decision), decision.getSame() == label.getSame()),
                        JoinWindows.ofTimeDifferenceAndGrace(labelDelay, Duration.ofSeconds(30)),
                        StreamJoined.with(Serdes.String(), topics.decisionSerde(), topics.labelSerde())
                                .withName("decision-label-join").withStoreName("decision-label-join"))
                .map((pairId, outcome) -> KeyValue.pair(outcome.modelKey(), outcome.correct()))
                .groupByKey(Grouped.with("by-model-version", Serdes.String(), Serdes.Boolean()))
                .aggregate(() -> OnlineAccuracy.EMPTY, (model, correct, acc) -> acc.add(correct),
                        Materialized.<String, OnlineAccuracy, KeyValueStore<Bytes, byte[]>>as("online-accuracy")
                                .withKeySerde(Serdes.String()).withValueSerde(OnlineAccuracy.serde()))
                .toStream()
                .peek(listener::accept)
                .mapValues((model, acc) -> toEvent(model, acc))
                .to(topics.modelEvents(), Produced.with(Serdes.String(), topics.eventSerde()));
    }

    static String modelKey(PairDecision d) {
        return d.getModelName() + "@" + d.getModelVersion();
    }

    private static ModelEvent toEvent(String modelKey, OnlineAccuracy acc) {
        int at = modelKey.lastIndexOf('@');
        return ModelEvent.newBuilder()
                .setModelName(modelKey.substring(0, at))
                .setEventType("ONLINE_ACCURACY")
                .setChampionVersion(Long.parseLong(modelKey.substring(at + 1)))
                .setMetric("online_accuracy")
                .setChampionMetric(acc.accuracy())
                .setWindowSize((int) Math.min(Integer.MAX_VALUE, acc.total()))
                .setReason(acc.correct() + " of " + acc.total() + " labeled decisions correct")
                .setAt(Instant.now())
                .build();
    }

    private record Outcome(String modelKey, boolean correct) {
    }
}
