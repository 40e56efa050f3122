package io.simstream.model;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The same forward pass as {@link ScalarPairScorer}, with the Vector API. Both sides of the pair
 * go through the shared encoder together: each weight vector W[i][block] is loaded once and
 * FMA'd into four independent accumulators (two output blocks x left and right). Sharing the
 * load halves the weight traffic, and four independent FMA chains hide the FMA latency that a
 * single accumulator per block would stall on. Needs {@code --add-modules
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
        if (model.ensembleSize() != 1) {
            throw new IllegalArgumentException("one kernel scores one encoder; use PairScorers for an ensemble of "
                    + model.ensembleSize());
        }
        this.model = model;
        this.layers = model.encoder().toArray(new DenseLayer[0]);
        this.mean = model.normalizer().mean();
        float[] scale = model.normalizer().scale();
        this.invScale = new float[scale.length];
        for (int i = 0; i < scale.length; i++) {
            invScale[i] = 1f / scale[i];
        }
        int widest = model.widestLayer();
        this.scratch = ThreadLocal.withInitial(() -> new float[4][widest]);
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
        int last = embedBoth(left, right, s);
        float[] eL = s[last];
        float[] eR = s[last + 2];
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

    /**
     * Runs both sides through the encoder. Scratch rows 0/1 hold the left side's activations,
     * 2/3 the right's; returns which of 0/1 (and so 2/3) holds the embeddings.
     */
    private int embedBoth(float[] left, float[] right, float[][] s) {
        int d = mean.length;
        float[] aL = s[0];
        float[] aR = s[2];
        for (int i = 0; i < d; i++) {
            aL[i] = (left[i] - mean[i]) * invScale[i];
            aR[i] = (right[i] - mean[i]) * invScale[i];
        }
        int cur = 0;
        for (DenseLayer l : layers) {
            denseBoth(l, s[cur], s[cur + 2], s[1 - cur], s[3 - cur]);
            cur = 1 - cur;
        }
        return cur;
    }

    /** outL = relu(b + xL W) and outR = relu(b + xR W), W row-major [in][out], W read once. */
    private static void denseBoth(DenseLayer l, float[] xL, float[] xR, float[] outL, float[] outR) {
        float[] w = l.weights();
        float[] bias = l.bias();
        int nIn = l.in();
        int nOut = l.out();
        int step = S.length();
        int j = 0;
        for (; j + 2 * step <= nOut; j += 2 * step) {
            FloatVector l0 = FloatVector.fromArray(S, bias, j);
            FloatVector l1 = FloatVector.fromArray(S, bias, j + step);
            FloatVector r0 = l0;
            FloatVector r1 = l1;
            for (int i = 0, row = j; i < nIn; i++, row += nOut) {
                FloatVector w0 = FloatVector.fromArray(S, w, row);
                FloatVector w1 = FloatVector.fromArray(S, w, row + step);
                FloatVector xl = FloatVector.broadcast(S, xL[i]);
                FloatVector xr = FloatVector.broadcast(S, xR[i]);
                l0 = w0.fma(xl, l0);
                l1 = w1.fma(xl, l1);
                r0 = w0.fma(xr, r0);
                r1 = w1.fma(xr, r1);
            }
            l0.max(0f).intoArray(outL, j);
            l1.max(0f).intoArray(outL, j + step);
            r0.max(0f).intoArray(outR, j);
            r1.max(0f).intoArray(outR, j + step);
        }
        for (; j + step <= nOut; j += step) {
            FloatVector lAcc = FloatVector.fromArray(S, bias, j);
            FloatVector rAcc = lAcc;
            for (int i = 0, row = j; i < nIn; i++, row += nOut) {
                FloatVector w0 = FloatVector.fromArray(S, w, row);
                lAcc = w0.fma(FloatVector.broadcast(S, xL[i]), lAcc);
                rAcc = w0.fma(FloatVector.broadcast(S, xR[i]), rAcc);
            }
            lAcc.max(0f).intoArray(outL, j);
            rAcc.max(0f).intoArray(outR, j);
        }
        for (; j < nOut; j++) {
            float sumL = bias[j];
            float sumR = bias[j];
            for (int i = 0; i < nIn; i++) {
                float wij = w[i * nOut + j];
                sumL += xL[i] * wij;
                sumR += xR[i] * wij;
            }
            outL[j] = Math.max(sumL, 0f);
            outR[j] = Math.max(sumR, 0f);
        }
    }
}
