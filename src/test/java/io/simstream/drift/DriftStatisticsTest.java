package io.simstream.drift;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.apache.commons.math3.stat.inference.KolmogorovSmirnovTest;
import org.junit.jupiter.api.Test;

/**
 * The window statistics against known values (the Kolmogorov distribution's tabled quantiles,
 * values computed with scipy/numpy as noted) and against Commons Math, and the p-values'
 * calibration under "no drift".
 */
class DriftStatisticsTest {
    @Test
    void ksStatisticCountsTiesOnceAndMatchesAHandComputedValue() {
        float[] x = {0.1f, 0.2f, 0.2f, 0.5f, 0.9f};
        float[] y = {0.2f, 0.3f, 0.4f, 0.6f, 0.7f, 0.8f, 1.0f};
        // At 0.2 (in both samples): F_x = 3/5, F_y = 1/7, D = 16/35; scipy.stats.ks_2samp(x, y).statistic agrees.
        assertEquals(16.0 / 35, KsTest.statistic(x, y), 1e-12);
        assertEquals(16.0 / 35, KsTest.statistic(y, x), 1e-12);
        assertEquals(0.0, KsTest.statistic(x, x), 0.0);
        float[] low = {1, 2, 3};
        float[] high = {4, 5};
        assertEquals(1.0, KsTest.statistic(low, high), 0.0, "disjoint samples");
    }

    @Test
    void ksStatisticEqualsCommonsMathOnRandomSamplesWithAndWithoutTies() {
        Random rnd = new Random(5);
        KolmogorovSmirnovTest commons = new KolmogorovSmirnovTest();
        for (int trial = 0; trial < 200; trial++) {
            int n = 5 + rnd.nextInt(300);
            int m = 5 + rnd.nextInt(300);
            boolean ties = trial % 2 == 0;
            float[] a = sample(rnd, n, 0, ties);
            float[] b = sample(rnd, m, rnd.nextDouble() * 0.5, ties);
            double expected = commons.kolmogorovSmirnovStatistic(toDouble(a), toDouble(b));
            Arrays.sort(a);
            Arrays.sort(b);
            assertEquals(expected, KsTest.statistic(a, b), 1e-12, "trial " + trial);
        }
    }

    @Test
    void ksPValueIsTheKolmogorovDistributionsTail() {
        // Tabled quantiles of the Kolmogorov distribution: P(K > 1.2239) = 0.10, P(K > 1.3581) = 0.05,
        // P(K > 1.6276) = 0.01 (scipy.stats.kstwobign.sf). With n = m the scale is sqrt(n / 2).
        int n = 5_000;
        double scale = Math.sqrt(n / 2.0);
        assertEquals(0.10, KsTest.pValue(1.2239 / scale, n, n), 1e-4);
        assertEquals(0.05, KsTest.pValue(1.3581 / scale, n, n), 1e-4);
        assertEquals(0.01, KsTest.pValue(1.6276 / scale, n, n), 1e-4);
        // A detector-sized case: D = 0.15, window 200, reference 2,000: kstwobign.sf(2.0226) = 5.594e-4.
        assertEquals(5.594e-4, KsTest.pValue(0.15, 200, 2_000), 2e-6);
        assertEquals(1.0, KsTest.pValue(0.0, 200, 2_000), 0.0);
    }

    @Test
    void ksPValueHoldsItsLevelUnderNoDrift() {
        Random rnd = new Random(11);
        float[] ref = sample(rnd, 2_000, 0, false);
        Arrays.sort(ref);
        int trials = 4_000;
        int below01 = 0;
        for (int t = 0; t < trials; t++) {
            // A fresh reference every 100 windows: the level is over references too.
            if (t % 100 == 0) {
                ref = sample(rnd, 2_000, 0, false);
                Arrays.sort(ref);
            }
            float[] w = sample(rnd, 200, 0, false);
            Arrays.sort(w);
            below01 += KsTest.pValue(KsTest.statistic(w, ref), 200, 2_000) < 0.01 ? 1 : 0;
        }
        double rate = (double) below01 / trials;
        // The asymptotic p-value is slightly conservative at n = 200: at most the level, not far below it.
        assertTrue(rate <= 0.015 && rate >= 0.002, "rate of p < 0.01 under no drift: " + rate);
    }

