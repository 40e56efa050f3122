package io.simstream.retraining;

import io.simstream.avro.LabeledPair;
import io.simstream.avro.ModelEvent;
import io.simstream.avro.PairDecision;
import io.simstream.topics.Topics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
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
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.StreamJoined;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Live model quality from labels that arrive after the decisions (within {@code labelDelay}):
 * <ul>
 *   <li>per model version, the share of correct decisions, for the decisions it made (served) and
 *       for the ones it made as a shadow; ONLINE_ACCURACY events and the listener's gauges;</li>
 *   <li>while a candidate is out, champion and candidate on the same pairs: each decision is joined
 *       with the other model's shadow decision of the pair and then with its label, and counted per
 *       (champion, candidate) as a {@link Comparison}; COMPARISON events carry the counts, which the
 *       rollout controller tests sequentially.</li>
 * </ul>
 * Decisions, shadow decisions and labels are all keyed by pair id, so the three topics must have the
 * same partition count (co-partitioning; Streams refuses to start otherwise). Events are keyed by model
 * name, like every record of the model-events topic.
 */
public final class OnlineQualityTopology {
    /** Served decisions and shadow decisions are counted apart. */
    public enum Role { SERVED, SHADOW }

    /** Sees every update; must not block. */
    public interface Listener {
        void accuracy(String modelKey, Role role, OnlineAccuracy accuracy);

        default void comparison(String modelName, Comparison comparison) {
        }
    }

    /** A decision and the other model's decision of the same pair. */
    private record Paired(PairDecision served, PairDecision shadow) {
    }

    private record Outcome(String modelKey, boolean correct) {
    }

    private OnlineQualityTopology() {
    }

    public static void build(StreamsBuilder builder, Topics topics, Duration labelDelay, Listener listener) {
        Serde<PairDecision> decisionSerde = topics.decisions().valueSerde();
        Serde<LabeledPair> labelSerde = topics.labeledPairs().valueSerde();
        KStream<String, PairDecision> decisions = builder.stream(topics.decisions().name(),
                Consumed.with(Serdes.String(), decisionSerde));
        KStream<String, PairDecision> shadows = builder.stream(topics.decisionsShadow().name(),
                Consumed.with(Serdes.String(), topics.decisionsShadow().valueSerde()));
        KStream<String, LabeledPair> labels = builder.stream(topics.labeledPairs().name(),
                Consumed.with(Serdes.String(), labelSerde));
        JoinWindows untilLabeled = JoinWindows.ofTimeDifferenceAndGrace(labelDelay, Duration.ofSeconds(30));

        accuracy(decisions, labels, Role.SERVED, untilLabeled, topics, listener);
        accuracy(shadows, labels, Role.SHADOW, untilLabeled, topics, listener);

        // Both decisions of a pair come from one scorer transaction, at the same time.
        decisions.join(shadows, Paired::new, JoinWindows.ofTimeDifferenceAndGrace(Duration.ofMinutes(1),
                                Duration.ofSeconds(30)),
                        StreamJoined.with(Serdes.String(), decisionSerde, topics.decisionsShadow().valueSerde())
                                .withName("decision-shadow-join").withStoreName("decision-shadow-join"))
                .join(labels, OnlineQualityTopology::judge, untilLabeled,
                        StreamJoined.with(Serdes.String(), pairedSerde(decisionSerde), labelSerde)
                                .withName("paired-label-join").withStoreName("paired-label-join"))
                .map((pairId, j) -> KeyValue.pair(j.key(), j), Named.as("by-comparison"))
                .groupByKey(Grouped.with("by-comparison", Serdes.String(), judgedSerde()))
                .aggregate(() -> null, (key, j, c) -> (c == null ? Comparison.empty(j.champion(), j.candidate()) : c)
                                .add(j.championRight(), j.candidateRight(), j.servedByCandidate()),
                        Materialized.<String, Comparison, KeyValueStore<Bytes, byte[]>>as("comparisons")
                                .withKeySerde(Serdes.String()).withValueSerde(Comparison.serde()))
                .toStream(Named.as("comparison-updates"))
                .peek((key, c) -> listener.comparison(modelName(key), c))
                .map((key, c) -> KeyValue.pair(modelName(key), comparisonEvent(modelName(key), c)),
                        Named.as("comparison-events"))
                .to(topics.modelEvents().name(), Produced.with(Serdes.String(), topics.modelEvents().valueSerde()));
    }

    private static void accuracy(KStream<String, PairDecision> decisions, KStream<String, LabeledPair> labels,
                                 Role role, JoinWindows window, Topics topics, Listener listener) {
        String name = role.name().toLowerCase(Locale.ROOT);
        decisions.join(labels,
                        (decision, label) -> new Outcome(modelKey(decision), decision.getSame() == label.getSame()),
                        window, StreamJoined.with(Serdes.String(), topics.decisions().valueSerde(),
                                        topics.labeledPairs().valueSerde())
                                .withName(name + "-label-join").withStoreName(name + "-label-join"))
                .map((pairId, outcome) -> KeyValue.pair(outcome.modelKey(), outcome.correct()), Named.as(name + "-by-version"))
                .groupByKey(Grouped.with(name + "-by-model-version", Serdes.String(), Serdes.Boolean()))
                .aggregate(() -> OnlineAccuracy.EMPTY, (model, correct, acc) -> acc.add(correct),
                        Materialized.<String, OnlineAccuracy, KeyValueStore<Bytes, byte[]>>as(
                                        role == Role.SERVED ? "online-accuracy" : "shadow-accuracy")
                                .withKeySerde(Serdes.String()).withValueSerde(OnlineAccuracy.serde()))
                .toStream(Named.as(name + "-accuracy-updates"))
                .peek((model, acc) -> listener.accuracy(model, role, acc))
                .map((model, acc) -> KeyValue.pair(model.substring(0, model.lastIndexOf('@')), accuracyEvent(model, role,
                        acc)), Named.as(name + "-accuracy-events"))
                .to(topics.modelEvents().name(), Produced.with(Serdes.String(), topics.modelEvents().valueSerde()));
    }

