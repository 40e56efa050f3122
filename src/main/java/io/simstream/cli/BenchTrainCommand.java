package io.simstream.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.simstream.UserInputException;
import io.simstream.bench.EpochSpeedComparison;
import io.simstream.bench.TorchReference;
import io.simstream.bench.TrainingBenchmark;
import io.simstream.data.PairCsvReader;
import io.simstream.data.PairDataset;
import io.simstream.evaluation.MetricsJson;
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
                "same data, with ratios to the plain run and of each ensemble to K single runs; with --torch, the",
                "per-epoch time against the user's PyTorch network. Prints the table and writes it as JSON."})
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

    @Option(names = "--torch", description = "Also time the PyTorch reference (the user's network, scripts/"
            + "torch_reference.py, bundled) on the same files, alternating with simstream's selection runs, and print"
            + " the per-epoch ratio. Needs --test and Debian's python3-torch (scripts/install-bench-deps.sh).")
    boolean torch;

    @Option(names = "--rounds", defaultValue = "3", description = "Alternating rounds of the PyTorch comparison"
            + " (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--python", paramLabel = "EXE", description = "Interpreter for the reference (default:"
            + " SIMSTREAM_PYTHON or /usr/bin/python3, which sees Debian's packages).")
    String python = System.getenv().getOrDefault("SIMSTREAM_PYTHON", "/usr/bin/python3");

    @Option(names = "--torch-only", description = "Only the PyTorch comparison, not the plain/refit/ensemble table.")
    boolean torchOnly;

    @Override
    public Integer call() throws Exception {
        if (ensembles.stream().anyMatch(k -> k < 1 || k > TrainingConfig.MAX_ENSEMBLE)) {
            throw new UserInputException("bench train: --ensembles must be in [1, " + TrainingConfig.MAX_ENSEMBLE + "]");
        }
        if ((torch || torchOnly) && (test == null || rounds < 1)) {
            throw new UserInputException("bench train: --torch needs --test (the reference scores it) and --rounds >= 1");
        }
        PairDataset trainData = PairCsvReader.read(train);
        PairDataset testData = test == null ? null : PairCsvReader.read(test);
        System.out.println("benchmarking training on " + train + " (" + trainData.size() + " pairs), seed " + seed);
        TrainingConfig base = TrainingConfig.defaults().withSeed(seed);
        ObjectNode json;
        if (torchOnly) {
            json = JsonNodeFactory.instance.objectNode().put("train", train.toString()).put("pairs", trainData.size());
        } else {
            var rows = new TrainingBenchmark(trainData, testData, base, ensembles).run(System.out::println);
            json = TrainingBenchmark.toJson(trainData, rows);
            json.get("ratiosToPlain").fields().forEachRemaining(e -> System.out.printf(Locale.ROOT,
                    "%-18s wall time %5.2fx plain, pairs/s %5.2fx plain%n", e.getKey(),
                    e.getValue().get("wallTime").asDouble(), e.getValue().get("pairsPerSecond").asDouble()));
            json.get("ensembleCostToKSingleRuns").fields().forEachRemaining(e -> System.out.printf(Locale.ROOT,
                    "%-18s wall time %5.2fx K single refit runs%n", e.getKey(), e.getValue().asDouble()));
        }
        if (torch || torchOnly) {
            if (System.getenv("OMP_NUM_THREADS") == null) {
                System.out.println("note: OMP_NUM_THREADS is not set (bin/simstream sets it to 1); ND4J then starts an"
                        + " OpenMP pool per core, and on a loaded machine epochs were up to 6x slower (docs/training.md)");
            }
            TorchReference reference = TorchReference.prepare(python);
            EpochSpeedComparison.Result speed = EpochSpeedComparison.run(train, test, trainData, base, reference,
                    rounds, System.out::println);
            System.out.printf(Locale.ROOT, "per epoch: simstream %.3f s, PyTorch %.3f s: %.2fx (fit alone: %.3f s"
                    + " vs %.3f s, %.2fx)%n", speed.epochSeconds(), speed.torchEpochSeconds(), speed.epochRatio(),
                    speed.fitSeconds(), speed.torchFitSeconds(), speed.fitRatio());
            json.set("torchComparison", speed.toJson());
        }
        MetricsJson.write(json, out);
        System.out.println("wrote " + out);
        return 0;
    }
}
