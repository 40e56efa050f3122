package io.simstream.evaluation;

import java.util.Arrays;
import java.util.Locale;

/**
 * Picks the decision threshold on validation scores. Candidates are the midpoints between
 * consecutive distinct scores (plus one beyond each end), so the chosen threshold separates the
 * validation pairs exactly as counted. The threshold returned is the middle of the range of
 * candidates whose objective is within one standard error of the best. O(n^2), fine for
 * validation sizes.
 */
public final class ThresholdCalibrator {
    public enum Objective {
        ACCURACY, F1;

        public static Objective parse(String text) {
            try {
                return valueOf(text.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown calibration objective '" + text + "' (expected accuracy or f1)");
            }
        }
    }

    private ThresholdCalibrator() {
    }

    public static float calibrate(ScoredPairs pairs, Objective objective) {
        float[] sorted = pairs.scores().clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        if (n == 0) {
            throw new IllegalArgumentException("no pairs to calibrate on");
        }
        float[] candidates = new float[n + 1];
        candidates[0] = sorted[0] - 1e-3f;
        candidates[n] = sorted[n - 1] + 1e-3f;
        for (int i = 1; i < n; i++) {
            candidates[i] = sorted[i - 1] + (sorted[i] - sorted[i - 1]) / 2;
        }
        double[] value = new double[n + 1];
        double best = Double.NEGATIVE_INFINITY;
        for (int i = 0; i <= n; i++) {
            ConfusionMatrix cm = pairs.confusionAt(candidates[i]);
            value[i] = objective == Objective.F1 ? cm.f1() : cm.accuracy();
            best = Math.max(best, value[i]);
        }
        // Every threshold within one standard error of the best is as good as the best on this
        // sample; take the middle of that range. It keeps the widest margin to both classes,
        // which matters when validation is optimistic (pairs sharing vectors with training sit
        // closer to their class than fresh pairs will).
        double tolerance = Math.sqrt(Math.max(best * (1 - best), 0) / n);
        int lo = -1;
        int hi = -1;
        for (int i = 0; i <= n; i++) {
            if (value[i] >= best - tolerance) {
                hi = i;
                if (lo < 0) {
                    lo = i;
                }
            }
        }
        return candidates[lo] + (candidates[hi] - candidates[lo]) / 2;
    }
}
