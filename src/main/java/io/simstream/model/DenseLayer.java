package io.simstream.model;

import java.util.Arrays;

/**
 * One dense layer's exported weights. {@code weights} is row-major [in][out], the layout DL4J
 * uses for a DenseLayer's W, so export is a straight copy.
 */
public record DenseLayer(int in, int out, float[] weights, float[] bias) {
    public DenseLayer {
        if (weights.length != in * out) {
            throw new IllegalArgumentException("weights length " + weights.length + " != " + in + "x" + out);
        }
        if (bias.length != out) {
            throw new IllegalArgumentException("bias length " + bias.length + " != " + out);
        }
    }

    public float weight(int i, int o) {
        return weights[i * out + o];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DenseLayer d && d.in == in && d.out == out
                && Arrays.equals(d.weights, weights) && Arrays.equals(d.bias, bias);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(weights) + Arrays.hashCode(bias);
    }
}
