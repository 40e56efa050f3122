package io.simstream.cli;

import io.simstream.UserInputException;
import io.simstream.data.InputScaling;
import io.simstream.diagnose.DiagnoseJob;
import io.simstream.evaluation.MetricsJson;
import io.simstream.training.TrainingConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** `diagnose`: parses options and delegates to {@link DiagnoseJob}. */
@Command(name = "diagnose", mixinStandardHelpOptions = true,
        description = {"Explain, on a pair CSV, why validation curves may be flat and what to change:",
                "class balance, input scale at initialisation, constant and duplicate columns, repeated vectors and",
                "the leakage of the split, the variance spectrum. `train` runs it first."})
public final class DiagnoseCommand implements Callable<Integer> {
    private static final TrainingConfig D = TrainingConfig.defaults();

    @Option(names = "--data", required = true, paramLabel = "FILE", description = "Labeled pairs CSV (the train format).")
    Path data;

    @Option(names = "--out", paramLabel = "DIR", description = "Also write DIR/diagnosis.json.")
    Path out;

    @Option(names = "--json", description = "Print the findings as JSON instead of text.")
    boolean json;

    @Option(names = "--val-fraction", description = "The validation share the leakage check splits off (default: ${DEFAULT-VALUE}).")
    double valFraction = D.validationFraction();

    @Option(names = "--split", description = "The split the leakage check measures: row-order (default), random or disjoint.")
    String split = "row-order";

    @Option(names = "--scaling", description = "The scaling train would use: global (default) or per-column.")
    String scaling = TrainingConfig.DEFAULT_SCALING.id();

    @Option(names = "--seed", description = "Seed of the untrained network and of random splits (default: ${DEFAULT-VALUE}).")
    long seed = D.seed();

    @Override
    public Integer call() throws Exception {
        TrainingConfig cfg;
        try {
            cfg = D.withSplit(TrainingConfig.Split.parse(split), valFraction).withScaling(InputScaling.parse(scaling))
                    .withSeed(seed);
        } catch (IllegalArgumentException e) {
            throw new UserInputException("diagnose: " + e.getMessage());
        }
        var result = DiagnoseJob.run(data, cfg, out, json ? line -> { } : System.out::println);
        if (json) {
            System.out.println(MetricsJson.toPrettyString(result));
        }
        return 0;
    }
}
