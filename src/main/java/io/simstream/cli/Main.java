package io.simstream.cli;

import io.simstream.StartupException;
import io.simstream.UserInputException;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/**
 * Entry point of simstream.jar and simstream-scorer.jar: one subcommand per capability. CLI classes
 * only parse and delegate. The commands that need DL4J/ND4J or the broker test kit are added by
 * {@link FullJar}.
 */
@Command(name = "simstream", mixinStandardHelpOptions = true, version = "simstream 0.1.0",
        description = "Streaming pair similarity on Kafka: train a Siamese model, serve it, retrain it.",
        subcommands = {CommandLine.HelpCommand.class, EvaluateCommand.class, GenerateCommand.class,
                ScoreCommand.class, PublishCommand.class, ModelsCommand.class, DlqCommand.class, ServeCommand.class,
                ProduceCommand.class, KeysCommand.class})
public final class Main {
    /** Exit code for bad user input (file, flag, config). */
    public static final int EXIT_USER_ERROR = 2;

    static {
        // kafka-test-common-runtime ships a log4j2.yaml, and log4j2 prefers YAML over XML: without
        // this, our log4j2.xml is ignored and ND4J's INFO banner floods the console.
        if (System.getProperty("log4j2.configurationFile") == null) {
            System.setProperty("log4j2.configurationFile", "log4j2.xml");
        }
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        return commandLine().execute(args);
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        FullJar.addCommands(cl);
        cl.getSubcommands().get("serve").getCommandSpec().usageMessage().width(160).footer(ServeCommand.settingsHelp());
        if (FullJar.PRESENT) {
            cl.getSubcommands().get("retrain").getCommandSpec().usageMessage().width(160)
                    .footer(RetrainCommand.settingsHelp());
        }
        cl.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
            Throwable root = ex;
            if (root instanceof UserInputException) {
                cmd.getErr().println("error: " + root.getMessage());
                return EXIT_USER_ERROR;
            }
            if (root instanceof StartupException) {
                cmd.getErr().println("error: " + root.getMessage());
                return 1;
            }
            throw ex;
        });
        return cl;
    }
}
