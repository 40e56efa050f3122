package io.simstream.drift;

import io.simstream.data.PairDataset;
import io.simstream.model.ModelArtifact;
import io.simstream.model.Normalizer;
import io.simstream.model.PairScorer;
import io.simstream.model.PairScorers;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Captures a model's {@link DriftReference} when it is made: scores the given pairs with the
 * serving kernel and summarizes their scaled inputs. Callers pass pairs the model did not train
 * on whenever they have them (a test file, the retrainer's holdout).
 */
public final class DriftReferences {
    private static final Logger LOG = LoggerFactory.getLogger(DriftReferences.class);
    /** Scores kept in the artifact: enough that the reference adds little noise to a 200-pair window. */
    public static final int MAX_SCORES = 2_000;
    /** Fewer pairs than this give no reference: their statistics would be too noisy to judge drift by. */
    public static final int MIN_PAIRS = 50;
    /** Pairs used for the covariance-based tr(S^2) (d^2 work per pair). */
    static final int MAX_COVARIANCE_PAIRS = 2_000;

    private DriftReferences() {
    }

    /**
     * The model with a reference from these pairs in its header; unchanged (with a warning) when
     * there are fewer than {@link #MIN_PAIRS}, since then drift cannot be judged for it.
     *
     * @param heldOut whether the model never trained on these pairs
     */
    public static ModelArtifact capture(ModelArtifact model, PairDataset pairs, String source, boolean heldOut) {
        if (pairs == null || pairs.size() < MIN_PAIRS) {
            LOG.warn("No drift reference for {}: {} pairs of {} (needs {})", model, pairs == null ? 0 : pairs.size(),
                    source, MIN_PAIRS);
            return model;
        }
        DriftReference ref = of(model, pairs, source, heldOut);
        LOG.info("Captured {} for {}", ref, model);
        return ref.attachTo(model);
    }

    public static DriftReference of(ModelArtifact model, PairDataset pairs, String source, boolean heldOut) {
        if (pairs.dim() != model.inputDim()) {
            throw new IllegalArgumentException(source + ": pairs have dimension " + pairs.dim() + " but " + model
                    + " takes " + model.inputDim());
        }
        if (pairs.size() < MIN_PAIRS) {
            throw new IllegalArgumentException(source + ": " + pairs.size() + " pairs are too few for a drift reference"
                    + " (needs " + MIN_PAIRS + ")");
        }
        PairScorer scorer = PairScorers.fastest(model);
        float[] scores = new float[pairs.size()];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = scorer.score(pairs.left()[i], pairs.right()[i]);
        }
        return new DriftReference(source, heldOut, pairs.size(), orderStatistics(scores, MAX_SCORES),
                inputs(model.normalizer(), pairs));
    }

    /** The scores ascending; more than max thinned to max evenly spaced order statistics (quantiles kept). */
    static float[] orderStatistics(float[] scores, int max) {
        float[] sorted = scores.clone();
        for (float s : sorted) {
            if (!Float.isFinite(s)) {
                throw new IllegalArgumentException("the model gives a non-finite score on a reference pair");
            }
        }
        Arrays.sort(sorted);
        if (sorted.length <= max) {
            return sorted;
        }
        float[] kept = new float[max];
        for (int i = 0; i < max; i++) {
            kept[i] = sorted[(int) (((long) 2 * i + 1) * sorted.length / (2L * max))];
        }
        return kept;
    }

    static DriftReference.Inputs inputs(Normalizer normalizer, PairDataset pairs) {
        int n = pairs.size();
        int d = pairs.dim();
        PairVectors vectors = new PairVectors(normalizer, d);
        double[] mean = new double[d];
        double[] energy = new double[n];
        for (int i = 0; i < n; i++) {
            energy[i] = vectors.load(pairs, i);
            for (int j = 0; j < d; j++) {
                mean[j] += vectors.u[j];
            }
        }
        for (int j = 0; j < d; j++) {
            mean[j] /= n;
        }
        double trace = 0;
        for (int i = 0; i < n; i++) {
            vectors.load(pairs, i);
            for (int j = 0; j < d; j++) {
                double c = vectors.u[j] - mean[j];
                trace += c * c;
            }
        }
        trace /= n - 1;
        double traceSquared = traceOfSquare(pairs, vectors, mean, trace);
        double eMean = Arrays.stream(energy).average().orElse(0);
        double eVar = 0;
        for (double e : energy) {
            eVar += (e - eMean) * (e - eMean);
        }
        float[] mu = new float[d];
        for (int j = 0; j < d; j++) {
            mu[j] = (float) mean[j];
        }
        return new DriftReference.Inputs(mu, trace, traceSquared, eMean, Math.sqrt(eVar / (n - 1)));
    }

    /**
     * tr(S^2) of the covariance, estimated without the upward bias of the plug-in |S|_F^2 (which
     * adds about tr(S)^2 / N: large when the dimension is not small next to N), for Gaussian data
     * (Bai and Saranadasa 1996), kept within what any covariance allows: tr(S)^2 / d <= tr(S^2) <= tr(S)^2.
     * At most {@link #MAX_COVARIANCE_PAIRS} evenly spaced pairs: the d x d covariance costs d^2 each.
     */
    static double traceOfSquare(PairDataset pairs, PairVectors vectors, double[] mean, double fullTrace) {
        int n = Math.min(pairs.size(), MAX_COVARIANCE_PAIRS);
        int d = mean.length;
        double[] cov = new double[d * d];
        double[] c = new double[d];
        double trace = 0;
        for (int k = 0; k < n; k++) {
            vectors.load(pairs, (int) ((long) k * pairs.size() / n));
            for (int j = 0; j < d; j++) {
                c[j] = vectors.u[j] - mean[j];
                trace += c[j] * c[j];
            }
            for (int a = 0; a < d; a++) {
                double ca = c[a];
                int base = a * d;
                for (int b = a; b < d; b++) {
                    cov[base + b] += ca * c[b];
                }
            }
        }
        double frob = 0;
        for (int a = 0; a < d; a++) {
            for (int b = a; b < d; b++) {
                double s = cov[a * d + b] / (n - 1);
                frob += a == b ? s * s : 2 * s * s;
            }
        }
        trace /= n - 1;
        double unbiased = (double) (n - 1) * (n - 1) / ((double) (n - 2) * (n + 1)) * (frob - trace * trace / (n - 1));
        return Math.min(fullTrace * fullTrace, Math.max(fullTrace * fullTrace / d, unbiased));
    }

    /** One pair in the model's scaled space: u = (left + right) / 2, and its energy. */
    static final class PairVectors {
        final double[] u;
        private final Normalizer normalizer;
        private final float[] l;
        private final float[] r;

        PairVectors(Normalizer normalizer, int d) {
            this.normalizer = normalizer;
            this.u = new double[d];
            this.l = new float[d];
            this.r = new float[d];
        }

        /** Fills u for pair i and returns its energy |left|^2 + |right|^2. */
        double load(PairDataset pairs, int i) {
            normalizer.apply(pairs.left()[i], l);
            normalizer.apply(pairs.right()[i], r);
            double e = 0;
            for (int j = 0; j < u.length; j++) {
                u[j] = 0.5 * ((double) l[j] + r[j]);
                e += (double) l[j] * l[j] + (double) r[j] * r[j];
            }
            return e;
        }
    }
}
