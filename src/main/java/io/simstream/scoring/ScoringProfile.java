package io.simstream.scoring;

import io.simstream.config.ScoringConfig;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Presets of the Kafka Streams and client settings that decide end-to-end latency, chosen with
 * `serve --profile` (setting {@code profile}). Measured with `bench e2e`, the cost at 5k pairs/s is
 * Streams' producer batching and, under exactly-once, the commit interval (decisions become
 * visible to read_committed readers only when the transaction commits), not scoring. Explicit
 * kafka.* settings and an explicit {@code commit.interval.ms} win over the profile.
 */
public enum ScoringProfile {
    /** Streams' batching defaults: the most pairs per core. */
    THROUGHPUT(100, Map.of(
            ProducerConfig.LINGER_MS_CONFIG, "100",
            ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(256 * 1024),
            ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "1000")),
    /** Send at once and commit often: milliseconds instead of a batching window per hop. */
    LATENCY(20, Map.of(
            ProducerConfig.LINGER_MS_CONFIG, "0",
            ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(32 * 1024),
            ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "200",
            ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "10",
            StreamsConfig.POLL_MS_CONFIG, "10"));

    private final long exactlyOnceCommitIntervalMs;
    private final Map<String, String> clientSettings;

    ScoringProfile(long exactlyOnceCommitIntervalMs, Map<String, String> clientSettings) {
        this.exactlyOnceCommitIntervalMs = exactlyOnceCommitIntervalMs;
        this.clientSettings = clientSettings;
    }

    public static ScoringProfile of(ScoringConfig config) {
        return valueOf(config.get(ScoringConfig.PROFILE).toUpperCase(Locale.ROOT));
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * commit.interval.ms: an explicitly configured value wins; otherwise the profile's. Under
     * at-least-once the interval does not delay output (it only bounds re-processing after a crash),
     * so both profiles keep the configured default there.
     */
    public long commitIntervalMs(ScoringConfig config) {
        String configured = config.get(ScoringConfig.COMMIT_INTERVAL);
        boolean explicit = !configured.equals(ScoringConfig.COMMIT_INTERVAL.defaultValue());
        if (explicit || config.guarantee() != ScoringConfig.Guarantee.EXACTLY_ONCE_V2) {
            return Long.parseLong(configured);
        }
        return exactlyOnceCommitIntervalMs;
    }

    /** The client settings of the profile, for Streams' producer, consumers and itself. */
    public Map<String, String> clientSettings() {
        return new LinkedHashMap<>(clientSettings);
    }
}
