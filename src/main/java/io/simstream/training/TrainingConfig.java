package io.simstream.training;

import io.simstream.metrics.ThresholdCalibrator.Objective;
import io.simstream.model.Head;
import java.util.List;
import java.util.Locale;

/**
 * Everything that shapes a training run. {@link #defaults()} is the user's Keras model made
 * robust: shared Dense(128)x3 encoder, dropout 0.1 after the first two layers, RMSprop 1e-3,
 * batch 32, early stopping on validation loss with patience 3 (restoring the best epoch), and
 * a threshold calibrated on validation.
 *
 * @param dropout           the Keras-sense drop RATE after each hidden layer but the last (0 = none)
 * @param validationFraction share of the training file held out for validation
 * @param split             ROW_ORDER: the last rows validate (the user's 50/50); RANDOM: shuffled by seed
 */
public record TrainingConfig(Head head, List<Integer> hiddenSizes, double dropout, double l2, double learningRate,
                             Optimizer optimizer, int batchSize, int maxEpochs, int patience, float margin,
                             long seed, double validationFraction, Split split, Objective calibration) {
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
        ROW_ORDER, RANDOM;

        public static Split parse(String text) {
            String t = text.trim().toLowerCase(Locale.ROOT).replace('_', '-');
            if (t.equals("row-order") || t.equals("rows")) {
                return ROW_ORDER;
            }
            if (t.equals("random")) {
                return RANDOM;
            }
            throw new IllegalArgumentException("unknown split '" + text + "' (expected row-order or random)");
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
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    public static TrainingConfig defaults() {
        return new TrainingConfig(Head.CONTRASTIVE, List.of(128, 128, 128), 0.1, 0.0, 1e-3, Optimizer.RMSPROP, 32, 100, 3,
                1f, 42L, 0.5, Split.ROW_ORDER, Objective.ACCURACY);
    }

    public TrainingConfig withHead(Head h) {
        return new TrainingConfig(h, hiddenSizes, dropout, l2, learningRate, optimizer, batchSize, maxEpochs, patience,
                margin, seed, validationFraction, split, calibration);
    }

    public TrainingConfig withSeed(long s) {
        return new TrainingConfig(head, hiddenSizes, dropout, l2, learningRate, optimizer, batchSize, maxEpochs, patience,
                margin, s, validationFraction, split, calibration);
    }

    public TrainingConfig withMaxEpochs(int e) {
        return new TrainingConfig(head, hiddenSizes, dropout, l2, learningRate, optimizer, batchSize, e, patience,
                margin, seed, validationFraction, split, calibration);
    }

    public TrainingConfig withHiddenSizes(List<Integer> sizes) {
        return new TrainingConfig(head, sizes, dropout, l2, learningRate, optimizer, batchSize, maxEpochs, patience,
                margin, seed, validationFraction, split, calibration);
    }

    public TrainingConfig withSplit(Split s, double fraction) {
        return new TrainingConfig(head, hiddenSizes, dropout, l2, learningRate, optimizer, batchSize, maxEpochs, patience,
                margin, seed, fraction, s, calibration);
    }
}
