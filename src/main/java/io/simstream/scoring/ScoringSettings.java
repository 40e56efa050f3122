package io.simstream.scoring;

import io.simstream.config.ScoringConfig;
import io.simstream.config.TopicSettings;
import io.simstream.drift.DriftSettings;
import io.simstream.lifecycle.ReferenceFetcher;
import java.time.Duration;

/**
 * The scoring service's settings, typed: read once from a resolved {@link ScoringConfig}, so the
 * service and its parts never look a setting up by name.
 */
public record ScoringSettings(String applicationId, String modelName, int inputDim, int pairPartitions,
                              boolean createTopics, int threads, String stateDir, long rocksDbMemoryBytes,
                              Duration drainInterval, int waitingMaxPairs, long waitingMaxBytes, int waitingDrainBatch,
                              int metricsPort, Duration registryWait, Duration shutdownTimeout,
                              Duration sessionTimeout, boolean leaveGroupOnShutdown, DriftSettings drift,
                              String trustMode, String trustKeys, ReferenceFetcher.Settings references) {
    public static ScoringSettings from(ScoringConfig c) {
        return new ScoringSettings(c.get(ScoringConfig.APPLICATION_ID), c.get(ScoringConfig.MODEL_NAME),
                c.getInt(ScoringConfig.INPUT_DIM), c.getInt(TopicSettings.PAIR_PARTITIONS),
                c.getBoolean(ScoringConfig.CREATE_TOPICS), c.getInt(ScoringConfig.THREADS),
                c.get(ScoringConfig.STATE_DIR), c.getLong(ScoringConfig.ROCKSDB_MEMORY),
                Duration.ofMillis(c.getLong(ScoringConfig.DRAIN_INTERVAL)), c.getInt(ScoringConfig.WAITING_MAX_PAIRS),
                c.getLong(ScoringConfig.WAITING_MAX_BYTES), c.getInt(ScoringConfig.WAITING_DRAIN_BATCH),
                c.getInt(ScoringConfig.METRICS_PORT), Duration.ofMillis(c.getLong(ScoringConfig.REGISTRY_WAIT)),
                Duration.ofMillis(c.getLong(ScoringConfig.SHUTDOWN_TIMEOUT)),
                Duration.ofMillis(c.getLong(ScoringConfig.SESSION_TIMEOUT)),
                c.getBoolean(ScoringConfig.LEAVE_GROUP_ON_SHUTDOWN),
                DriftSettings.from(c),
                c.get(ScoringConfig.TRUST_MODE), c.get(ScoringConfig.TRUST_KEYS),
                new ReferenceFetcher.Settings(Duration.ofMillis(c.getLong(ScoringConfig.REFERENCE_TIMEOUT)),
                        Duration.ofMillis(c.getLong(ScoringConfig.REFERENCE_RETRY)),
                        c.getLong(ScoringConfig.REFERENCE_MAX_BYTES)));
    }
}