    @Test
    void psiMatchesNumpyOnKnownCounts() {
        // numpy: e = [25,25,25,25] + 0.5, a = [10,20,30,40] + 0.5, both normalized, sum((a - e) * log(a / e))
        assertEquals(0.21799421315274758, Psi.psi(new long[] {25, 25, 25, 25}, new long[] {10, 20, 30, 40}), 1e-12);
        // Every window score in the top decile: 5.26299 (bins with no score count 0.5, not 0).
        long[] ref = new long[10];
        Arrays.fill(ref, 100);
        long[] top = new long[10];
        top[9] = 200;
        assertEquals(5.262990521537475, Psi.psi(ref, top), 1e-12);
        assertEquals(0.0, Psi.psi(ref, ref), 1e-15);
    }

    @Test
    void psiBinsAreTheReferenceDecilesAndTiesMergeBins() {
        float[] ref = new float[1_000];
        for (int i = 0; i < ref.length; i++) {
            ref[i] = i;
        }
        Psi psi = new Psi(ref);
        assertEquals(10, psi.bins());
        assertEquals(0.0, psi.of(ref, ref.length), 1e-15, "the reference against itself");
        long[] c = psi.counts(new float[] {0f, 99.5f, 100f, 999f, -5f, 5_000f}, 6);
        assertEquals(3, c[0], "below the first decile (100), including values below the reference");
        assertEquals(1, c[1], "an edge value belongs to the bin above");
        assertEquals(2, c[9], "the top decile, including values above the reference");

        float[] tied = new float[1_000];
        Arrays.fill(tied, 0, 700, 1f);
        for (int i = 700; i < tied.length; i++) {
            tied[i] = i;
        }
        Psi fewer = new Psi(tied);
        assertTrue(fewer.bins() < 10, "70% equal scores collapse the lower deciles into one bin: " + fewer.bins());
        assertEquals(0.0, fewer.of(tied, tied.length), 1e-15);
    }

    @Test
    void psiOfWindowsFromTheReferenceDistributionIsNoiseOfTheExpectedSize() {
        Random rnd = new Random(3);
        float[] ref = sample(rnd, 2_000, 0, false);
        Arrays.sort(ref);
        Psi psi = new Psi(ref);
        double sum = 0;
        int trials = 2_000;
        for (int t = 0; t < trials; t++) {
            sum += psi.of(sample(rnd, 200, 0, false), 200);
        }
        // Under no drift PSI ~ chi2(B - 1) (1/n + 1/m): mean 9 * 0.0055 = 0.0495, far below the 0.25 floor.
        double mean = sum / trials;
        assertTrue(mean > 0.04 && mean < 0.06, "mean PSI of same-distribution windows " + mean);
    }

    @Test
    void inputCentreTestWithIdentityCovarianceIsTheChiSquareTest() {
        // tr S = tr S^2 = d for S = I: Box's approximation is exact, Q / f ~ chi2(d).
        int d = 50;
        DriftReference.Inputs ref = new DriftReference.Inputs(new float[d], d, d, 2.0 * d, 1.0);
        InputShift test = new InputShift(ref, 1_000_000_000);
        int n = 200;
        double f = 1.0 / n + 1e-9;
        // A window whose mean is (a, 0, ..., 0) with a^2 / f = 70: scipy.stats.chi2.sf(70, 50) = 0.032374.
        double a = Math.sqrt(70 * f);
        double[] sumU = new double[d];
        sumU[0] = a * n;
        InputShift.Result r = test.test(sumU, 2.0 * d * n, n);
        assertEquals(0.03237410977353588, r.centreP(), 1e-6);
        assertEquals(a / Math.sqrt(d), r.centreShift(), 1e-12, "|mean shift| / sqrt(tr S)");
        assertEquals(0.0, r.energyShift(), 1e-12);
        assertEquals(1.0, r.energyP(), 1e-12);
    }

