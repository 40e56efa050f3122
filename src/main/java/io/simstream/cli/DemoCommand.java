package io.simstream.cli;

import io.simstream.demo.DemoRunner;
import io.simstream.demo.DemoSummary;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** `demo`: the whole system on this machine, with a real broker and registry and no Docker. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Start a real Kafka broker and schema registry locally, train and publish a model, run the"
                + " scoring service and the retrainer, and stream pairs whose distribution shifts halfway.",
                "Writes summary.json and timeline.png to --out."})
public final class DemoCommand implements Callable<Integer> {
    @Option(names = "--train", paramLabel = "CSV", description = "Train the bootstrap model on this file and replay"
            + " its rows as traffic (default: generated data).")
    Path train;

    @Option(names = "--dim", defaultValue = "32", description = "Dimension of generated vectors (default ${DEFAULT-VALUE}).")
    int dim;

    @Option(names = "--duration", defaultValue = "120s", converter = DurationConverter.class,
            description = "How long to stream (default ${DEFAULT-VALUE}); Ctrl-C ends it early.")
    Duration duration;

    @Option(names = "--rate", defaultValue = "200", description = "Pairs per second (default ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--label-delay", defaultValue = "2s", converter = DurationConverter.class,
            description = "Delay between a pair and its label (default ${DEFAULT-VALUE}).")
    Duration labelDelay;

    @Option(names = "--partitions", defaultValue = "2", description = "Partitions of pairs/decisions/labels"
            + " (default ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--out", paramLabel = "DIR", description = "Where to write the summary and plots"
            + " (default runs/demo-<time>).")
    Path out;

    @Override
    public Integer call() throws Exception {
        Path dir = out != null ? out
                : Path.of("runs", "demo-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        DemoRunner runner = new DemoRunner(new DemoRunner.Options(train, dim, duration, rate, labelDelay, partitions,
                dir, Duration.ofSeconds(2)), System.out);
        CountDownLatch finished = new CountDownLatch(1);
        Thread ctrlC = new Thread(() -> {
            runner.stop();
            try {
                finished.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "demo-shutdown");
        Runtime.getRuntime().addShutdownHook(ctrlC);
        try {
            DemoSummary summary = runner.run();
            return summary.decisions() > 0 ? 0 : 1;
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(ctrlC);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C: the JVM is already exiting and the hook is waiting on `finished`.
            }
        }
    }
}
