package io.simstream.topics;

import io.simstream.avro.DeadLetter;
import io.simstream.avro.LabeledPair;
import io.simstream.avro.ModelEvent;
import io.simstream.config.RetrainConfig;
import io.simstream.registry.AvroSerde;
import io.simstream.registry.SchemaRegistry;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The topics the retrainer adds to the scoring service's: labeled pairs in (keyed by pair id, so
 * partitioned like pairs and decisions for the online-quality join), their dead letters, model
 * events out (keyed by model name) and the single-partition lock topic that elects the active
 * retrainer.
 */
public final class RetrainTopics {
    public record Names(String labeledPairs, String labelDeadLetters, String modelEvents, String retrainerLock) {
        public static final Names DEFAULT = new Names(RetrainConfig.TOPIC_LABELS.defaultValue(),
                RetrainConfig.TOPIC_LABELS_DLQ.defaultValue(), RetrainConfig.TOPIC_EVENTS.defaultValue(),
                RetrainConfig.TOPIC_LOCK.defaultValue());

        public static Names of(RetrainConfig config) {
            return new Names(config.values().get(RetrainConfig.TOPIC_LABELS),
                    config.values().get(RetrainConfig.TOPIC_LABELS_DLQ), config.values().get(RetrainConfig.TOPIC_EVENTS),
                    config.values().get(RetrainConfig.TOPIC_LOCK));
        }

        public Names withPrefix(String prefix) {
            return new Names(prefix + labeledPairs, prefix + labelDeadLetters, prefix + modelEvents,
                    prefix + retrainerLock);
        }
    }

    private final TopicSpec<String, LabeledPair> labeledPairs;
    private final TopicSpec<String, DeadLetter> labelDeadLetters;
    private final TopicSpec<String, ModelEvent> modelEvents;
    private final TopicSpec<byte[], byte[]> retrainerLock;

    /** For processes that write labeled pairs too (produce, tests): labeled-pairs-value may be registered. */
    public RetrainTopics(Names names, SchemaRegistry registry, int labelPartitions) {
        this(names, registry, labelPartitions, false);
    }

    /** For the retrainer: labeled pairs are input, so their subject is read and never written. */
    public static RetrainTopics forRetrainer(Names names, SchemaRegistry registry, int labelPartitions) {
        return new RetrainTopics(names, registry, labelPartitions, true);
    }

    private RetrainTopics(Names names, SchemaRegistry registry, int labelPartitions, boolean labelsAreInput) {
        this.labeledPairs = new TopicSpec<>(names.labeledPairs(), Serdes.String(), labelsAreInput
                ? AvroSerde.forInput(registry, LabeledPair.getClassSchema(), names.labeledPairs())
                : AvroSerde.forValue(registry, LabeledPair.getClassSchema()), labelPartitions, Map.of());
        this.labelDeadLetters = new TopicSpec<>(names.labelDeadLetters(), Serdes.String(),
                AvroSerde.forValue(registry, DeadLetter.getClassSchema()), 1, Map.of());
        this.modelEvents = new TopicSpec<>(names.modelEvents(), Serdes.String(),
                AvroSerde.forValue(registry, ModelEvent.getClassSchema()), 1, Map.of());
        // Exactly one partition: whoever is assigned it is the active retrainer.
        this.retrainerLock = new TopicSpec<>(names.retrainerLock(), Serdes.ByteArray(), Serdes.ByteArray(), 1,
                Map.of());
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

    public List<TopicSpec<?, ?>> all() {
        return List.of(labeledPairs, labelDeadLetters, modelEvents, retrainerLock);
    }
}
