package io.simstream.evaluation;

import java.util.Arrays;
import java.util.Comparator;

/** Area under the ROC curve as the Mann-Whitney statistic: P(random positive outranks random negative), ties count 1/2. */
public final class RocAuc {
    private RocAuc() {
    }

    /**
     * @param similarity larger = more alike (use {@link io.simstream.model.Head#similarity})
     * @param labels     1 = same, 0 = different
     * @return the AUC, or NaN when one class is absent (undefined)
     */
    public static double of(double[] similarity, int[] labels) {
        int n = similarity.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble(i -> similarity[i]));
        // Average ranks over tied groups, then the rank-sum of the positives.
        double positiveRankSum = 0;
        long positives = 0;
        int i = 0;
        while (i < n) {
            int j = i;
            while (j + 1 < n && similarity[order[j + 1]] == similarity[order[i]]) {
                j++;
            }
            double avgRank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                if (labels[order[k]] == 1) {
                    positiveRankSum += avgRank;
                    positives++;
                }
            }
            i = j + 1;
        }
        long negatives = n - positives;
        if (positives == 0 || negatives == 0) {
            return Double.NaN;
        }
        return (positiveRankSum - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
    }
}
