package io.simstream.retraining;

import io.simstream.config.RetrainConfig;
import io.simstream.config.ScoringConfig;
import io.simstream.config.DeclaredConfig;
import java.time.Duration;

/**
 * What shapes the retrainer's behaviour (resolved from {@code RetrainConfig}).
 *
 * @param windowSize      labeled pairs kept for training (the newest)
 * @param everyLabels     retrain after this many new labels ...
 * @param everyInterval   ... or after this long, whichever comes first
 * @param minLabels       never retrain with fewer labels in the window
 * @param holdoutFraction newest share of the window kept out of training, for the gate
 * @param tolerance       how much worse than the champion the challenger may be and still ship
 * @param minimum         the least holdout metric a challenger needs at all
 * @param labelDelay      how long after a decision its label may arrive and still count online
 */
public record RetrainSettings(String applicationId, String modelName, int windowSize, int everyLabels,
                              Duration everyInterval, int minLabels, double holdoutFraction,
                              GateMetric metric, double tolerance, double minimum, Duration labelDelay, Duration sessionTimeout,
                              String stateDir, long commitIntervalMs) {
    /** The retrainer's typed settings read from its resolved config. */
    public static RetrainSettings from(RetrainConfig retrain) {
        DeclaredConfig config = retrain.values();
        return new RetrainSettings(config.get(RetrainConfig.APPLICATION_ID), config.get(ScoringConfig.MODEL_NAME),
                config.getInt(RetrainConfig.WINDOW_SIZE), config.getInt(RetrainConfig.EVERY_LABELS),
                Duration.ofMillis(config.getLong(RetrainConfig.EVERY_MS)), config.getInt(RetrainConfig.MIN_LABELS),
                config.getDouble(RetrainConfig.HOLDOUT), GateMetric.parse(config.get(RetrainConfig.GATE_METRIC)),
                config.getDouble(RetrainConfig.GATE_TOLERANCE), config.getDouble(RetrainConfig.GATE_MINIMUM),
                Duration.ofMillis(config.getLong(RetrainConfig.LABEL_DELAY)),
                Duration.ofMillis(config.getLong(RetrainConfig.SESSION_TIMEOUT)),
                config.get(ScoringConfig.STATE_DIR), config.getLong(ScoringConfig.COMMIT_INTERVAL));
    }
}
