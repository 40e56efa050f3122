package io.simstream.drift;

import org.apache.commons.math3.special.Erf;
import org.apache.commons.math3.special.Gamma;

/**
 * The label-free covariate check: does a window of pairs sit where the reference pairs sat, in the
 * model's own scaled input space? Two tests, both of window means against reference means, so
 * their null distributions follow from the central limit theorem and need no labels:
 * <ul>
 * <li><b>centre</b>: Q = |mean(u) - mu|^2 for the pair vectors u = (left + right) / 2. Under "no
 * drift" the difference is about N(0, S (1/n + 1/N)) (S the covariance of u, n the window, N the
 * reference), and Q about c chi2(nu) with c = (1/n + 1/N) tr(S^2) / tr(S) and
 * nu = tr(S)^2 / tr(S^2) (Box 1954: matches the mean and variance of the quadratic form, whatever
 * the correlation between dimensions). Effect: |mean(u) - mu| / sqrt(tr S), how far the centre moved
 * in units of the pairs' RMS spread.</li>
 * <li><b>energy</b>: the mean of e = |left|^2 + |right|^2 against the reference mean, a z-test. It
 * sees a change of scale that leaves the centre in place. Effect: the relative change of the mean.</li>
 * </ul>
 */
public final class InputShift {
    /** Number of tests this check runs per window (for the Bonferroni share). */
    public static final int TESTS = 2;

    private final DriftReference.Inputs ref;
    private final int referencePairs;
    private final double boxDegrees;
    private final double boxScalePerF;

    /** The outcome for one window. */
    public record Result(double centreShift, double centreP, double energyShift, double energyP) {
    }

    public InputShift(DriftReference.Inputs ref, int referencePairs) {
        this.ref = ref;
        this.referencePairs = referencePairs;
        this.boxDegrees = ref.trace() * ref.trace() / ref.traceSquared();
        this.boxScalePerF = ref.traceSquared() / ref.trace();
    }

    /**
     * @param sumU      sum of u over the window's n pairs (scaled space)
     * @param sumEnergy sum of e over the window's n pairs
     */
    public Result test(double[] sumU, double sumEnergy, int n) {
        float[] mu = ref.mean();
        double q = 0;
        for (int j = 0; j < mu.length; j++) {
            double diff = sumU[j] / n - mu[j];
            q += diff * diff;
        }
        double f = 1.0 / n + 1.0 / referencePairs;
        double centreP = Gamma.regularizedGammaQ(boxDegrees / 2, q / (2 * f * boxScalePerF));
        double energy = sumEnergy / n;
        double diffE = energy - ref.energyMean();
        double energyP;
        if (ref.energySd() > 0) {
            double z = diffE / (ref.energySd() * Math.sqrt(f));
            energyP = Erf.erfc(Math.abs(z) / Math.sqrt(2));
        } else {
            energyP = diffE == 0 ? 1.0 : 0.0;
        }
        return new Result(Math.sqrt(q / ref.trace()), clamp(centreP), Math.abs(diffE) / ref.energyMean(), clamp(energyP));
    }

    private static double clamp(double p) {
        return Double.isNaN(p) ? 1.0 : Math.min(1.0, Math.max(0.0, p));
    }
}
