package io.simstream.retraining;

import io.simstream.avro.LabeledPair;
import io.simstream.avro.VectorPair;
import io.simstream.data.PairDataset;
import io.simstream.data.Vectors;
import io.simstream.deadletter.PairValidator;
import java.util.List;

/** Turns labeled-pair events into a data set for training and evaluation. */
public final class LabeledPairs {
    private LabeledPairs() {
    }

    /** Checks a labeled pair exactly as the scoring service checks a pair; null when it can be used. */
    public static PairValidator.Violation check(LabeledPair p, int inputDim) {
        return PairValidator.check(VectorPair.newBuilder().setId(p.getId()).setLeft(p.getLeft())
                .setRight(p.getRight()).setEventTime(p.getLabeledAt()).build(), inputDim);
    }

    public static PairDataset toDataset(List<LabeledPair> pairs, String source) {
        if (pairs.isEmpty()) {
            throw new IllegalArgumentException("no labeled pairs");
        }
        int dim = pairs.get(0).getLeft().size();
        float[][] left = new float[pairs.size()][];
        float[][] right = new float[pairs.size()][];
        int[] labels = new int[pairs.size()];
        for (int i = 0; i < pairs.size(); i++) {
            LabeledPair p = pairs.get(i);
            left[i] = Vectors.toArray(p.getLeft());
            right[i] = Vectors.toArray(p.getRight());
            labels[i] = p.getSame() ? 1 : 0;
        }
        return new PairDataset(left, right, labels, dim, source);
    }

}
