package io.simstream.cli;

import io.simstream.UserInputException;
import io.simstream.data.PairCsvReader;
import io.simstream.data.PairDataset;
import io.simstream.metrics.MetricsJson;
import io.simstream.training.TrainingBenchmark;
import io.simstream.training.TrainingConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** `bench train`: delegates to {@link TrainingBenchmark}. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Training pairs/s, wall time and test quality of plain, refit and refit-ensemble runs on the",
                "same data, with ratios to the plain run. Prints the table and writes it as JSON."})
public final class BenchTrainCommand implements Callable<Integer> {
    @Option(names = "--train", required = true, paramLabel = "FILE", description = "Training pairs CSV.")
    Path train;

    @Option(names = "--test", paramLabel = "FILE", description = "Test pairs CSV (adds test accuracy and AUC).")
    Path test;

    @Option(names = "--ensembles", split = ",", defaultValue = "3,5", paramLabel = "K,K",
            description = "Ensemble sizes to measure (default: ${DEFAULT-VALUE}).")
    List<Integer> ensembles;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of every run (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", defaultValue = "bench-results/train.json", paramLabel = "FILE",
            description = "Where to write the results (default: ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (ensembles.stream().anyMatch(k -> k < 1 || k > TrainingConfig.MAX_ENSEMBLE)) {
            throw new UserInputException("bench train: --ensembles must be in [1, " + TrainingConfig.MAX_ENSEMBLE + "]");
        }
        PairDataset trainData = PairCsvReader.read(train);
        PairDataset testData = test == null ? null : PairCsvReader.read(test);
        System.out.println("benchmarking training on " + train + " (" + trainData.size() + " pairs), seed " + seed);
        TrainingBenchmark bench = new TrainingBenchmark(trainData, testData, TrainingConfig.defaults().withSeed(seed),
                ensembles);
        var rows = bench.run(System.out::println);
        var json = TrainingBenchmark.toJson(trainData, rows);
        json.get("ratiosToPlain").fields().forEachRemaining(e -> System.out.printf(Locale.ROOT,
                "%-18s wall time %5.2fx plain, pairs/s %5.2fx plain%n", e.getKey(),
                e.getValue().get("wallTime").asDouble(), e.getValue().get("pairsPerSecond").asDouble()));
        MetricsJson.write(json, out);
        System.out.println("wrote " + out);
        return 0;
    }
}
