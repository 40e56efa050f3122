package io.simstream.retraining;

import io.simstream.data.PairDataset;
import io.simstream.model.ModelArtifact;

/**
 * Trains a challenger on the training part of the window (it does its own validation split and
 * threshold calibration inside that part; the holdout never reaches it).
 */
@FunctionalInterface
public interface ChallengerTrainer {
    /**
     * @param champion the serving model, or null; a warm-starting trainer begins from its weights
     */
    ModelArtifact train(PairDataset trainingPart, ModelArtifact champion);
}
