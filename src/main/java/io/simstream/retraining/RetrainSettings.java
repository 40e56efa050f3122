package io.simstream.retraining;

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
}
