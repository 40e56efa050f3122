package io.simstream.topics;

/** The four topic names the scoring service uses; configurable so several deployments can share a cluster. */
public record TopicNames(String pairs, String decisions, String models, String deadLetters) {
    public static final TopicNames DEFAULT = new TopicNames("pairs", "decisions", "models", "pairs-dlq");

    /** Same names with a prefix, for tests and benchmarks that share one broker. */
    public TopicNames withPrefix(String prefix) {
        return new TopicNames(prefix + pairs, prefix + decisions, prefix + models, prefix + deadLetters);
    }
}
