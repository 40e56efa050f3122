package io.simstream.retraining;

import io.simstream.config.DeclaredConfig;
import io.simstream.config.RetrainConfig;
import io.simstream.config.ScoringConfig;
import io.simstream.lifecycle.Rollout;
import java.time.Duration;
import java.util.Map;

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
 * @param publishAs       how a challenger that passed the gate goes out (shadow first, or full)
 * @param autoRollout     whether this retrainer drives the candidate's rollout
 * @param rollout         the bounds of each rollout step
 * @param driftMinLabels  post-drift labels a drift round waits for; 0 = no reaction to drift
 */
public record RetrainSettings(String applicationId, String modelName, int windowSize, int everyLabels,
                              Duration everyInterval, int minLabels, double holdoutFraction,
                              GateMetric metric, double tolerance, double minimum, Duration labelDelay, Duration sessionTimeout,
                              String stateDir, long commitIntervalMs, Rollout publishAs, boolean autoRollout,
                              RolloutPolicy.Settings rollout, int driftMinLabels) {
    /** The rollout bounds of the declared defaults. */
    public static final RolloutPolicy.Settings DEFAULT_ROLLOUT = rolloutOf(RetrainConfig.of(Map.of(
            "bootstrap.servers", "unused:1", "registry.url", "http://unused")).values());

    /** Without rollout or drift reaction: a challenger that passes the gate serves all pairs at once. */
    public RetrainSettings(String applicationId, String modelName, int windowSize, int everyLabels,
                           Duration everyInterval, int minLabels, double holdoutFraction, GateMetric metric,
                           double tolerance, double minimum, Duration labelDelay, Duration sessionTimeout,
                           String stateDir, long commitIntervalMs) {
        this(applicationId, modelName, windowSize, everyLabels, everyInterval, minLabels, holdoutFraction, metric,
                tolerance, minimum, labelDelay, sessionTimeout, stateDir, commitIntervalMs, Rollout.FULL, false,
                DEFAULT_ROLLOUT, 0);
    }

    /** The same settings with retrained models going out as shadows under this rollout policy. */
    public RetrainSettings withRollout(RolloutPolicy.Settings policy) {
        return new RetrainSettings(applicationId, modelName, windowSize, everyLabels, everyInterval, minLabels,
                holdoutFraction, metric, tolerance, minimum, labelDelay, sessionTimeout, stateDir, commitIntervalMs,
                Rollout.SHADOW, true, policy, driftMinLabels);
    }

    /** The same settings reacting to drift alarms with rounds on at least this many post-drift labels. */
    public RetrainSettings withDriftRounds(int minPostDriftLabels) {
        return new RetrainSettings(applicationId, modelName, windowSize, everyLabels, everyInterval, minLabels,
                holdoutFraction, metric, tolerance, minimum, labelDelay, sessionTimeout, stateDir, commitIntervalMs,
                publishAs, autoRollout, rollout, minPostDriftLabels);
    }

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
                config.get(ScoringConfig.STATE_DIR), config.getLong(ScoringConfig.COMMIT_INTERVAL),
                "full".equals(config.get(RetrainConfig.PUBLISH_STAGE)) ? Rollout.FULL : Rollout.SHADOW,
                config.getBoolean(RetrainConfig.ROLLOUT_AUTO), rolloutOf(config),
                config.getBoolean(RetrainConfig.DRIFT_RETRAIN) ? config.getInt(RetrainConfig.DRIFT_MIN_LABELS) : 0);
    }

    private static RolloutPolicy.Settings rolloutOf(DeclaredConfig c) {
        return new RolloutPolicy.Settings(c.getDouble(RetrainConfig.ROLLOUT_ALPHA),
                c.getDouble(RetrainConfig.ROLLOUT_MIN_EFFECT), c.getInt(RetrainConfig.ROLLOUT_SHADOW_MIN_LABELS),
                Duration.ofMillis(c.getLong(RetrainConfig.ROLLOUT_SHADOW_MAX)),
                c.getDouble(RetrainConfig.ROLLOUT_CANARY_PERCENT), c.getInt(RetrainConfig.ROLLOUT_CANARY_MIN_LABELS),
                Duration.ofMillis(c.getLong(RetrainConfig.ROLLOUT_CANARY_MAX)));
    }
}
