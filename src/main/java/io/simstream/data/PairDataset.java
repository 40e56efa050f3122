package io.simstream.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Labeled vector pairs: left[i] and right[i] are one pair, labels[i] is 1 when they are "the
 * same". {@code source} names where the rows came from (a file, "synthetic"), for messages.
 */
public record PairDataset(float[][] left, float[][] right, int[] labels, int dim, String source) {
    public PairDataset {
        Objects.requireNonNull(source, "source");
        if (left.length != right.length || left.length != labels.length) {
            throw new IllegalArgumentException("left, right and labels differ in length");
        }
    }

    public int size() {
        return labels.length;
    }

    public int positives() {
        int n = 0;
        for (int y : labels) {
            n += y;
        }
        return n;
    }

    /** The rows at the given indices, in that order (rows are shared, not copied). */
    public PairDataset select(int[] indices, String newSource) {
        float[][] l = new float[indices.length][];
        float[][] r = new float[indices.length][];
        int[] y = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            l[i] = left[indices[i]];
            r[i] = right[indices[i]];
            y[i] = labels[indices[i]];
        }
        return new PairDataset(l, r, y, dim, newSource);
    }

    /** Rows [from, to) in file order. */
    public PairDataset slice(int from, int to, String newSource) {
        int[] idx = new int[to - from];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = from + i;
        }
        return select(idx, newSource);
    }

    /** All vectors of both sides, for fitting statistics over the shared input space. */
    public List<float[]> allVectors() {
        List<float[]> all = new ArrayList<>(2 * size());
        for (int i = 0; i < size(); i++) {
            all.add(left[i]);
            all.add(right[i]);
        }
        return all;
    }
}
