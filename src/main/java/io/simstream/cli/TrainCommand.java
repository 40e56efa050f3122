package io.simstream.cli;

import io.simstream.UserInputException;
import io.simstream.data.InputScaling;
import io.simstream.evaluation.ThresholdCalibrator;
import io.simstream.model.Head;
import io.simstream.signing.ArtifactSigner;
import io.simstream.training.EnsemblePolicy;
import io.simstream.training.TrainingConfig;
import io.simstream.workflows.TrainingJob;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** `train`: parses options into a {@link TrainingConfig} and runs {@link TrainingJob}. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Train the Siamese model on a pair CSV (header v0..v(2d-1),class).",
                "Writes DIR/model.simstream, DIR/metrics.json, DIR/learning-curves.png, DIR/score-histogram.png."})
public final class TrainCommand implements Callable<Integer> {
    private static final TrainingConfig D = TrainingConfig.defaults();

    @Option(names = "--train", required = true, paramLabel = "FILE", description = "Training pairs CSV (validation is split off it).")
    Path train;

    @Option(names = "--test", paramLabel = "FILE", description = "Held-out test pairs CSV, evaluated after training.")
    Path test;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory.")
    Path out;

    @Option(names = "--head", defaultValue = "contrastive", description = "contrastive (distance, default) or bce.")
    String head;

    @Option(names = "--layers", split = ",", paramLabel = "N,N,...", description = "Encoder layer sizes (default: 128,128,128).")
    List<Integer> layers = D.hiddenSizes();

    @Option(names = "--dropout", description = "Drop rate after each hidden layer but the last (Keras sense; default: ${DEFAULT-VALUE}).")
    double dropout = D.dropout();

    @Option(names = "--l2", description = "L2 weight penalty (default: ${DEFAULT-VALUE}).")
    double l2 = D.l2();

    @Option(names = "--learning-rate", description = "Learning rate (default: ${DEFAULT-VALUE}).")
    double learningRate = D.learningRate();

    @Option(names = "--optimizer", description = "rmsprop (default) or adam.")
    String optimizer = "rmsprop";

    @Option(names = "--batch-size", description = "Mini-batch size (default: ${DEFAULT-VALUE}).")
    int batchSize = D.batchSize();

    @Option(names = "--max-epochs", description = "Epoch limit (default: ${DEFAULT-VALUE}).")
    int maxEpochs = D.maxEpochs();

    @Option(names = "--patience", description = "Early-stopping patience on validation loss (default: ${DEFAULT-VALUE}).")
    int patience = D.patience();

    @Option(names = "--margin", description = "Contrastive loss margin (default: ${DEFAULT-VALUE}).")
    float margin = D.margin();

    @Option(names = "--seed", description = "Random seed: same data + seed = same metrics (default: ${DEFAULT-VALUE}).")
    long seed = D.seed();

    @Option(names = "--val-fraction", description = "Share of --train held out for validation (default: ${DEFAULT-VALUE}).")
    double valFraction = D.validationFraction();

    @Option(names = "--split", description = "row-order (last rows validate; default), random (shuffled by --seed) or"
            + " disjoint (no vector on both sides of the train/validation boundary).")
    String split = "row-order";

    @Option(names = "--scaling", description = "Input scaling: global (centre, one scale for all columns; keeps the"
            + " geometry; default) or per-column (standardize each column).")
    String scaling = TrainingConfig.DEFAULT_SCALING.id();

    @Option(names = "--no-refit", description = "Keep the selection run's model instead of refitting on train +"
            + " validation for the epoch count early stopping picked (the refit is the default).")
    boolean noRefit;

    @Option(names = "--ensemble", paramLabel = "K|auto", description = "Train K encoders (seeds seed..seed+K-1) into"
            + " one model; the kernel averages their scores. auto (default): "
            + EnsemblePolicy.FEW_LABELS_MEMBERS + " up to " + EnsemblePolicy.FEW_LABELS + " labelled pairs, 1 above"
            + " (the reason goes into metrics.json).")
    String ensemble = "auto";

    @Option(names = "--calibrate", description = "Threshold objective on validation: accuracy (default) or f1.")
    String calibrate = "accuracy";

    @Option(names = "--bce-aux-weight", paramLabel = "W", description = "bce head: weight of a contrastive loss on the"
            + " embedding distance trained alongside BCE (0 = pure BCE; default: ${DEFAULT-VALUE}). Scoring stays"
            + " L1 + Dense + sigmoid.")
    double bceAuxWeight = TrainingConfig.DEFAULT_BCE_AUX_WEIGHT;

    @Option(names = "--sign-key", paramLabel = "FILE", description = "Sign the model with this Ed25519 private key"
            + " (PKCS#8 PEM, from `keys generate`); without it, the PEM in SIMSTREAM_SIGNING_KEY when set. A key that"
            + " cannot sign stops training before it starts (exit 2).")
    Path signKey;

    @Option(names = "--average-epochs", paramLabel = "N", description = "Final weights = the mean of the weights after"
            + " each of the last N epochs, in the selection run and the refit alike (1 = the last epoch's; default:"
            + " ${DEFAULT-VALUE}).")
    int averageEpochs = TrainingConfig.DEFAULT_AVERAGE_EPOCHS;

    @Override
    public Integer call() throws Exception {
        // Read the key first: a bad key must fail before an hour of training, not after.
        ArtifactSigner signer = ArtifactSigner.fromFileOrEnv(signKey, System.getenv());
        TrainingConfig cfg;
        try {
            cfg = new TrainingConfig(Head.parse(head), layers, dropout, l2, learningRate,
                    TrainingConfig.Optimizer.parse(optimizer), batchSize, maxEpochs, patience, margin, seed, valFraction,
                    TrainingConfig.Split.parse(split), ThresholdCalibrator.Objective.parse(calibrate),
                    InputScaling.parse(scaling), !noRefit, parseEnsemble(ensemble), bceAuxWeight, averageEpochs);
        } catch (IllegalArgumentException e) {
            throw new UserInputException("train: " + e.getMessage());
        }
        TrainingJob.run(train, test, out, cfg, signer, System.out::println);
        return 0;
    }

    private static int parseEnsemble(String text) {
        if (text.trim().equalsIgnoreCase("auto")) {
            return EnsemblePolicy.AUTO;
        }
        try {
            int k = Integer.parseInt(text.trim());
            if (k != EnsemblePolicy.AUTO) {
                return k;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("--ensemble must be auto or a number >= 1, got '" + text + "'");
    }
}
