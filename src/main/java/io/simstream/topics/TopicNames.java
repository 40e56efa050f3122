package io.simstream.topics;

import io.simstream.config.RetrainConfig;
import io.simstream.config.ScoringConfig;

/** The four topic names the scoring service uses; configurable so several deployments can share a cluster. */
public record TopicNames(String pairs, String decisions, String models, String deadLetters) {
    public static final TopicNames DEFAULT = new TopicNames(ScoringConfig.TOPIC_PAIRS.defaultValue(),
            ScoringConfig.TOPIC_DECISIONS.defaultValue(), ScoringConfig.TOPIC_MODELS.defaultValue(),
            ScoringConfig.TOPIC_DLQ.defaultValue());

    /** The names a scoring service is configured with. */
    public static TopicNames of(ScoringConfig config) {
        return new TopicNames(config.get(ScoringConfig.TOPIC_PAIRS), config.get(ScoringConfig.TOPIC_DECISIONS),
                config.get(ScoringConfig.TOPIC_MODELS), config.get(ScoringConfig.TOPIC_DLQ));
    }

    /** The scoring topics the retrainer reads or writes (decisions and models are configurable there). */
    public static TopicNames of(RetrainConfig config) {
        return new TopicNames(DEFAULT.pairs(), config.values().get(ScoringConfig.TOPIC_DECISIONS),
                config.values().get(ScoringConfig.TOPIC_MODELS), DEFAULT.deadLetters());
    }

    /** Same names with a prefix, for tests and benchmarks that share one broker. */
    public TopicNames withPrefix(String prefix) {
        return new TopicNames(prefix + pairs, prefix + decisions, prefix + models, prefix + deadLetters);
    }
}
