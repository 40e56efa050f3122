package io.simstream.metrics;

/** One epoch of training: losses, accuracies (at the fixed 0.5 threshold, as the user plots them), validation AUC. */
public record EpochRecord(int epoch, double trainLoss, double validationLoss, double trainAccuracy,
                          double validationAccuracy, double validationAuc, double seconds) {
}
