package io.simstream.topics;

import io.simstream.avro.DeadLetter;
import io.simstream.avro.LabeledPair;
import io.simstream.avro.ModelEvent;
import io.simstream.avro.ModelRecord;
import io.simstream.avro.PairDecision;
import io.simstream.avro.VectorPair;
import io.simstream.registry.AvroSerde;
import io.simstream.registry.SchemaRegistry;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/**
 * The one place that defines every topic of a deployment with its serdes and configs. Keys: the pair
 * id for pairs, decisions, shadow decisions and labels; the model name (or a candidate or chunk key,
 * see {@link ModelKeys}) for models. The scorer treats pair keys as bytes end to end
 * ({@link #pairsAsBytes()}), so decisions and dead letters carry the key exactly as it arrived.
 *
 * <p>Input subjects are read, never written: a service that only reads a topic's records (the
 * scorer's pairs, the retrainer's labels) looks their schema up instead of registering it.
 */
public final class Topics {
    /** Room for a model artifact of a few MB (a 200-128-128-128 model is ~235 KB); larger ones go as chunks. */
    public static final int MODEL_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

    /** Who uses the topics decides which subjects are input (read only). */
    public enum Role {
        /** Writes pairs and labels too (produce, tests, benchmarks): every subject may be registered. */
        CLIENT,
        /** serve: pairs are input. */
        SCORER,
        /** retrain: labeled pairs are input. */
        RETRAINER
    }

    private final TopicNames names;
    private final TopicSpec<String, VectorPair> pairs;
    private final TopicSpec<String, PairDecision> decisions;
    private final TopicSpec<String, PairDecision> decisionsShadow;
    private final TopicSpec<String, ModelRecord> models;
    private final TopicSpec<String, ModelRecord> modelHistory;
    private final TopicSpec<String, DeadLetter> deadLetters;
    private final TopicSpec<String, LabeledPair> labeledPairs;
    private final TopicSpec<String, DeadLetter> labelDeadLetters;
    private final TopicSpec<String, ModelEvent> modelEvents;
    private final TopicSpec<byte[], byte[]> retrainerLock;

    /** For processes that write pairs and labels (produce, tests, benchmarks); labels partitioned like pairs. */
    public Topics(TopicNames names, SchemaRegistry registry, int pairPartitions) {
        this(names, registry, pairPartitions, pairPartitions, Role.CLIENT);
    }

    /** For serve: pairs are input, so their subject is read and never written. */
    public static Topics forScorer(TopicNames names, SchemaRegistry registry, int pairPartitions) {
        return new Topics(names, registry, pairPartitions, pairPartitions, Role.SCORER);
    }

    public Topics(TopicNames names, SchemaRegistry registry, int pairPartitions, int labelPartitions, Role role) {
        this.names = names;
        this.pairs = new TopicSpec<>(names.pairs(), Serdes.String(),
                serde(registry, VectorPair.getClassSchema(), names.pairs(), role == Role.SCORER), pairPartitions, Map.of());
        this.decisions = new TopicSpec<>(names.decisions(), Serdes.String(),
                AvroSerde.forValue(registry, PairDecision.getClassSchema()), pairPartitions, Map.of());
        // Same partitions and keys as decisions: the online-quality app joins the two by pair id.
        this.decisionsShadow = new TopicSpec<>(names.decisionsShadow(), Serdes.String(),
                AvroSerde.forValue(registry, PairDecision.getClassSchema()), pairPartitions, Map.of());
        this.models = new TopicSpec<>(names.models(), Serdes.String(),
                AvroSerde.forValue(registry, ModelRecord.getClassSchema()), 1, Map.of(
                        "cleanup.policy", "compact",
                        "max.message.bytes", String.valueOf(MODEL_MAX_MESSAGE_BYTES),
                        "min.compaction.lag.ms", "0"));
        // Every version ever published, in order: compaction keeps only the newest per key on the
        // models topic, so show/export/rollback of older versions read this one. Kept forever
        // (a model is ~0.25 MB; a thousand versions fit in a few hundred MB).
        this.modelHistory = new TopicSpec<>(names.modelHistory(), Serdes.String(),
                AvroSerde.forValue(registry, ModelRecord.getClassSchema()), 1, Map.of(
                        "cleanup.policy", "delete",
                        "retention.ms", "-1",
                        "retention.bytes", "-1",
                        "max.message.bytes", String.valueOf(MODEL_MAX_MESSAGE_BYTES)));
        this.deadLetters = new TopicSpec<>(names.deadLetters(), Serdes.String(),
                AvroSerde.forValue(registry, DeadLetter.getClassSchema()), 1, Map.of());
        this.labeledPairs = new TopicSpec<>(names.labeledPairs(), Serdes.String(),
                serde(registry, LabeledPair.getClassSchema(), names.labeledPairs(), role == Role.RETRAINER),
                labelPartitions, Map.of());
        this.labelDeadLetters = new TopicSpec<>(names.labelDeadLetters(), Serdes.String(),
                AvroSerde.forValue(registry, DeadLetter.getClassSchema()), 1, Map.of());
        this.modelEvents = new TopicSpec<>(names.modelEvents(), Serdes.String(),
                AvroSerde.forValue(registry, ModelEvent.getClassSchema()), 1, Map.of());
        // Exactly one partition: whoever is assigned it is the active retrainer.
        this.retrainerLock = new TopicSpec<>(names.retrainerLock(), Serdes.ByteArray(), Serdes.ByteArray(), 1,
                Map.of());
    }

