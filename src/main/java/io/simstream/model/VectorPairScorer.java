package io.simstream.model;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The same forward pass as {@link ScalarPairScorer}, with the Vector API: each dense layer keeps
 * a SIMD-wide block of outputs in a register and accumulates x[i] * W[i][block] with FMA, so a
 * 128-wide layer is a handful of vector FMAs per input. Needs {@code --add-modules
 * jdk.incubator.vector} at run time; get it through {@link PairScorers#fastest}, which falls back
 * to the scalar kernel when the module is absent.
 */
public final class VectorPairScorer implements PairScorer {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private final ModelArtifact model;
    private final DenseLayer[] layers;
    private final float[] mean;
    private final float[] invScale;
    private final ThreadLocal<float[][]> scratch;

    public VectorPairScorer(ModelArtifact model) {
        this.model = model;
        this.layers = model.encoder().toArray(new DenseLayer[0]);
        this.mean = model.normalizer().mean();
        float[] scale = model.normalizer().scale();
        this.invScale = new float[scale.length];
        for (int i = 0; i < scale.length; i++) {
            invScale[i] = 1f / scale[i];
        }
        int widest = model.inputDim();
        for (DenseLayer l : layers) {
            widest = Math.max(widest, l.out());
        }
        int w = widest;
        this.scratch = ThreadLocal.withInitial(() -> new float[4][w]);
    }

    /** The SIMD width in floats this JVM picked (16 with AVX-512, 8 with AVX2). */
    public static int lanes() {
        return S.length();
    }

    @Override
    public ModelArtifact model() {
        return model;
    }

    @Override
    public float score(float[] left, float[] right) {
        float[][] s = scratch.get();
        float[] eL = embed(left, s[0], s[1]);
        float[] eR = embed(right, s[2], s[3]);
        int n = model.embeddingDim();
        int bound = S.loopBound(n);
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        if (model.head() == Head.CONTRASTIVE) {
            for (; i < bound; i += S.length()) {
                FloatVector d = FloatVector.fromArray(S, eL, i).sub(FloatVector.fromArray(S, eR, i));
                acc = d.fma(d, acc);
            }
            float sum = acc.reduceLanes(VectorOperators.ADD);
            for (; i < n; i++) {
                float d = eL[i] - eR[i];
                sum += d * d;
            }
            return (float) Math.sqrt(Math.max(sum, ScalarPairScorer.DISTANCE_EPS));
        }
        DenseLayer h = model.headLayer();
        float[] w = h.weights();
        for (; i < bound; i += S.length()) {
            FloatVector d = FloatVector.fromArray(S, eL, i).sub(FloatVector.fromArray(S, eR, i)).abs();
            acc = d.fma(FloatVector.fromArray(S, w, i), acc);
        }
        float z = h.bias()[0] + acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            z += Math.abs(eL[i] - eR[i]) * w[i];
        }
        return ScalarPairScorer.sigmoid(z);
    }

    private float[] embed(float[] x, float[] a, float[] b) {
        int d = mean.length;
        for (int i = 0; i < d; i++) {
            a[i] = (x[i] - mean[i]) * invScale[i];
        }
        float[] in = a;
        float[] out = b;
        for (DenseLayer l : layers) {
            dense(l, in, out);
            float[] t = in;
            in = out;
            out = t;
        }
        return in;
    }

    /** out = relu(b + x W), W row-major [in][out]. */
    private static void dense(DenseLayer l, float[] x, float[] out) {
        float[] w = l.weights();
        float[] bias = l.bias();
        int nIn = l.in();
        int nOut = l.out();
        int bound = S.loopBound(nOut);
        int j = 0;
        for (; j < bound; j += S.length()) {
            FloatVector acc = FloatVector.fromArray(S, bias, j);
            for (int i = 0, row = j; i < nIn; i++, row += nOut) {
                acc = FloatVector.fromArray(S, w, row).fma(FloatVector.broadcast(S, x[i]), acc);
            }
            acc.max(0f).intoArray(out, j);
        }
        for (; j < nOut; j++) {
            float sum = bias[j];
            for (int i = 0; i < nIn; i++) {
                sum += x[i] * w[i * nOut + j];
            }
            out[j] = Math.max(sum, 0f);
        }
    }
}
