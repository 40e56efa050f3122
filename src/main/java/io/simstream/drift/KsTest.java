package io.simstream.drift;

import org.apache.commons.math3.stat.inference.KolmogorovSmirnovTest;

/**
 * Two-sample Kolmogorov-Smirnov test of a window's scores against the reference's. The statistic
 * is computed here by one merge of two sorted arrays (the reference is sorted once, at capture), so
 * a window costs O(n + m) after sorting its own n scores; the p-value is Commons Math's asymptotic
 * Kolmogorov distribution at d * sqrt(nm / (n + m)), accurate for the window sizes used (n >= 20,
 * m in the hundreds or thousands) and slightly conservative for small n.
 */
public final class KsTest {
    /** Stateless for approximateP; its constructor seeds a generator we do not want per window. */
    private static final KolmogorovSmirnovTest COMMONS = new KolmogorovSmirnovTest();

    private KsTest() {
    }

    /**
     * sup |F_a - F_b| over all values, ties handled (both empirical CDFs step past equal values
     * together). Both arrays ascending.
     */
    public static double statistic(float[] a, int n, float[] b, int m) {
        if (n <= 0 || m <= 0) {
            throw new IllegalArgumentException("KS needs two non-empty samples (" + n + ", " + m + ")");
        }
        int i = 0;
        int j = 0;
        double d = 0;
        while (i < n && j < m) {
            float x = Math.min(a[i], b[j]);
            while (i < n && a[i] == x) {
                i++;
            }
            while (j < m && b[j] == x) {
                j++;
            }
            d = Math.max(d, Math.abs((double) i / n - (double) j / m));
        }
        return d;
    }

    public static double statistic(float[] a, float[] b) {
        return statistic(a, a.length, b, b.length);
    }

    /** P(D >= d) under "same distribution", asymptotic (Kolmogorov) form. */
    public static double pValue(double d, int n, int m) {
        if (d <= 0) {
            return 1.0;
        }
        double p = COMMONS.approximateP(d, n, m);
        return Math.min(1.0, Math.max(0.0, p));
    }
}