    private static <T extends SpecificRecord> Serde<T> serde(SchemaRegistry registry, Schema schema, String topic,
                                                             boolean input) {
        return input ? AvroSerde.<T>forInput(registry, schema, topic) : AvroSerde.<T>forValue(registry, schema);
    }

    public TopicNames names() {
        return names;
    }

    public TopicSpec<String, VectorPair> pairs() {
        return pairs;
    }

    public TopicSpec<String, PairDecision> decisions() {
        return decisions;
    }

    public TopicSpec<String, PairDecision> decisionsShadow() {
        return decisionsShadow;
    }

    public TopicSpec<String, ModelRecord> models() {
        return models;
    }

    public TopicSpec<String, ModelRecord> modelHistory() {
        return modelHistory;
    }

    public TopicSpec<String, DeadLetter> deadLetters() {
        return deadLetters;
    }

    public TopicSpec<String, LabeledPair> labeledPairs() {
        return labeledPairs;
    }

    public TopicSpec<String, DeadLetter> labelDeadLetters() {
        return labelDeadLetters;
    }

    public TopicSpec<String, ModelEvent> modelEvents() {
        return modelEvents;
    }

    public TopicSpec<byte[], byte[]> retrainerLock() {
        return retrainerLock;
    }

    /**
     * Pairs as the scorer reads them: key and value stay the bytes that arrived (a decision's key is
     * the pair's key byte for byte, UTF-8 or not). The scorer decodes values itself, so a registry
     * fault waits instead of reaching a deserialization handler, and a dead letter or a waiting pair
     * keeps exactly those bytes (no re-encoding, which would change the schema id and lose fields).
     */
    public Consumed<byte[], byte[]> pairsAsBytes() {
        return Consumed.with(Serdes.ByteArray(), Serdes.ByteArray());
    }

    /** Model records as the scorer's global store reads them: decoded there, with the same registry wait. */
    public Consumed<String, byte[]> modelsAsBytes() {
        return Consumed.with(models.keySerde(), Serdes.ByteArray());
    }

    /** Decisions written under the pair's key bytes. */
    public Produced<byte[], PairDecision> decisionsByKeyBytes() {
        return Produced.with(Serdes.ByteArray(), decisions.valueSerde());
    }

    /** Shadow decisions written under the pair's key bytes, like decisions. */
    public Produced<byte[], PairDecision> shadowDecisionsByKeyBytes() {
        return Produced.with(Serdes.ByteArray(), decisionsShadow.valueSerde());
    }

    /** Dead letters written under the original key bytes. */
    public Produced<byte[], DeadLetter> deadLettersByKeyBytes() {
        return Produced.with(Serdes.ByteArray(), deadLetters.valueSerde());
    }

    /** What serve creates: its inputs and outputs, and the model topics it reads. */
    public List<TopicSpec<?, ?>> scoring() {
        return List.of(pairs, decisions, decisionsShadow, models, modelHistory, deadLetters, modelEvents);
    }

    /** What retrain creates: the scorer's outputs it reads, the model topics it writes, and its own. */
    public List<TopicSpec<?, ?>> retraining() {
        return List.of(decisions, decisionsShadow, models, modelHistory, labeledPairs, labelDeadLetters, modelEvents,
                retrainerLock);
    }

    /** Every topic of the deployment. */
    public List<TopicSpec<?, ?>> all() {
        return List.of(pairs, decisions, decisionsShadow, models, modelHistory, deadLetters, labeledPairs,
                labelDeadLetters, modelEvents, retrainerLock);
    }
}
