package io.simstream.drift;

import java.util.Arrays;

/**
 * Population stability index of a window's scores over bins cut at the reference's deciles:
 * sum over bins of (w - r) ln(w / r), w and r the window's and the reference's shares. The usual
 * reading: below 0.1 no shift, 0.1 to 0.25 moderate, above 0.25 major. Counts get 0.5 added per bin
 * before the shares are taken, so an empty bin gives a finite value instead of infinity.
 *
 * <p>It is used as the score test's effect size: with n window scores and B bins, noise alone gives
 * about (B - 1)(1/n + 1/m) (0.05 at n = 200, m = 2,000), far below the 0.25 floor.
 */
public final class Psi {
    public static final int BINS = 10;
    private static final double PSEUDO_COUNT = 0.5;

    private final float[] upperEdges;
    private final long[] referenceCounts;

    /** Bins from the reference scores (ascending). Equal deciles (ties) give fewer, wider bins. */
    public Psi(float[] referenceSorted) {
        float[] edges = new float[BINS - 1];
        int k = 0;
        for (int b = 1; b < BINS; b++) {
            int rank = (int) Math.floor((double) b * referenceSorted.length / BINS);
            float q = referenceSorted[Math.min(referenceSorted.length - 1, rank)];
            if (k == 0 || q > edges[k - 1]) {
                edges[k++] = q;
            }
        }
        this.upperEdges = Arrays.copyOf(edges, k);
        this.referenceCounts = counts(referenceSorted, referenceSorted.length);
    }

    public int bins() {
        return upperEdges.length + 1;
    }

    /** Bin i holds values below edge i and at or above edge i - 1. */
    public long[] counts(float[] values, int n) {
        long[] c = new long[upperEdges.length + 1];
        for (int i = 0; i < n; i++) {
            c[bin(values[i])]++;
        }
        return c;
    }

    private int bin(float v) {
        int pos = Arrays.binarySearch(upperEdges, v);
        // An exact edge value belongs to the bin above it; otherwise the insertion point is the bin.
        return pos >= 0 ? pos + 1 : -pos - 1;
    }

    public double of(float[] window, int n) {
        return psi(referenceCounts, counts(window, n));
    }

    /** PSI of two count vectors over the same bins, each bin's count plus 0.5. */
    public static double psi(long[] expected, long[] actual) {
        if (expected.length != actual.length) {
            throw new IllegalArgumentException("bin counts differ in length");
        }
        double te = 0;
        double ta = 0;
        for (int i = 0; i < expected.length; i++) {
            te += expected[i] + PSEUDO_COUNT;
            ta += actual[i] + PSEUDO_COUNT;
        }
        double sum = 0;
        for (int i = 0; i < expected.length; i++) {
            double e = (expected[i] + PSEUDO_COUNT) / te;
            double a = (actual[i] + PSEUDO_COUNT) / ta;
            sum += (a - e) * Math.log(a / e);
        }
        return sum;
    }
}
