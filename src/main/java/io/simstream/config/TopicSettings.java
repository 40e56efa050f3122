package io.simstream.config;

import java.util.List;

/**
 * Every topic name, declared once and read by every command that touches a topic (serve, retrain,
 * publish, produce, models, dlq, score, bench e2e): a settings file shared by several commands means
 * the same topics for all of them. The two derived names (models-history, decisions-shadow) follow
 * their base topic, so a renamed or prefixed deployment gets its own.
 */
public final class TopicSettings {
    private static final String LEGAL = "[A-Za-z0-9._-]{1,200}";

    public static final ConfigField PAIRS = name("topic.pairs", "pairs", "Input topic of VectorPair records.");
    public static final ConfigField DECISIONS = name("topic.decisions", "decisions",
            "Output topic of PairDecision records; shadow decisions go to <this>-shadow.");
    public static final ConfigField MODELS = name("topic.models", "models",
            "Compacted topic of ModelRecord records, keyed by model name; every version also goes to <this>-history.");
    public static final ConfigField DLQ = name("topic.dlq", "pairs-dlq", "Dead-letter topic of DeadLetter records.");
    public static final ConfigField LABELS = name("topic.labeled-pairs", "labeled-pairs",
            "Topic of LabeledPair records, keyed by pair id.");
    public static final ConfigField LABELS_DLQ = name("topic.labeled-pairs-dlq", "labeled-pairs-dlq",
            "Dead-letter topic for labeled pairs that cannot be used.");
    public static final ConfigField EVENTS = name("topic.model-events", "model-events",
            "Topic of ModelEvent records (gate decisions, rollout steps, online quality, drift).");
    public static final ConfigField LOCK = name("topic.retrainer-lock", "retrainer-lock",
            "Single-partition topic whose owner is the active retrainer.");
    public static final ConfigField PAIR_PARTITIONS = ConfigField.integer("topic.pairs.partitions", 4, 1, 10_000,
            "Partitions of pairs, decisions and shadow decisions when a command creates them.");
    public static final ConfigField LABEL_PARTITIONS = ConfigField.integer("topic.labeled-pairs.partitions", 4, 1,
            10_000, "Partitions of labeled-pairs when created; must equal the decisions topic's (the online-quality"
                    + " join is co-partitioned).");

    public static final List<ConfigField> FIELDS = List.of(PAIRS, DECISIONS, MODELS, DLQ, LABELS, LABELS_DLQ, EVENTS,
            LOCK, PAIR_PARTITIONS, LABEL_PARTITIONS);

    /** The topic-name fields alone (what --topic-prefix prefixes). */
    public static final List<ConfigField> NAMES = List.of(PAIRS, DECISIONS, MODELS, DLQ, LABELS, LABELS_DLQ, EVENTS,
            LOCK);

    private TopicSettings() {
    }

    private static ConfigField name(String key, String def, String description) {
        return new ConfigField(key, ConfigField.Type.STRING, def,
                v -> v.matches(LEGAL) ? null : "must be a topic name: 1-200 characters of A-Z a-z 0-9 . _ -", description);
    }
}
