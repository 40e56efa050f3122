package io.simstream.training;

import io.simstream.training.TrainingConfig.Split;

/**
 * How a training file was cut into a training and a validation part.
 *
 * @param droppedPairs      pairs in neither part: a disjoint split drops the pairs that would join a
 *                          training vector to a validation vector (a refit still trains on them)
 * @param sharedVectorShare share of validation pairs with a side identical to a training vector:
 *                          the leakage that makes validation optimistic
 */
public record SplitReport(Split kind, int trainPairs, int validationPairs, int droppedPairs, double sharedVectorShare) {
}
