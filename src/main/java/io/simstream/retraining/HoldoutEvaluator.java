package io.simstream.retraining;

import io.simstream.data.PairDataset;
import io.simstream.evaluation.PairScoring;
import io.simstream.evaluation.ScoredPairs;
import io.simstream.model.ModelArtifact;
import io.simstream.model.PairScorers;

/** Scores a model on the holdout with the same kernel the service uses, and reads off the gate metric. */
final class HoldoutEvaluator {
    private HoldoutEvaluator() {
    }

    static double evaluate(ModelArtifact model, PairDataset holdout, GateMetric metric) {
        ScoredPairs scored = PairScoring.score(PairScorers.fastest(model), holdout);
        return switch (metric) {
            case AUC -> scored.auc();
            case ACCURACY -> scored.confusionAt(model.threshold()).accuracy();
            case F1 -> scored.confusionAt(model.threshold()).f1();
        };
    }
}
