package io.simstream.cli;

import io.simstream.lifecycle.ModelFiles;
import io.simstream.metrics.BatchScoring;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** `score`: delegates to {@link BatchScoring}. */
@Command(name = "score", mixinStandardHelpOptions = true,
        description = {"Score a pair CSV offline with the serving kernel and write one decision per row.",
                "The CSV is the training format (v0..v(2d-1)) with or without the 'class' column; with it,"
                        + " the metrics are written too."})
public final class ScoreCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "PATH",
            description = "The model.simstream file, or the directory holding it.")
    Path model;

    @Option(names = "--data", required = true, paramLabel = "FILE", description = "Pairs CSV, 'class' optional.")
    Path data;

    @Option(names = "--out", required = true, paramLabel = "FILE",
            description = "Decisions CSV to write: " + BatchScoring.HEADER + "[,class].")
    Path out;

    @Option(names = "--metrics", paramLabel = "FILE",
            description = "Where the metrics go when the data has labels (default: <out>-metrics.json beside --out).")
    Path metrics;

    @Override
    public Integer call() throws Exception {
        BatchScoring.run(ModelFiles.read(model), data, out, metrics, System.out::println);
        return 0;
    }
}
