package io.simstream.cli;

import io.simstream.UserInputException;
import io.simstream.evaluation.MetricsJson;
import io.simstream.training.QualitySweep;
import io.simstream.training.SmallDataSets;
import io.simstream.training.TrainingConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** `bench quality`: delegates to {@link QualitySweep}. */
@Command(name = "quality", mixinStandardHelpOptions = true,
        description = {"Test quality against training cost of candidate defaults (seed ensembles, weight averaging,",
                "Adam, a wider encoder, the BCE head) on small sets of the user's size and shape, several seeds.",
                "Prints and writes the table (Markdown) and every run (JSON)."})
public final class BenchQualityCommand implements Callable<Integer> {
    @Option(names = "--data", defaultValue = "data", paramLabel = "DIR",
            description = "Folder holding digits64/ and digits64-pca/ (default: ${DEFAULT-VALUE}).")
    Path data;

    @Option(names = "--sets", split = ",", paramLabel = "NAME,...", description = "Sets (default: all of"
            + " digits64-500, digits64-pca-500, digits64-2000, digits64-pca-2000, synthetic200-500,"
            + " synthetic200-2000).")
    List<String> sets = SmallDataSets.names();

    @Option(names = "--levers", split = ",", paramLabel = "NAME,...", defaultValue = "ensemble,average5,adam,wide",
            description = "Levers: ensemble (K = 1, 3, 5), single (K = 1 alone), average5, adam, wide, bce, bce-average5, bce-aux3"
                    + " (default: ${DEFAULT-VALUE}).")
    List<String> levers;

    @Option(names = "--seeds", split = ",", defaultValue = "1,11,21", paramLabel = "S,...",
            description = "Seeds; an ensemble uses seed..seed+K-1, so keep them 5 or more apart (default: ${DEFAULT-VALUE}).")
    List<Long> seeds;

    @Option(names = "--out", defaultValue = "bench-results/quality", paramLabel = "PREFIX",
            description = "Writes PREFIX.json and PREFIX.md (default: ${DEFAULT-VALUE}).")
    String out;

    @Override
    public Integer call() throws Exception {
        List<QualitySweep.Lever> chosen = levers.stream().map(name -> {
            QualitySweep.Lever l = QualitySweep.LEVERS.get(name);
            if (l == null) {
                throw new UserInputException("bench quality: unknown lever '" + name + "' (known: "
                        + QualitySweep.LEVERS.keySet() + ")");
            }
            return l;
        }).toList();
        List<SmallDataSets.Pairs> pairs;
        try {
            pairs = sets.stream().map(s -> SmallDataSets.load(s, data)).toList();
        } catch (IllegalArgumentException e) {
            throw new UserInputException("bench quality: " + e.getMessage());
        }
        var cells = QualitySweep.run(pairs, chosen, seeds, TrainingConfig.defaults(), System.out::println,
                soFar -> write(soFar, chosen));
        System.out.print(write(cells, chosen));
        System.out.println("wrote " + out + ".json and " + out + ".md");
        return 0;
    }

    private String write(List<QualitySweep.Cell> cells, List<QualitySweep.Lever> chosen) {
        var rows = QualitySweep.summarize(cells);
        String table = QualitySweep.markdown(rows);
        try {
            MetricsJson.write(QualitySweep.toJson(cells, rows, chosen), Path.of(out + ".json"));
            Files.writeString(Path.of(out + ".md"), table);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return table;
    }
}
