package io.simstream.evaluation;

import io.simstream.model.Head;

/**
 * A model's raw scores on labeled pairs, with the head that says how to read them (a distance:
 * low = same; a probability: high = same).
 */
public record ScoredPairs(float[] scores, int[] labels, Head head) {
    public ScoredPairs {
        if (scores.length != labels.length) {
            throw new IllegalArgumentException("scores and labels differ in length");
        }
    }

    public int size() {
        return scores.length;
    }

    public ConfusionMatrix confusionAt(float threshold) {
        long tp = 0, fp = 0, tn = 0, fn = 0;
        for (int i = 0; i < scores.length; i++) {
            boolean same = head.isSame(scores[i], threshold);
            if (same) {
                if (labels[i] == 1) tp++; else fp++;
            } else {
                if (labels[i] == 1) fn++; else tn++;
            }
        }
        return new ConfusionMatrix(tp, fp, tn, fn);
    }

    public double auc() {
        return RocAuc.of(similarities(), labels);
    }

    /** Scores turned so that larger = more alike, whatever the head. */
    public double[] similarities() {
        double[] s = new double[scores.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = head.similarity(scores[i]);
        }
        return s;
    }

    /** The head's training loss on these pairs (contrastive with the margin, or binary cross-entropy). */
    public double loss(float margin) {
        double sum = 0;
        for (int i = 0; i < scores.length; i++) {
            sum += PairLoss.of(head, scores[i], labels[i], margin);
        }
        return scores.length == 0 ? Double.NaN : sum / scores.length;
    }
}
