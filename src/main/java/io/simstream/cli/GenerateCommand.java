package io.simstream.cli;

import io.simstream.UserInputException;
import io.simstream.data.PairCsvWriter;
import io.simstream.data.PairDataset;
import io.simstream.data.SyntheticPairs;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** `generate`: delegates to {@link SyntheticPairs} and {@link PairCsvWriter}. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = {"Write synthetic labeled pairs in the user's CSV format (learnable class structure).",
                "Files with different seeds come from the same distribution; --shift moves to another one."})
public final class GenerateCommand implements Callable<Integer> {
    @Option(names = "--rows", required = true, description = "Number of pairs.")
    int rows;

    @Option(names = "--dim", required = true, description = "Dimension d of each side (the file has 2d + 1 columns).")
    int dim;

    @Option(names = "--seed", defaultValue = "1", description = "Sampling seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--positive-rate", defaultValue = "0.5", description = "Share of 'same' pairs (default: ${DEFAULT-VALUE}).")
    double positiveRate;

    @Option(names = "--difficulty", defaultValue = "medium", description = "easy, medium (default) or hard.")
    String difficulty;

    @Option(names = "--shift", defaultValue = "0", description = "0 = distribution A (default), 1 = shifted distribution B.")
    double shift;

    @Option(names = "--spectrum-decay", defaultValue = "0", paramLabel = "R", description = "0 = every column carries"
            + " the signal alike (default); R > 0 = column j's signal scaled by exp(-R j / dim), noise kept: a steeply"
            + " falling variance spectrum like PCA outputs and real embeddings.")
    double spectrumDecay;

    @Option(names = "--label-noise", defaultValue = "0", paramLabel = "P", description = "Share of pairs whose label"
            + " is flipped (same vectors as without it; default: ${DEFAULT-VALUE}).")
    double labelNoise;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "CSV file to write.")
    Path out;

    @Override
    public Integer call() throws Exception {
        SyntheticPairs.Spec spec;
        try {
            spec = new SyntheticPairs.Spec(rows, dim, seed, positiveRate, SyntheticPairs.Difficulty.parse(difficulty), shift,
                    spectrumDecay, labelNoise);
        } catch (IllegalArgumentException e) {
            throw new UserInputException("generate: " + e.getMessage());
        }
        PairDataset data = SyntheticPairs.generate(spec);
        PairCsvWriter.write(data, out);
        System.out.println("wrote " + data.size() + " pairs (" + data.positives() + " same) of " + dim + "-d vectors to "
                + out);
        return 0;
    }
}
