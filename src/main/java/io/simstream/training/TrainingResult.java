package io.simstream.training;

import io.simstream.metrics.EpochRecord;
import io.simstream.metrics.EvaluationReport;
import io.simstream.metrics.ScoredPairs;
import io.simstream.model.ModelArtifact;
import java.util.List;

/**
 * What a training run produced: the exported model (best epoch's weights, calibrated threshold),
 * the per-epoch history, and the validation evaluation that chose the threshold.
 */
public record TrainingResult(ModelArtifact artifact, List<EpochRecord> history, int bestEpoch, boolean stoppedEarly,
                             double trainingSeconds, int trainPairs, EvaluationReport validation,
                             ScoredPairs validationScores, double sharedVectorShare) {
    public int epochsRun() {
        return history.size();
    }
}
