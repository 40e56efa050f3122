package io.simstream.data;

import java.util.Locale;
import java.util.Random;

/**
 * Synthetic pairs in the user's format with learnable structure: each vector is a class's latent
 * point (a prototype plus within-class noise) pushed through a fixed random nonlinear map into d
 * dimensions, plus a little observation noise. "Same" = both sides from one class.
 *
 * <p>The distribution (prototypes and map) is fixed by (dim, shift) and NOT by the seed, so
 * files generated with different seeds are train/test sets of one distribution. {@code shift}
 * in [0, 1] moves to a different distribution: 0 is distribution A, 1 a fully shifted
 * distribution B (moved prototypes, a different map), values between blend the two. A model
 * trained on A does measurably worse on B: the retraining demo relies on that.
 */
public final class SyntheticPairs {
    /** How confusable the classes are: the within-class spread in the latent space. */
    public enum Difficulty {
        EASY(0.30), MEDIUM(0.55), HARD(0.85);

        final double latentNoise;

        Difficulty(double latentNoise) {
            this.latentNoise = latentNoise;
        }

        public static Difficulty parse(String text) {
            try {
                return valueOf(text.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown difficulty '" + text + "' (expected easy, medium or hard)");
            }
        }
    }

    /** What to generate. */
    /**
     * @param spectrumDecay 0: every column carries the signal alike (flat spectrum). r > 0: column j's
     *                      signal is scaled by exp(-r j / dim) while its observation noise stays, so the
     *                      variance falls off steeply across the columns and the tail columns are mostly
     *                      noise: the shape of PCA outputs and many real embeddings
     * @param labelNoise    share of pairs whose label is flipped after the vectors are drawn (the same
     *                      vectors as without noise): labels from people who sometimes disagree
     */
    public record Spec(int rows, int dim, long seed, double positiveRate, Difficulty difficulty, double shift,
                       double spectrumDecay, double labelNoise) {
        public Spec(int rows, int dim, long seed, double positiveRate, Difficulty difficulty, double shift) {
            this(rows, dim, seed, positiveRate, difficulty, shift, 0.0, 0.0);
        }

        public Spec(int rows, int dim, long seed, double positiveRate, Difficulty difficulty, double shift,
                    double spectrumDecay) {
            this(rows, dim, seed, positiveRate, difficulty, shift, spectrumDecay, 0.0);
        }

        public Spec {
            if (!(spectrumDecay >= 0 && spectrumDecay <= MAX_DECAY)) {
                throw new IllegalArgumentException("spectrum decay must be in [0, " + MAX_DECAY + "], got " + spectrumDecay);
            }
            if (!(labelNoise >= 0 && labelNoise <= 0.5)) {
                throw new IllegalArgumentException("label noise must be in [0, 0.5], got " + labelNoise);
            }
            if (rows <= 0) {
                throw new IllegalArgumentException("rows must be > 0, got " + rows);
            }
            if (dim <= 0) {
                throw new IllegalArgumentException("dim must be > 0, got " + dim);
            }
            if (!(positiveRate >= 0 && positiveRate <= 1)) {
                throw new IllegalArgumentException("positive rate must be in [0, 1], got " + positiveRate);
            }
            if (!(shift >= 0 && shift <= 1)) {
                throw new IllegalArgumentException("shift must be in [0, 1], got " + shift);
            }
        }

        public static Spec of(int rows, int dim, long seed) {
            return new Spec(rows, dim, seed, 0.5, Difficulty.MEDIUM, 0.0);
        }

        public Spec withShift(double s) {
            return new Spec(rows, dim, seed, positiveRate, difficulty, s, spectrumDecay, labelNoise);
        }

        public Spec withDifficulty(Difficulty d) {
            return new Spec(rows, dim, seed, positiveRate, d, shift, spectrumDecay, labelNoise);
        }

        public Spec withSpectrumDecay(double r) {
            return new Spec(rows, dim, seed, positiveRate, difficulty, shift, r, labelNoise);
        }

        public Spec withLabelNoise(double share) {
            return new Spec(rows, dim, seed, positiveRate, difficulty, shift, spectrumDecay, share);
        }
    }

    static final double MAX_DECAY = 50;
    static final int CLASSES = 10;
    static final int LATENT = 8;
    private static final long WORLD_A = 0x51A5_7EA1L;
    private static final long WORLD_B = 0xB0B0_5EEDL;
    private static final long LABEL_NOISE_STREAM = 0x1AB3_150FL;
    /** Values come out at about +-0.1, like the user's data. */
    private static final double OUTPUT_SCALE = 0.08;
    private static final double OBSERVATION_NOISE = 0.01;

