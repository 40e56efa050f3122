package io.simstream.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;
import picocli.CommandLine;

/**
 * The commands only the full jar (simstream.jar) can run: train and diagnose need DL4J/ND4J and their
 * native libraries (diagnose builds an untrained DL4J network as its baseline), retrain trains
 * challengers, the demo and the benchmarks (bench e2e, inference, train) need the in-JVM broker or
 * the training code. The slim scorer jar (simstream-scorer.jar) leaves those libraries out; there
 * each of these names answers with which jar has it instead of a class-loading error.
 */
final class FullJar {
    static final String FULL_JAR = "simstream.jar";
    static final String SLIM_JAR = "simstream-scorer.jar";
    /** What the full jar holds and the slim one does not: DL4J/ND4J, and the broker test kit. */
    private static final List<String> MARKERS = List.of("org.nd4j.linalg.factory.Nd4j",
            "org.apache.kafka.common.test.KafkaClusterTestKit");
    static final boolean PRESENT = MARKERS.stream().allMatch(FullJar::loadable);
    static final List<String> COMMANDS = List.of("train", "diagnose", "retrain", "demo", "bench");

    private FullJar() {
    }

    static void addCommands(CommandLine cl) {
        if (PRESENT) {
            cl.addSubcommand(new TrainCommand());
            cl.addSubcommand(new DiagnoseCommand());
            cl.addSubcommand(new RetrainCommand());
            cl.addSubcommand(new DemoCommand());
            cl.addSubcommand(new BenchCommand());
            return;
        }
        for (String name : COMMANDS) {
            CommandLine missing = new CommandLine(new Missing());
            missing.getCommandSpec().name(name);
            missing.getCommandSpec().usageMessage().description("Not in " + SLIM_JAR + ": run it from " + FULL_JAR + ".");
            cl.addSubcommand(name, missing);
        }
    }

    private static boolean loadable(String className) {
        try {
            Class.forName(className, false, FullJar.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    @Command(mixinStandardHelpOptions = false)
    static final class Missing implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Unmatched
        List<String> ignored;

        @Override
        public Integer call() {
            spec.commandLine().getErr().println("error: '" + spec.name() + "' is not in the slim scorer jar ("
                    + SLIM_JAR + ", which holds serve, publish, models, dlq, score, produce, evaluate, generate and keys):"
                    + " run it from the full jar, " + FULL_JAR + " (bin/simstream)");
            return Main.EXIT_USER_ERROR;
        }
    }
}
