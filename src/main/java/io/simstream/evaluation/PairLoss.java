package io.simstream.evaluation;

import io.simstream.model.Head;

/** The per-pair training losses, computed from a head's output (used for validation and test loss). */
public final class PairLoss {
    /** Keeps log() finite for saturated probabilities, as Keras does. */
    static final double PROB_EPS = 1e-7;

    private PairLoss() {
    }

    public static double of(Head head, float score, int label, float margin) {
        if (head == Head.CONTRASTIVE) {
            double d = score;
            double hinge = Math.max(margin - d, 0);
            return label * d * d + (1 - label) * hinge * hinge;
        }
        double p = Math.min(Math.max(score, PROB_EPS), 1 - PROB_EPS);
        return -(label * Math.log(p) + (1 - label) * Math.log(1 - p));
    }
}
