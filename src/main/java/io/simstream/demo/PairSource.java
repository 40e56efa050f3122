package io.simstream.demo;

import io.simstream.data.PairDataset;
import io.simstream.data.SyntheticPairs;
import java.util.Random;

/**
 * Where demo traffic comes from, before and after the distribution shift. Either synthetic
 * distributions A and B, or the rows of a real data set with a fixed per-feature drift applied
 * after the shift (real data has no "B", so the demo makes one the bootstrap model never saw).
 */
public interface PairSource {
    /** The next batch of labeled pairs; shifted = after the distribution shift. */
    PairDataset next(int rows, boolean shifted);

    int dim();

    static PairSource synthetic(int dim, long seed) {
        return new PairSource() {
            private long batch = seed;

            @Override
            public PairDataset next(int rows, boolean shifted) {
                return SyntheticPairs.generate(SyntheticPairs.Spec.of(rows, dim, batch++).withShift(shifted ? 1.0 : 0.0));
            }

            @Override
            public int dim() {
                return dim;
            }
        };
    }

    /** Cycles through data in random order; after the shift every feature is scaled and offset. */
    static PairSource replaying(PairDataset data, long seed) {
        Random rnd = new Random(seed);
        float[] scale = new float[data.dim()];
        float[] offset = new float[data.dim()];
        float spread = typicalMagnitude(data);
        for (int j = 0; j < scale.length; j++) {
            scale[j] = (float) (0.5 + rnd.nextDouble());
            offset[j] = (float) (spread * rnd.nextGaussian());
        }
        return new PairSource() {
            @Override
            public PairDataset next(int rows, boolean shifted) {
                float[][] l = new float[rows][];
                float[][] r = new float[rows][];
                int[] y = new int[rows];
                for (int i = 0; i < rows; i++) {
                    int k = rnd.nextInt(data.size());
                    l[i] = shifted ? drift(data.left()[k]) : data.left()[k];
                    r[i] = shifted ? drift(data.right()[k]) : data.right()[k];
                    y[i] = data.labels()[k];
                }
                return new PairDataset(l, r, y, data.dim(), data.source());
            }

            private float[] drift(float[] x) {
                float[] out = new float[x.length];
                for (int j = 0; j < x.length; j++) {
                    out[j] = x[j] * scale[j] + offset[j];
                }
                return out;
            }

            @Override
            public int dim() {
                return data.dim();
            }
        };
    }

    private static float typicalMagnitude(PairDataset data) {
        double sum = 0;
        long n = 0;
        for (float[] v : data.left()) {
            for (float x : v) {
                sum += Math.abs(x);
                n++;
            }
        }
        return n == 0 ? 0.1f : (float) (sum / n);
    }
}
