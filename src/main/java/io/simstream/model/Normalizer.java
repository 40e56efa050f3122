package io.simstream.model;

import java.util.Arrays;

/**
 * Per-feature standardization, fitted on the training part only. One set of statistics serves
 * both sides of a pair (the encoder is shared, so its input space must be too); a constant
 * column gets scale 1 so it can never produce NaN or Inf.
 */
public record Normalizer(float[] mean, float[] scale) {
    public Normalizer {
        if (mean.length != scale.length) {
            throw new IllegalArgumentException("mean and scale lengths differ");
        }
    }

    public int dim() {
        return mean.length;
    }

    public static Normalizer identity(int dim) {
        float[] ones = new float[dim];
        Arrays.fill(ones, 1f);
        return new Normalizer(new float[dim], ones);
    }

    /** Writes (x - mean) / scale into out. */
    public void apply(float[] x, float[] out) {
        for (int i = 0; i < mean.length; i++) {
            out[i] = (x[i] - mean[i]) / scale[i];
        }
    }

    public float[] apply(float[] x) {
        float[] out = new float[x.length];
        apply(x, out);
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Normalizer n && Arrays.equals(n.mean, mean) && Arrays.equals(n.scale, scale);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(mean) + Arrays.hashCode(scale);
    }
}
