package io.simstream.evaluation;

import io.simstream.UserInputException;
import io.simstream.data.PairDataset;
import io.simstream.model.PairScorer;

/** Runs a scorer over a labeled data set (plain Java, no ND4J: the service and retrainer use it too). */
public final class PairScoring {
    private PairScoring() {
    }

    public static ScoredPairs score(PairScorer scorer, PairDataset data) {
        if (data.dim() != scorer.model().inputDim()) {
            throw new UserInputException(data.source() + ": pairs have dimension " + data.dim()
                    + " but the model expects " + scorer.model().inputDim());
        }
        float[] scores = new float[data.size()];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = scorer.score(data.left()[i], data.right()[i]);
        }
        return new ScoredPairs(scores, data.labels(), scorer.model().head());
    }
}
