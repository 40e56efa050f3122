package io.simstream.retraining;

import io.simstream.avro.LabeledPair;
import io.simstream.data.PairDataset;
import java.util.List;

/** Turns labeled-pair events into a data set for training and evaluation. */
public final class LabeledPairs {
    private LabeledPairs() {
    }

    /** Why this record cannot be trained on, or null when it can (dims must equal {@code dim}). */
    public static String invalidReason(LabeledPair p, int dim) {
        if (p.getLeft() == null || p.getRight() == null || p.getLeft().isEmpty() || p.getRight().isEmpty()) {
            return "MISSING_SIDE: left or right vector is empty";
        }
        if (p.getLeft().size() != p.getRight().size()) {
            return "DIMENSION_MISMATCH: left has " + p.getLeft().size() + " values, right " + p.getRight().size();
        }
        if (dim > 0 && p.getLeft().size() != dim) {
            return "DIMENSION_MISMATCH: pair has dimension " + p.getLeft().size() + ", the model expects " + dim;
        }
        if (!allFinite(p.getLeft()) || !allFinite(p.getRight())) {
            return "NON_FINITE: a vector holds NaN or Infinity";
        }
        return null;
    }

    private static boolean allFinite(List<Float> values) {
        for (Float v : values) {
            if (v == null || !Float.isFinite(v)) {
                return false;
            }
        }
        return true;
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
            left[i] = toArray(p.getLeft());
            right[i] = toArray(p.getRight());
            labels[i] = p.getSame() ? 1 : 0;
        }
        return new PairDataset(left, right, labels, dim, source);
    }

    static float[] toArray(List<Float> values) {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }
}
