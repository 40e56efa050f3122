package io.simstream.diagnose;

import java.util.Arrays;
import java.util.List;

/**
 * The variance spectrum of a set of vectors: eigenvalues of their covariance, by cyclic Jacobi
 * rotations (exact for symmetric matrices, plain Java, fine for a few hundred dimensions).
 */
final class Spectrum {
    private static final int MAX_SWEEPS = 60;
    private static final double OFF_DIAGONAL_TOLERANCE = 1e-14;

    private Spectrum() {
    }

    /** Eigenvalues of the covariance of {@code vectors} (centred on their mean), largest first. */
    static double[] eigenvalues(List<float[]> vectors, int d) {
        double[] mean = new double[d];
        for (float[] v : vectors) {
            for (int i = 0; i < d; i++) {
                mean[i] += v[i];
            }
        }
        for (int i = 0; i < d; i++) {
            mean[i] /= vectors.size();
        }
        double[][] c = new double[d][d];
        double[] x = new double[d];
        for (float[] v : vectors) {
            for (int i = 0; i < d; i++) {
                x[i] = v[i] - mean[i];
            }
            for (int i = 0; i < d; i++) {
                for (int j = i; j < d; j++) {
                    c[i][j] += x[i] * x[j];
                }
            }
        }
        for (int i = 0; i < d; i++) {
            for (int j = i; j < d; j++) {
                c[i][j] /= vectors.size();
                c[j][i] = c[i][j];
            }
        }
        double[] ev = jacobi(c);
        Arrays.sort(ev);
        double[] desc = new double[d];
        for (int i = 0; i < d; i++) {
            desc[i] = Math.max(0, ev[d - 1 - i]);
        }
        return desc;
    }

    /** exp(entropy) of the normalized spectrum: how many directions effectively carry the variance. */
    static double effectiveRank(double[] eigenvalues) {
        double total = Arrays.stream(eigenvalues).sum();
        if (total <= 0) {
            return 0;
        }
        double h = 0;
        for (double e : eigenvalues) {
            double p = e / total;
            if (p > 0) {
                h -= p * Math.log(p);
            }
        }
        return Math.exp(h);
    }

    /** Share of the variance in the top {@code k} directions. */
    static double topShare(double[] eigenvalues, int k) {
        double total = Arrays.stream(eigenvalues).sum();
        double top = 0;
        for (int i = 0; i < Math.min(k, eigenvalues.length); i++) {
            top += eigenvalues[i];
        }
        return total <= 0 ? 0 : top / total;
    }

    private static double[] jacobi(double[][] a) {
        int n = a.length;
        for (int sweep = 0; sweep < MAX_SWEEPS; sweep++) {
            double off = 0;
            double diag = 0;
            for (int i = 0; i < n; i++) {
                diag += a[i][i] * a[i][i];
                for (int j = i + 1; j < n; j++) {
                    off += a[i][j] * a[i][j];
                }
            }
            if (off <= OFF_DIAGONAL_TOLERANCE * Math.max(diag, Double.MIN_NORMAL)) {
                break;
            }
            for (int p = 0; p < n; p++) {
                for (int q = p + 1; q < n; q++) {
                    if (a[p][q] != 0) {
                        rotate(a, p, q);
                    }
                }
            }
        }
        double[] ev = new double[n];
        for (int i = 0; i < n; i++) {
            ev[i] = a[i][i];
        }
        return ev;
    }

    /** One Jacobi rotation that zeroes a[p][q] (Numerical Recipes' stable form). */
    private static void rotate(double[][] a, int p, int q) {
        double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
        double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        if (theta == 0) {
            t = 1;
        }
        double c = 1 / Math.sqrt(t * t + 1);
        double s = t * c;
        int n = a.length;
        for (int k = 0; k < n; k++) {
            double akp = a[k][p];
            double akq = a[k][q];
            a[k][p] = c * akp - s * akq;
            a[k][q] = s * akp + c * akq;
        }
        for (int k = 0; k < n; k++) {
            double apk = a[p][k];
            double aqk = a[q][k];
            a[p][k] = c * apk - s * aqk;
            a[q][k] = s * apk + c * aqk;
        }
    }
}