    private SyntheticPairs() {
    }

    public static PairDataset generate(Spec spec) {
        World world = World.blend(World.create(WORLD_A, spec.dim()), World.create(WORLD_B, spec.dim()), spec.shift());
        Random rnd = new Random(spec.seed());
        int n = spec.rows();
        float[][] left = new float[n][];
        float[][] right = new float[n][];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            boolean same = rnd.nextDouble() < spec.positiveRate();
            int a = rnd.nextInt(CLASSES);
            int b = same ? a : (a + 1 + rnd.nextInt(CLASSES - 1)) % CLASSES;
            left[i] = world.sample(a, spec.difficulty(), spec.spectrumDecay(), rnd);
            right[i] = world.sample(b, spec.difficulty(), spec.spectrumDecay(), rnd);
            labels[i] = same ? 1 : 0;
        }
        // A stream of its own, so the vectors do not depend on the noise level.
        Random flips = new Random(spec.seed() ^ LABEL_NOISE_STREAM);
        for (int i = 0; i < n; i++) {
            if (flips.nextDouble() < spec.labelNoise()) {
                labels[i] = 1 - labels[i];
            }
        }
        return new PairDataset(left, right, labels, spec.dim(), "synthetic(" + describe(spec) + ")");
    }

    static String describe(Spec s) {
        return String.format(Locale.ROOT, "rows=%d dim=%d seed=%d positive-rate=%.2f difficulty=%s shift=%.2f%s",
                s.rows(), s.dim(), s.seed(), s.positiveRate(), s.difficulty().name().toLowerCase(Locale.ROOT), s.shift(),
                s.spectrumDecay() > 0 ? String.format(Locale.ROOT, " spectrum-decay=%.1f", s.spectrumDecay()) : "")
                + (s.labelNoise() > 0 ? String.format(Locale.ROOT, " label-noise=%.2f", s.labelNoise()) : "");
    }

    /** Class prototypes in the latent space and the map from latent to observed space. */
    private record World(double[][] prototypes, double[][] map, double[] bias, int dim) {
        static World create(long seed, int dim) {
            Random r = new Random(seed * 31 + dim);
            double[][] protos = new double[CLASSES][LATENT];
            for (double[] p : protos) {
                for (int k = 0; k < LATENT; k++) {
                    p[k] = r.nextGaussian();
                }
            }
            double[][] map = new double[dim][LATENT];
            double[] bias = new double[dim];
            for (int j = 0; j < dim; j++) {
                for (int k = 0; k < LATENT; k++) {
                    map[j][k] = r.nextGaussian() / Math.sqrt(LATENT);
                }
                bias[j] = 0.5 * r.nextGaussian();
            }
            return new World(protos, map, bias, dim);
        }

        static World blend(World a, World b, double t) {
            if (t == 0) {
                return a;
            }
            double[][] p = new double[CLASSES][LATENT];
            for (int c = 0; c < CLASSES; c++) {
                for (int k = 0; k < LATENT; k++) {
                    p[c][k] = (1 - t) * a.prototypes[c][k] + t * b.prototypes[c][k];
                }
            }
            double[][] m = new double[a.dim][LATENT];
            double[] bias = new double[a.dim];
            for (int j = 0; j < a.dim; j++) {
                for (int k = 0; k < LATENT; k++) {
                    m[j][k] = (1 - t) * a.map[j][k] + t * b.map[j][k];
                }
                bias[j] = (1 - t) * a.bias[j] + t * b.bias[j];
            }
            return new World(p, m, bias, a.dim);
        }

        float[] sample(int cls, Difficulty difficulty, double decay, Random r) {
            double[] z = new double[LATENT];
            for (int k = 0; k < LATENT; k++) {
                z[k] = prototypes[cls][k] + difficulty.latentNoise * r.nextGaussian();
            }
            float[] x = new float[dim];
            for (int j = 0; j < dim; j++) {
                double s = bias[j];
                for (int k = 0; k < LATENT; k++) {
                    s += map[j][k] * z[k];
                }
                double signal = decay == 0 ? 1.0 : Math.exp(-decay * j / dim);
                x[j] = (float) (signal * OUTPUT_SCALE * Math.tanh(s) + OBSERVATION_NOISE * r.nextGaussian());
            }
            return x;
        }
    }
}
