package io.simstream.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine;

/** `bench`: groups the benchmarks. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks.",
        subcommands = {BenchInferenceCommand.class, BenchE2eCommand.class, BenchTrainCommand.class,
                BenchDriftCommand.class, BenchModelsCommand.class, BenchQualityCommand.class,
                BenchRetrainCommand.class})
public final class BenchCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand (try: bench inference, bench e2e,"
                + " bench train, bench drift, bench models, bench quality, bench retrain)");
    }
}