    @Test
    void inputTestsHoldTheirLevelForCorrelatedLowRankInputs() {
        // Pair vectors living mostly in 3 of 40 dimensions (like embeddings): nu = tr(S)^2 / tr(S^2) is
        // about 3, not 40, and a chi2(40) would be far off. Reference and windows from the same law.
        Random rnd = new Random(17);
        int d = 40;
        double[][] basis = new double[3][d];
        for (double[] b : basis) {
            for (int j = 0; j < d; j++) {
                b[j] = rnd.nextGaussian();
            }
        }
        int trials = 3_000;
        int centreBelow = 0;
        int energyBelow = 0;
        DriftReference.Inputs ref = null;
        for (int t = 0; t < trials; t++) {
            if (t % 100 == 0) {
                ref = DriftReferences.inputs(io.simstream.model.Normalizer.identity(d),
                        LowRank.pairs(rnd, basis, 2_000));
            }
            var window = LowRank.pairs(rnd, basis, 200);
            double[] sumU = new double[d];
            double sumE = 0;
            for (int i = 0; i < 200; i++) {
                for (int j = 0; j < d; j++) {
                    float l = window.left()[i][j];
                    float r = window.right()[i][j];
                    sumU[j] += 0.5 * ((double) l + r);
                    sumE += (double) l * l + (double) r * r;
                }
            }
            InputShift.Result res = new InputShift(ref, 2_000).test(sumU, sumE, 200);
            centreBelow += res.centreP() < 0.01 ? 1 : 0;
            energyBelow += res.energyP() < 0.01 ? 1 : 0;
        }
        double centreRate = (double) centreBelow / trials;
        double energyRate = (double) energyBelow / trials;
        assertTrue(centreRate < 0.02, "centre test: rate of p < 0.01 under no drift " + centreRate);
        assertTrue(energyRate < 0.02, "energy test: rate of p < 0.01 under no drift " + energyRate);
        assertTrue(centreRate > 0.002, "not so conservative that it sees nothing: " + centreRate);
    }

    /** Gaussian pairs in a 3-d subspace plus a little isotropic noise; left and right correlated. */
    static final class LowRank {
        static io.simstream.data.PairDataset pairs(Random rnd, double[][] basis, int n) {
            int d = basis[0].length;
            float[][] l = new float[n][];
            float[][] r = new float[n][];
            for (int i = 0; i < n; i++) {
                double[] shared = {rnd.nextGaussian(), rnd.nextGaussian(), rnd.nextGaussian()};
                l[i] = side(rnd, basis, shared, d);
                r[i] = side(rnd, basis, shared, d);
            }
            return new io.simstream.data.PairDataset(l, r, new int[n], d, "low-rank");
        }

        private static float[] side(Random rnd, double[][] basis, double[] shared, int d) {
            float[] v = new float[d];
            for (int k = 0; k < basis.length; k++) {
                double z = 0.7 * shared[k] + 0.7 * rnd.nextGaussian();
                for (int j = 0; j < d; j++) {
                    v[j] += (float) (z * basis[k][j]);
                }
            }
            for (int j = 0; j < d; j++) {
                v[j] += (float) (0.05 * rnd.nextGaussian());
            }
            return v;
        }
    }

    private static float[] sample(Random rnd, int n, double shift, boolean ties) {
        float[] s = new float[n];
        for (int i = 0; i < n; i++) {
            double v = rnd.nextGaussian() + shift;
            s[i] = ties ? Math.round(v * 4) / 4f : (float) v;
        }
        return s;
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }
}
