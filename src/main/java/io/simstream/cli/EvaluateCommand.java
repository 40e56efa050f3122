package io.simstream.cli;

import io.simstream.workflows.ModelEvaluation;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** `evaluate`: delegates to {@link ModelEvaluation}. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Score a labeled pair CSV with a saved model; print (and with --out, write) its metrics.")
public final class EvaluateCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "FILE", description = "A model.simstream written by train.")
    Path model;

    @Option(names = "--data", required = true, paramLabel = "FILE", description = "Labeled pairs CSV (same format as train).")
    Path data;

    @Option(names = "--out", paramLabel = "DIR", description = "Write metrics.json and score-histogram.png here.")
    Path out;

    @Override
    public Integer call() throws Exception {
        ModelEvaluation.run(model, data, out, System.out::println);
        return 0;
    }
}
