package io.simstream.cli;

import io.simstream.UserInputException;
import io.simstream.bench.DriftBenchmark;
import io.simstream.drift.DriftSettings;
import io.simstream.evaluation.MetricsJson;
import io.simstream.model.ModelArtifact;
import io.simstream.training.SiameseTrainer;
import io.simstream.training.TrainingConfig;
import io.simstream.training.ValidationSplit;
import io.simstream.workflows.ModelEvaluation;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** `bench drift`: delegates to {@link DriftBenchmark}. */
@Command(name = "drift", mixinStandardHelpOptions = true,
        description = {"Drift detection on the demo's situation, offline: false alarms on stationary traffic (many",
                "seeded runs), detection delay after the demo's shift, class-balance changes, cost per pair.",
                "Prints the figures and writes them as JSON."})
public final class BenchDriftCommand implements Callable<Integer> {
    @Option(names = "--model", paramLabel = "FILE",
            description = "A model trained on synthetic distribution A of --dim (default: train one as the demo does).")
    Path model;

    @Option(names = "--dim", defaultValue = "32", description = "Vector dimension, as the demo's --dim (default: ${DEFAULT-VALUE}).")
    int dim;

    @Option(names = "--bootstrap-pairs", defaultValue = "3000",
            description = "Pairs the bootstrap model trains on, as in the demo (default: ${DEFAULT-VALUE}).")
    int bootstrapPairs;

    @Option(names = "--epochs", defaultValue = "30", description = "Bootstrap training epochs at most, as in the demo (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--reference-pairs", split = ",", defaultValue = "2000,800", paramLabel = "N,N",
            description = "Reference sizes to measure: a 2,000-pair held-out sample, the demo retrainer's 800-pair holdout (default: ${DEFAULT-VALUE}).")
    List<Integer> referencePairs;

    @Option(names = "--runs", defaultValue = "200", description = "Stationary runs per reference size (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--pairs", defaultValue = "50000", description = "Pairs per stationary run (default: ${DEFAULT-VALUE}).")
    int pairs;

    @Option(names = "--delay-runs", defaultValue = "200", description = "Runs with the demo's shift per reference size (default: ${DEFAULT-VALUE}).")
    int delayRuns;

    @Option(names = "--rate", defaultValue = "200", description = "Pairs per second, for delays in seconds (the demo's rate, default: ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--pool", defaultValue = "100000", description = "Pre-scored pairs per distribution that streams draw from (default: ${DEFAULT-VALUE}).")
    int pool;

    @Option(names = "--class-balance", split = ",", defaultValue = "0.4,0.3,0.2", paramLabel = "P,P",
            description = "Shares of 'same' pairs for the class-balance runs (the reference has 0.5; default: ${DEFAULT-VALUE}).")
    List<Double> priorRates;

    @Option(names = "--partial-shifts", split = ",", defaultValue = "0.1,0.2,0.3,0.5", paramLabel = "S,S",
            description = "Smaller shifts than the demo's 1 for the sensitivity runs (default: ${DEFAULT-VALUE}).")
    List<Double> partialShifts;

    // The detector's settings default to serve's drift.* defaults (declared once, in ScoringConfig).
    @Option(names = "--window", description = "Detector window in pairs (default: serve's drift.window.pairs).")
    Integer window;

    @Option(names = "--alpha", description = "Detector alpha per window (default: serve's drift.alpha).")
    Double alpha;

    @Option(names = "--persistence", description = "Consecutive alarming windows for an alarm (default: serve's"
            + " drift.persistence).")
    Integer persistence;

    @Option(names = "--min-psi", description = "Score effect floor (default: serve's drift.min.psi).")
    Double minPsi;

    @Option(names = "--min-input-shift", description = "Input effect floor (default: serve's drift.min.input.shift).")
    Double minInputShift;

    @Option(names = "--cost-seconds", defaultValue = "2", description = "Measuring time per cost case (default: ${DEFAULT-VALUE}).")
    double costSeconds;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the pools, references and streams (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", defaultValue = "bench-results/drift.json", paramLabel = "FILE",
            description = "Where to write the results (default: ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public Integer call() throws Exception {
        DriftSettings settings;
        try {
            DriftSettings d = DriftSettings.DEFAULTS;
            settings = d.withWindowPairs(window != null ? window : d.windowPairs())
                    .withAlpha(alpha != null ? alpha : d.alpha())
                    .withPersistence(persistence != null ? persistence : d.persistence())
                    .withEffectFloors(minPsi != null ? minPsi : d.minPsi(),
                            minInputShift != null ? minInputShift : d.minInputShift());
        } catch (IllegalArgumentException e) {
            throw new UserInputException("bench drift: " + e.getMessage());
        }
        if (dim <= 0 || bootstrapPairs < 100 || epochs < 1 || runs < 1 || pairs < settings.windowPairs() || delayRuns < 1 || rate < 1
                || pool < 1_000 || !(costSeconds > 0) || referencePairs.isEmpty()
                || referencePairs.stream().anyMatch(n -> n < 50 || n > pool)
                || priorRates.stream().anyMatch(p -> !(p >= 0 && p <= 1))
                || partialShifts.stream().anyMatch(x -> !(x > 0 && x <= 1))) {
            throw new UserInputException("bench drift: --dim, --epochs, --runs, --delay-runs, --rate and --cost-seconds"
                    + " must be > 0, --bootstrap-pairs >= 100, --pairs >= --window, --pool >= 1000, --reference-pairs"
                    + " in [50, --pool], --class-balance in [0, 1], --partial-shifts in (0, 1]");
        }
        ModelArtifact given = model == null ? null : ModelEvaluation.loadModel(model);
        TrainingConfig training = TrainingConfig.defaults().withMaxEpochs(epochs);
        var bench = new DriftBenchmark(new DriftBenchmark.Options(dim, bootstrapPairs, referencePairs, runs, pairs,
                delayRuns, rate, pool, priorRates, partialShifts, seed, settings, costSeconds), given,
                data -> {
                    var result = new SiameseTrainer(training, line -> { }).train(data);
                    return new DriftBenchmark.Bootstrap(result.artifact(), result.validationScores().scores());
                },
                data -> ValidationSplit.of(data, training).validation());
        var json = bench.run(System.out::println);
        MetricsJson.write(json, out);
        System.out.printf(Locale.ROOT, "system load average %.1f on %d cores%n",
                json.get("systemLoadAverage").asDouble(), json.get("cores").asInt());
        System.out.println("wrote " + out);
        return 0;
    }
}
