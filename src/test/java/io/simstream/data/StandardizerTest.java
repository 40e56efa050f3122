package io.simstream.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.simstream.model.Normalizer;
import org.junit.jupiter.api.Test;

class StandardizerTest {
    private static PairDataset pairs(float[][] left, float[][] right) {
        return new PairDataset(left, right, new int[left.length], left[0].length, "test");
    }

    @Test
    void fitsOneInputSpaceOverBothSides() {
        // Column 0: left values 0,0 and right values 4,4 -> mean 2 over both sides.
        PairDataset d = pairs(new float[][] {{0, 1}, {0, 3}}, new float[][] {{4, 1}, {4, 3}});
        Normalizer n = Standardizer.fit(d);
        assertEquals(2f, n.mean()[0], 1e-6);
        assertEquals(2f, n.mean()[1], 1e-6);
        float[] a = n.apply(new float[] {4, 3});
        float[] b = n.apply(new float[] {0, 1});
        // Standardized columns are symmetric around 0 with equal spread.
        assertEquals(-a[0], b[0], 1e-6);
        assertEquals(-a[1], b[1], 1e-6);
    }

    @Test
    void constantColumnsNeverProduceNanOrInf() {
        PairDataset d = pairs(new float[][] {{0, 1, 5}, {0, 2, 5}}, new float[][] {{0, 3, 5}, {0, 4, 5}});
        Normalizer n = Standardizer.fit(d);
        for (float[] x : new float[][] {{0, 1, 5}, {1e6f, -3, 0}}) {
            for (float v : n.apply(x)) {
                assertTrue(Float.isFinite(v), "finite: " + v);
            }
        }
        assertEquals(0f, n.apply(new float[] {0, 1, 5})[0]);
        assertEquals(0f, n.apply(new float[] {0, 1, 5})[2]);
    }

    @Test
    void usesOnlyTheDataItIsGiven() {
        PairDataset all = SyntheticPairs.generate(SyntheticPairs.Spec.of(200, 4, 1));
        PairDataset firstHalf = all.slice(0, 100, "first");
        PairDataset shifted = firstHalf.select(new int[] {0}, "x");
        assertTrue(!Standardizer.fit(firstHalf).equals(Standardizer.fit(all)));
        assertTrue(!Standardizer.fit(shifted).equals(Standardizer.fit(firstHalf)));
    }

    @Test
    void globalScalingCommutesWithARotationAndKeepsTheSpectrum() {
        PairDataset d = SyntheticPairs.generate(SyntheticPairs.Spec.of(300, 6, 4).withSpectrumDecay(6));
        double[][] q = rotation(6, new java.util.Random(9));
        PairDataset rotated = new PairDataset(rotate(d.left(), q), rotate(d.right(), q), d.labels(), 6, "rotated");
        Normalizer n = Standardizer.fit(d, InputScaling.GLOBAL);
        Normalizer nr = Standardizer.fit(rotated, InputScaling.GLOBAL);
        for (int i = 0; i < 50; i++) {
            // Distances after scaling are the same whichever way the input space is turned.
            assertEquals(distance(n.apply(d.left()[i]), n.apply(d.right()[i])),
                    distance(nr.apply(rotated.left()[i]), nr.apply(rotated.right()[i])), 1e-4);
        }
        double sq = 0;
        for (float[] x : d.allVectors()) {
            float[] y = n.apply(x);
            for (float v : y) {
                sq += v * v;
            }
        }
        assertEquals(1.0, sq / d.allVectors().size(), 1e-3, "mean squared norm 1");
        // One scale for all columns: the relative spread of columns is what it was.
        float[] scale = n.scale();
        for (float s : scale) {
            assertEquals(scale[0], s);
        }
        Normalizer perColumn = Standardizer.fit(d, InputScaling.PER_COLUMN);
        assertTrue(perColumn.scale()[0] > perColumn.scale()[5], "per-column divides the big column by more");
    }

    @Test
    void globalScalingIsSafeOnConstantColumnsAndConstantData() {
        PairDataset d = pairs(new float[][] {{0, 1, 5}, {0, 2, 5}}, new float[][] {{0, 3, 5}, {0, 4, 5}});
        Normalizer n = Standardizer.fit(d, InputScaling.GLOBAL);
        assertEquals(0f, n.apply(new float[] {0, 1, 5})[2]);
        PairDataset flat = pairs(new float[][] {{2, 2}, {2, 2}}, new float[][] {{2, 2}, {2, 2}});
        Normalizer f = Standardizer.fit(flat, InputScaling.GLOBAL);
        assertEquals(1f, f.scale()[0]);
        for (float v : f.apply(new float[] {1e6f, -1e6f})) {
            assertTrue(Float.isFinite(v));
        }
    }

    static double[][] rotation(int d, java.util.Random r) {
        // Gram-Schmidt on a Gaussian matrix: a random orthogonal matrix.
        double[][] q = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                q[i][j] = r.nextGaussian();
            }
            for (int k = 0; k < i; k++) {
                double dot = 0;
                for (int j = 0; j < d; j++) {
                    dot += q[i][j] * q[k][j];
                }
                for (int j = 0; j < d; j++) {
                    q[i][j] -= dot * q[k][j];
                }
            }
            double norm = 0;
            for (int j = 0; j < d; j++) {
                norm += q[i][j] * q[i][j];
            }
            for (int j = 0; j < d; j++) {
                q[i][j] /= Math.sqrt(norm);
            }
        }
        return q;
    }

    static float[][] rotate(float[][] rows, double[][] q) {
        float[][] out = new float[rows.length][];
        for (int n = 0; n < rows.length; n++) {
            float[] y = new float[q.length];
            for (int i = 0; i < q.length; i++) {
                double s = 0;
                for (int j = 0; j < q.length; j++) {
                    s += q[i][j] * rows[n][j];
                }
                y[i] = (float) s;
            }
            out[n] = y;
        }
        return out;
    }

    private static double distance(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (a[i] - b[i]) * (a[i] - b[i]);
        }
        return Math.sqrt(s);
    }
}
