package io.simstream.model;

/**
 * The forward pass in plain loops over the exported weights: the portable fallback kernel and
 * the readable statement of what the network computes.
 */
public final class ScalarPairScorer implements PairScorer {
    /** Keras' epsilon under the square root: keeps the distance's gradient finite at 0. */
    public static final float DISTANCE_EPS = 1e-7f;

    private final ModelArtifact model;
    private final ThreadLocal<float[][]> scratch;

    public ScalarPairScorer(ModelArtifact model) {
        if (model.ensembleSize() != 1) {
            throw new IllegalArgumentException("one kernel scores one encoder; use PairScorers for an ensemble of "
                    + model.ensembleSize());
        }
        this.model = model;
        int widest = model.widestLayer();
        this.scratch = ThreadLocal.withInitial(() -> new float[4][widest]);
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
        if (model.head() == Head.CONTRASTIVE) {
            float sum = 0f;
            for (int i = 0; i < n; i++) {
                float d = eL[i] - eR[i];
                sum += d * d;
            }
            return (float) Math.sqrt(Math.max(sum, DISTANCE_EPS));
        }
        DenseLayer h = model.headLayer();
        float z = h.bias()[0];
        for (int i = 0; i < n; i++) {
            z += Math.abs(eL[i] - eR[i]) * h.weights()[i];
        }
        return sigmoid(z);
    }

    static float sigmoid(float z) {
        return (float) (1.0 / (1.0 + Math.exp(-z)));
    }

    /** Runs the encoder; returns whichever scratch buffer holds the embedding. */
    private float[] embed(float[] x, float[] a, float[] b) {
        model.normalizer().apply(x, a);
        float[] in = a;
        float[] out = b;
        for (DenseLayer l : model.encoder()) {
            float[] w = l.weights();
            int o = l.out();
            System.arraycopy(l.bias(), 0, out, 0, o);
            for (int i = 0; i < l.in(); i++) {
                float xi = in[i];
                if (xi == 0f) {
                    continue;
                }
                int row = i * o;
                for (int j = 0; j < o; j++) {
                    out[j] += xi * w[row + j];
                }
            }
            for (int j = 0; j < o; j++) {
                out[j] = Math.max(out[j], 0f);
            }
            float[] t = in;
            in = out;
            out = t;
        }
        return in;
    }
}
