package io.simstream.retraining;

import com.fasterxml.jackson.databind.JsonNode;
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

    /** The settings it trains with, for the provenance of what it trains; null when it has none to tell. */
    default JsonNode settings() {
        return null;
    }
}
