package io.simstream.training;

import io.simstream.data.PairDataset;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;

/**
 * The training file cut into a fitting part and a validation part, and how much the two share:
 * the same vector can occur in several pairs, so a validation pair whose vectors the model saw
 * in training makes validation optimistic.
 */
public record ValidationSplit(PairDataset train, PairDataset validation, double sharedVectorShare) {

    public static ValidationSplit of(PairDataset all, TrainingConfig cfg) {
        int n = all.size();
        int nVal = (int) Math.round(n * cfg.validationFraction());
        if (nVal < 1 || nVal >= n) {
            throw new io.simstream.UserInputException(all.source() + ": " + n + " rows are too few to hold out a "
                    + cfg.validationFraction() + " validation fraction (need at least one row on each side)");
        }
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        if (cfg.split() == TrainingConfig.Split.RANDOM) {
            Random r = new Random(cfg.seed());
            for (int i = n - 1; i > 0; i--) {
                int j = r.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
        }
        // Row order: the first rows train, the last validate (the user's "first 991 rows" split).
        PairDataset train = all.select(Arrays.copyOfRange(order, 0, n - nVal), all.source() + " [train part]");
        PairDataset val = all.select(Arrays.copyOfRange(order, n - nVal, n), all.source() + " [validation part]");
        return new ValidationSplit(train, val, sharedVectorShare(train, val));
    }

    /** Share of validation pairs with at least one side (left or right) identical to a vector seen in training. */
    public static double sharedVectorShare(PairDataset train, PairDataset val) {
        Set<VectorKey> seen = new HashSet<>();
        for (float[] v : train.allVectors()) {
            seen.add(new VectorKey(v));
        }
        int shared = 0;
        for (int i = 0; i < val.size(); i++) {
            if (seen.contains(new VectorKey(val.left()[i])) || seen.contains(new VectorKey(val.right()[i]))) {
                shared++;
            }
        }
        return val.size() == 0 ? 0 : (double) shared / val.size();
    }

    private record VectorKey(float[] v) {
        @Override
        public boolean equals(Object o) {
            return o instanceof VectorKey k && Arrays.equals(k.v, v);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(v);
        }
    }
}
