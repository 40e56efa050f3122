package io.simstream.topics;

import io.simstream.config.ClusterConfig;
import io.simstream.config.ConfigField;
import io.simstream.config.DeclaredConfig;
import io.simstream.config.TopicSettings;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every topic name of a deployment, as the topic.* settings give them (one set of names for every
 * command). models-history and decisions-shadow are derived from their base topic.
 */
public record TopicNames(String pairs, String decisions, String models, String deadLetters, String labeledPairs,
                         String labelDeadLetters, String modelEvents, String retrainerLock) {
    public static final TopicNames DEFAULT = new TopicNames(TopicSettings.PAIRS.defaultValue(),
            TopicSettings.DECISIONS.defaultValue(), TopicSettings.MODELS.defaultValue(), TopicSettings.DLQ.defaultValue(),
            TopicSettings.LABELS.defaultValue(), TopicSettings.LABELS_DLQ.defaultValue(),
            TopicSettings.EVENTS.defaultValue(), TopicSettings.LOCK.defaultValue());

    /** The names a resolved configuration of any command gives. */
    public static TopicNames of(DeclaredConfig config) {
        return new TopicNames(config.get(TopicSettings.PAIRS), config.get(TopicSettings.DECISIONS),
                config.get(TopicSettings.MODELS), config.get(TopicSettings.DLQ), config.get(TopicSettings.LABELS),
                config.get(TopicSettings.LABELS_DLQ), config.get(TopicSettings.EVENTS), config.get(TopicSettings.LOCK));
    }

    public static TopicNames of(ClusterConfig config) {
        return of(config.values());
    }

    /** Every copy of a model record is also kept here (compaction keeps only the newest per key on models). */
    public String modelHistory() {
        return models + "-history";
    }

    /** Decisions of a shadow (or of the serving model where a canary serves): never read as decisions. */
    public String decisionsShadow() {
        return decisions + "-shadow";
    }

    /** Same names with a prefix, for tests and benchmarks that share one broker. */
    public TopicNames withPrefix(String prefix) {
        return new TopicNames(prefix + pairs, prefix + decisions, prefix + models, prefix + deadLetters,
                prefix + labeledPairs, prefix + labelDeadLetters, prefix + modelEvents, prefix + retrainerLock);
    }

    /** These names as topic.* settings (to hand to a child process or another command). */
    public Map<String, String> asSettings() {
        Map<String, String> m = new LinkedHashMap<>();
        put(m, TopicSettings.PAIRS, pairs);
        put(m, TopicSettings.DECISIONS, decisions);
        put(m, TopicSettings.MODELS, models);
        put(m, TopicSettings.DLQ, deadLetters);
        put(m, TopicSettings.LABELS, labeledPairs);
        put(m, TopicSettings.LABELS_DLQ, labelDeadLetters);
        put(m, TopicSettings.EVENTS, modelEvents);
        put(m, TopicSettings.LOCK, retrainerLock);
        return m;
    }

    private static void put(Map<String, String> m, ConfigField f, String v) {
        m.put(f.name(), v);
    }
}
