package io.simstream.evaluation;

/**
 * One epoch of training: losses, accuracies (at the fixed 0.5 threshold, as the user plots them),
 * validation AUC. The training figures are running means over the epoch's mini-batches, as the
 * forward pass of each computed them (dropout on), as Keras reports them.
 *
 * @param seconds    the whole epoch: fit and validation
 * @param fitSeconds the pass over the training mini-batches alone
 */
public record EpochRecord(int epoch, double trainLoss, double validationLoss, double trainAccuracy,
                          double validationAccuracy, double validationAuc, double seconds, double fitSeconds) {
}
