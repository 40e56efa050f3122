package io.simstream.cli;

import io.simstream.UserInputException;
import io.simstream.bench.InferenceBenchmark;
import io.simstream.evaluation.MetricsJson;
import io.simstream.model.Head;
import io.simstream.model.ModelArtifact;
import io.simstream.workflows.ModelEvaluation;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** `bench inference`: delegates to {@link InferenceBenchmark}. */
@Command(name = "inference", mixinStandardHelpOptions = true,
        description = {"Pairs/s on one thread: DL4J output() at batch 1, 32, 256 vs the Java kernels at batch 1.",
                "Prints the table and writes it (with the ratios) as JSON."})
public final class BenchInferenceCommand implements Callable<Integer> {
    @Option(names = "--model", paramLabel = "FILE", description = "A trained model.simstream (default: an untrained default-size model).")
    Path model;

    @Option(names = "--dim", defaultValue = "200", description = "Input dimension of the untrained model (default: ${DEFAULT-VALUE}).")
    int dim;

    @Option(names = "--head", defaultValue = "contrastive", description = "Head of the untrained model: contrastive or bce.")
    String head;

    @Option(names = "--seconds", defaultValue = "2", description = "Measuring time per case (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--out", defaultValue = "bench-results/inference.json", paramLabel = "FILE",
            description = "Where to write the results (default: ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (!(seconds > 0) || dim <= 0) {
            throw new UserInputException("bench inference: --seconds and --dim must be > 0");
        }
        ModelArtifact artifact;
        try {
            artifact = model != null ? ModelEvaluation.loadModel(model) : InferenceBenchmark.untrainedModel(dim, Head.parse(head));
        } catch (IllegalArgumentException e) {
            throw new UserInputException("bench inference: " + e.getMessage());
        }
        System.out.println("benchmarking " + artifact + ", " + seconds + " s per case, one thread");
        List<InferenceBenchmark.Row> rows = new InferenceBenchmark(artifact, seconds).run(System.out::println);
        var json = InferenceBenchmark.toJson(artifact, rows);
        json.get("ratios").fields().forEachRemaining(e ->
                System.out.printf(Locale.ROOT, "%-40s %8.1fx%n", e.getKey(), e.getValue().asDouble()));
        MetricsJson.write(json, out);
        System.out.printf(Locale.ROOT, "system load average %.1f on %d cores%n",
                json.get("systemLoadAverage").asDouble(), json.get("cores").asInt());
        System.out.println("wrote " + out);
        return 0;
    }
}
