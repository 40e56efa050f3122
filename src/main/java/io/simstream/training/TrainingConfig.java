package io.simstream.training;

import io.simstream.data.InputScaling;
import io.simstream.evaluation.ThresholdCalibrator.Objective;
import io.simstream.model.Head;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Everything that shapes a training run. {@link #defaults()} is the user's Keras model made
 * robust: shared Dense(128)x3 encoder, dropout 0.1 after the first two layers, RMSprop 1e-3,
 * batch 32, early stopping on validation loss with patience 3 (restoring the best epoch), and
 * a threshold calibrated on validation.
 *
 * @param dropout           the Keras-sense drop RATE after each hidden layer but the last (0 = none)
 * @param validationFraction share of the training file held out for validation
 * @param split             ROW_ORDER: the last rows validate (the user's 50/50); RANDOM: shuffled by seed;
 *                          DISJOINT: no vector on both sides of the train/validation boundary
 * @param scaling           how inputs are scaled (GLOBAL keeps the geometry; PER_COLUMN standardizes)
 * @param refit             after early stopping picked the epoch count on validation, train the final
 *                          model on train + validation for that many epochs
 * @param ensemble          how many encoders (seeds seed, seed+1, ...) the artifact holds; the kernel
 *                          averages their scores. {@link EnsemblePolicy#AUTO} (the default) lets the
 *                          number of labelled pairs decide
 * @param bceAuxWeight      BCE head only: weight of a contrastive loss on the embeddings' Euclidean
 *                          distance, trained alongside the BCE loss (0 = pure BCE, the user's setup).
 *                          Inference is unchanged: L1 + Dense + sigmoid
 * @param averageEpochs     the final weights are the mean of the weights after each of this many last
 *                          epochs (1 = the last epoch's weights alone)
 */
public record TrainingConfig(Head head, List<Integer> hiddenSizes, double dropout, double l2, double learningRate,
                             Optimizer optimizer, int batchSize, int maxEpochs, int patience, float margin,
                             long seed, double validationFraction, Split split, Objective calibration,
                             InputScaling scaling, boolean refit, int ensemble, double bceAuxWeight,
                             int averageEpochs) {
    /** Defaults chosen from measurements: docs/training.md has the numbers. */
    public static final InputScaling DEFAULT_SCALING = InputScaling.GLOBAL;
    public static final boolean DEFAULT_REFIT = true;
    public static final int DEFAULT_ENSEMBLE = EnsemblePolicy.AUTO;
    public static final int MAX_ENSEMBLE = 16;
    public static final double DEFAULT_BCE_AUX_WEIGHT = 1.0;
    public static final int DEFAULT_AVERAGE_EPOCHS = 1;
    public static final int MAX_AVERAGE_EPOCHS = 50;

    public enum Optimizer {
        RMSPROP, ADAM;

        public static Optimizer parse(String text) {
            try {
                return valueOf(text.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown optimizer '" + text + "' (expected rmsprop or adam)");
            }
        }
    }

    public enum Split {
        ROW_ORDER, RANDOM, DISJOINT;

        public String id() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        public static Split parse(String text) {
            String t = text.trim().toLowerCase(Locale.ROOT).replace('_', '-');
            if (t.equals("row-order") || t.equals("rows")) {
                return ROW_ORDER;
            }
            if (t.equals("random")) {
                return RANDOM;
            }
            if (t.equals("disjoint")) {
                return DISJOINT;
            }
            throw new IllegalArgumentException("unknown split '" + text + "' (expected row-order, random or disjoint)");
        }
    }

    public TrainingConfig {
        hiddenSizes = List.copyOf(hiddenSizes);
        check(!hiddenSizes.isEmpty() && hiddenSizes.stream().allMatch(s -> s > 0), "layer sizes must be > 0: " + hiddenSizes);
        check(dropout >= 0 && dropout < 1, "dropout must be in [0, 1), got " + dropout);
        check(l2 >= 0, "l2 must be >= 0, got " + l2);
        check(learningRate > 0, "learning rate must be > 0, got " + learningRate);
        check(batchSize > 0, "batch size must be > 0, got " + batchSize);
        check(maxEpochs > 0, "max epochs must be > 0, got " + maxEpochs);
        check(patience > 0, "patience must be > 0, got " + patience);
        check(margin > 0, "margin must be > 0, got " + margin);
        check(validationFraction > 0 && validationFraction < 1, "validation fraction must be in (0, 1), got " + validationFraction);
        check(bceAuxWeight >= 0 && Double.isFinite(bceAuxWeight), "bce aux weight must be >= 0, got " + bceAuxWeight);
        check(ensemble == EnsemblePolicy.AUTO || ensemble >= 1 && ensemble <= MAX_ENSEMBLE,
                "ensemble must be auto or in [1, " + MAX_ENSEMBLE + "], got " + ensemble);
        check(averageEpochs >= 1 && averageEpochs <= MAX_AVERAGE_EPOCHS,
                "epochs to average must be in [1, " + MAX_AVERAGE_EPOCHS + "], got " + averageEpochs);
        Objects.requireNonNull(scaling, "scaling");
        Objects.requireNonNull(split, "split");
    }

    /** The shape of a run before scaling, refit and ensembles existed; those take their defaults. */
    public TrainingConfig(Head head, List<Integer> hiddenSizes, double dropout, double l2, double learningRate,
                          Optimizer optimizer, int batchSize, int maxEpochs, int patience, float margin,
                          long seed, double validationFraction, Split split, Objective calibration) {
        this(head, hiddenSizes, dropout, l2, learningRate, optimizer, batchSize, maxEpochs, patience, margin, seed,
                validationFraction, split, calibration, DEFAULT_SCALING, DEFAULT_REFIT, DEFAULT_ENSEMBLE,
                DEFAULT_BCE_AUX_WEIGHT, DEFAULT_AVERAGE_EPOCHS);
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    public static TrainingConfig defaults() {
        return new TrainingConfig(Head.CONTRASTIVE, List.of(128, 128, 128), 0.1, 0.0, 1e-3, Optimizer.RMSPROP, 32, 100, 3,
                1f, 42L, 0.5, Split.ROW_ORDER, Objective.ACCURACY, DEFAULT_SCALING, DEFAULT_REFIT, DEFAULT_ENSEMBLE,
                DEFAULT_BCE_AUX_WEIGHT, DEFAULT_AVERAGE_EPOCHS);
    }

    public TrainingConfig withHead(Head h) {
        return with(b -> b.head = h);
    }

    public TrainingConfig withSeed(long s) {
        return with(b -> b.seed = s);
    }

    public TrainingConfig withMaxEpochs(int e) {
        return with(b -> b.maxEpochs = e);
    }

    public TrainingConfig withHiddenSizes(List<Integer> sizes) {
        return with(b -> b.hiddenSizes = sizes);
    }

    public TrainingConfig withSplit(Split s, double fraction) {
        return with(b -> {
            b.split = s;
            b.validationFraction = fraction;
        });
    }

    public TrainingConfig withScaling(InputScaling s) {
        return with(b -> b.scaling = s);
    }

    public TrainingConfig withRefit(boolean r) {
        return with(b -> b.refit = r);
    }

    public TrainingConfig withEnsemble(int k) {
        return with(b -> b.ensemble = k);
    }

    public TrainingConfig withDropout(double rate) {
        return with(b -> b.dropout = rate);
    }

    public TrainingConfig withPatience(int p) {
        return with(b -> b.patience = p);
    }

    public TrainingConfig withBceAuxWeight(double w) {
        return with(b -> b.bceAuxWeight = w);
    }

    public TrainingConfig withLearningRate(double lr) {
        return with(b -> b.learningRate = lr);
    }

    public TrainingConfig withOptimizer(Optimizer o) {
        return with(b -> b.optimizer = o);
    }

    public TrainingConfig withAverageEpochs(int n) {
        return with(b -> b.averageEpochs = n);
    }

    /** A copy with some components changed, validated again by the canonical constructor. */
    private TrainingConfig with(Consumer<Copy> change) {
        Copy c = new Copy(this);
        change.accept(c);
        return c.build();
    }

    /** The components as mutable fields: the one place that lists them all for the with* copies. */
    private static final class Copy {
        Head head;
        List<Integer> hiddenSizes;
        double dropout;
        double l2;
        double learningRate;
        Optimizer optimizer;
        int batchSize;
        int maxEpochs;
        int patience;
        float margin;
        long seed;
        double validationFraction;
        Split split;
        Objective calibration;
        InputScaling scaling;
        boolean refit;
        int ensemble;
        double bceAuxWeight;
        int averageEpochs;

        Copy(TrainingConfig c) {
            head = c.head;
            hiddenSizes = c.hiddenSizes;
            dropout = c.dropout;
            l2 = c.l2;
            learningRate = c.learningRate;
            optimizer = c.optimizer;
            batchSize = c.batchSize;
            maxEpochs = c.maxEpochs;
            patience = c.patience;
            margin = c.margin;
            seed = c.seed;
            validationFraction = c.validationFraction;
            split = c.split;
            calibration = c.calibration;
            scaling = c.scaling;
            refit = c.refit;
            ensemble = c.ensemble;
            bceAuxWeight = c.bceAuxWeight;
            averageEpochs = c.averageEpochs;
        }

        TrainingConfig build() {
            return new TrainingConfig(head, hiddenSizes, dropout, l2, learningRate, optimizer, batchSize, maxEpochs,
                    patience, margin, seed, validationFraction, split, calibration, scaling, refit, ensemble, bceAuxWeight,
                    averageEpochs);
        }
    }
}
