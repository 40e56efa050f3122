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

/**
 * The one place that defines every topic of the scoring service with its serdes and configs.
 * Keys are strings: the pair id for pairs and decisions, the model name for models; dead letters
 * keep the original key bytes (read as a string when they were one).
 */
public final class Topics {
    /** Room for a model artifact of a few MB (a 200-128-128-128 model is ~235 KB). */
    public static final int MODEL_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

    private final TopicSpec<String, VectorPair> pairs;
    private final TopicSpec<String, PairDecision> decisions;
    private final TopicSpec<String, ModelRecord> models;
    private final TopicSpec<String, ModelRecord> modelHistory;
    private final TopicSpec<String, DeadLetter> deadLetters;

    public Topics(TopicNames names, SchemaRegistry registry, int pairPartitions) {
        this.pairs = new TopicSpec<>(names.pairs(), Serdes.String(),
                AvroSerde.forValue(registry, VectorPair.getClassSchema()), pairPartitions, Map.of());
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

    public List<TopicSpec<?, ?>> all() {
        return List.of(pairs, decisions, models, modelHistory, deadLetters);
    }
}
