package io.simstream.topics;

import io.simstream.avro.DeadLetter;
import io.simstream.avro.ModelRecord;
import io.simstream.avro.PairDecision;
import io.simstream.avro.VectorPair;
import io.simstream.registry.AvroSerde;
import io.simstream.registry.SchemaRegistry;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/**
 * The one place that defines every topic of the scoring service with its serdes and configs.
 * Keys: the pair id for pairs and decisions, the model name for models. The scorer itself treats
 * pair keys as bytes end to end ({@link #pairsAsBytes()}), so decisions and dead letters carry
 * the key exactly as it arrived; readers may decode them as strings.
 */
public final class Topics {
    /** Room for a model artifact of a few MB (a 200-128-128-128 model is ~235 KB). */
    public static final int MODEL_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

    private final TopicSpec<String, VectorPair> pairs;
    private final TopicSpec<String, PairDecision> decisions;
    private final TopicSpec<String, ModelRecord> models;
    private final TopicSpec<String, ModelRecord> modelHistory;
    private final TopicSpec<String, DeadLetter> deadLetters;

    /** For processes that write pairs too (produce, tests, benchmarks): pairs-value may be registered. */
    public Topics(TopicNames names, SchemaRegistry registry, int pairPartitions) {
        this(names, registry, pairPartitions, false);
    }

    /** For the services: pairs are input, so their subject is read and never written. */
    public static Topics forServices(TopicNames names, SchemaRegistry registry, int pairPartitions) {
        return new Topics(names, registry, pairPartitions, true);
    }

    private Topics(TopicNames names, SchemaRegistry registry, int pairPartitions, boolean pairsAreInput) {
        this.pairs = new TopicSpec<>(names.pairs(), Serdes.String(), pairsAreInput
                ? AvroSerde.forInput(registry, VectorPair.getClassSchema(), names.pairs())
                : AvroSerde.forValue(registry, VectorPair.getClassSchema()), pairPartitions, Map.of());
        this.decisions = new TopicSpec<>(names.decisions(), Serdes.String(),
                AvroSerde.forValue(registry, PairDecision.getClassSchema()), pairPartitions, Map.of());
        this.models = new TopicSpec<>(names.models(), Serdes.String(),
                AvroSerde.forValue(registry, ModelRecord.getClassSchema()), 1, Map.of(
                        "cleanup.policy", "compact",
                        "max.message.bytes", String.valueOf(MODEL_MAX_MESSAGE_BYTES),
                        "min.compaction.lag.ms", "0"));
        // Every version ever published, in order: compaction keeps only the newest per name on the
        // models topic, so show/export/rollback of older versions read this one. Kept forever
        // (a model is ~0.25 MB; a thousand versions fit in a few hundred MB).
        this.modelHistory = new TopicSpec<>(modelHistoryName(names), Serdes.String(),
                AvroSerde.forValue(registry, ModelRecord.getClassSchema()), 1, Map.of(
                        "cleanup.policy", "delete",
                        "retention.ms", "-1",
                        "retention.bytes", "-1",
                        "max.message.bytes", String.valueOf(MODEL_MAX_MESSAGE_BYTES)));
        this.deadLetters = new TopicSpec<>(names.deadLetters(), Serdes.String(),
                AvroSerde.forValue(registry, DeadLetter.getClassSchema()), 1, Map.of());
    }

    public TopicSpec<String, VectorPair> pairs() {
        return pairs;
    }

    public TopicSpec<String, PairDecision> decisions() {
        return decisions;
    }

    public TopicSpec<String, ModelRecord> models() {
        return models;
    }

    /** The history topic is named after the models topic, so prefixed deployments get their own. */
    public static String modelHistoryName(TopicNames names) {
        return names.models() + "-history";
    }

    public TopicSpec<String, ModelRecord> modelHistory() {
        return modelHistory;
    }

    public TopicSpec<String, DeadLetter> deadLetters() {
        return deadLetters;
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

    /** Dead letters written under the original key bytes. */
    public Produced<byte[], DeadLetter> deadLettersByKeyBytes() {
        return Produced.with(Serdes.ByteArray(), deadLetters.valueSerde());
    }

    public List<TopicSpec<?, ?>> all() {
        return List.of(pairs, decisions, models, modelHistory, deadLetters);
    }
}
