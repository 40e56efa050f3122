package io.simstream.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** `bench`: groups the benchmarks. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks.",
        subcommands = {BenchInferenceCommand.class, BenchE2eCommand.class, BenchTrainCommand.class,
                BenchQualityCommand.class, BenchRetrainCommand.class})
public final class BenchCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand (try: bench inference, bench e2e, bench train, bench quality, bench retrain)");
    }
}