    static String modelKey(PairDecision d) {
        return d.getModelName() + "@" + d.getModelVersion();
    }

    /** A pair both models decided, with its label: which was right, and which one served it. */
    record Judged(String name, long champion, long candidate, boolean championRight, boolean candidateRight,
                  boolean servedByCandidate) {
        /** One aggregate per (name, champion, candidate): a new candidate starts from zero. */
        String key() {
            return name + "@" + champion + ">" + candidate;
        }
    }

    /** The newer version is the candidate: a candidate is always published above the champion. */
    private static Judged judge(Paired p, LabeledPair label) {
        boolean servedRight = p.served().getSame() == label.getSame();
        boolean shadowRight = p.shadow().getSame() == label.getSame();
        boolean candidateServed = p.served().getModelVersion() > p.shadow().getModelVersion();
        long champion = Math.min(p.served().getModelVersion(), p.shadow().getModelVersion());
        long candidate = Math.max(p.served().getModelVersion(), p.shadow().getModelVersion());
        return new Judged(p.served().getModelName(), champion, candidate,
                candidateServed ? shadowRight : servedRight, candidateServed ? servedRight : shadowRight,
                candidateServed);
    }

    private static String modelName(String comparisonKey) {
        return comparisonKey.substring(0, comparisonKey.lastIndexOf('@'));
    }

    private static ModelEvent accuracyEvent(String modelKey, Role role, OnlineAccuracy acc) {
        int at = modelKey.lastIndexOf('@');
        return ModelEvent.newBuilder()
                .setModelName(modelKey.substring(0, at))
                .setEventType("ONLINE_ACCURACY")
                .setChampionVersion(Long.parseLong(modelKey.substring(at + 1)))
                .setMetric(role == Role.SERVED ? "online_accuracy" : "shadow_accuracy")
                .setChampionMetric(acc.accuracy())
                .setWindowSize((int) Math.min(Integer.MAX_VALUE, acc.total()))
                .setReason(acc.correct() + " of " + acc.total() + " labeled " + (role == Role.SERVED ? "decisions"
                        : "shadow decisions") + " correct")
                .setDetails(Map.of("role", role.name().toLowerCase(Locale.ROOT)))
                .setAt(Instant.now())
                .build();
    }

    private static ModelEvent comparisonEvent(String name, Comparison c) {
        return ModelEvent.newBuilder()
                .setModelName(name)
                .setEventType("COMPARISON")
                .setChampionVersion(c.championVersion())
                .setChallengerVersion(c.candidateVersion())
                .setMetric("online_accuracy")
                .setChampionMetric(c.championAccuracy())
                .setChallengerMetric(c.candidateAccuracy())
                .setWindowSize((int) Math.min(Integer.MAX_VALUE, c.labeled()))
                .setReason(c.labeled() + " labeled pairs scored by both: candidate alone right on " + c.candidateOnly()
                        + ", champion alone right on " + c.championOnly())
                .setDetails(c.details())
                .setAt(Instant.now())
                .build();
    }

    private static Serde<Paired> pairedSerde(Serde<PairDecision> decision) {
        return Serdes.serdeFrom((topic, p) -> p == null ? null : TwoPart.encode(
                        decision.serializer().serialize(topic, p.served()), decision.serializer().serialize(topic, p.shadow())),
                (topic, b) -> {
                    if (b == null) {
                        return null;
                    }
                    byte[][] parts = TwoPart.decode(b);
                    return new Paired(decision.deserializer().deserialize(topic, parts[0]),
                            decision.deserializer().deserialize(topic, parts[1]));
                });
    }

    private static Serde<Judged> judgedSerde() {
        return Serdes.serdeFrom((topic, j) -> {
            if (j == null) {
                return null;
            }
            byte[] name = j.name().getBytes(StandardCharsets.UTF_8);
            return ByteBuffer.allocate(4 + name.length + 16 + 3).putInt(name.length).put(name)
                    .putLong(j.champion()).putLong(j.candidate()).put((byte) (j.championRight() ? 1 : 0))
                    .put((byte) (j.candidateRight() ? 1 : 0)).put((byte) (j.servedByCandidate() ? 1 : 0)).array();
        }, (topic, b) -> {
            if (b == null) {
                return null;
            }
            ByteBuffer buf = ByteBuffer.wrap(b);
            byte[] name = new byte[buf.getInt()];
            buf.get(name);
            return new Judged(new String(name, StandardCharsets.UTF_8), buf.getLong(), buf.getLong(),
                    buf.get() == 1, buf.get() == 1, buf.get() == 1);
        });
    }

    /** Two byte arrays in one: length of the first, the first, the second. */
    private static final class TwoPart {
        static byte[] encode(byte[] a, byte[] b) {
            return ByteBuffer.allocate(4 + a.length + b.length).putInt(a.length).put(a).put(b).array();
        }

        static byte[][] decode(byte[] bytes) {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            byte[] a = new byte[buf.getInt()];
            buf.get(a);
            byte[] b = new byte[buf.remaining()];
            buf.get(b);
            return new byte[][] {a, b};
        }
    }
}
