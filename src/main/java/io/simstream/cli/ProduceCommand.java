package io.simstream.cli;

import io.simstream.demo.PairSource;
import io.simstream.demo.TrafficGenerator;
import io.simstream.topics.Topics;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** `produce`: demo traffic (pairs, then their labels) against any broker and registry. */
@Command(name = "produce", mixinStandardHelpOptions = true,
        description = "Produce synthetic VectorPair traffic and, later, its LabeledPair feedback.")
public final class ProduceCommand implements Callable<Integer> {
    @Mixin
    TopicOptions cluster;

    @Option(names = "--rate", defaultValue = "200", description = "Pairs per second (default ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--dim", defaultValue = "32", description = "Vector dimension (default ${DEFAULT-VALUE}).")
    int dim;

    @Option(names = "--label-delay", defaultValue = "2s", converter = DurationConverter.class,
            description = "Delay before a pair's label is sent (default ${DEFAULT-VALUE}).")
    Duration labelDelay;

    @Option(names = "--shift-after", defaultValue = "5m", converter = DurationConverter.class,
            description = "Switch to the shifted distribution after this long (default ${DEFAULT-VALUE}).")
    Duration shiftAfter;

    @Option(names = "--duration", defaultValue = "0s", converter = DurationConverter.class,
            description = "Stop after this long; 0 runs until SIGTERM (default ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--bad-every", defaultValue = "0", description = "Send a broken pair every N pairs (0 = never).")
    int badEvery;

    @Option(names = "--seed", defaultValue = "1000", description = "Seed of the generated pairs.")
    long seed;

    @Override
    public Integer call() throws Exception {
        Topics topics = cluster.topics(cluster.registry());
        CountDownLatch stop = new CountDownLatch(1);
        try (TrafficGenerator traffic = new TrafficGenerator(cluster.clientConfig(), topics.pairs(),
                topics.labeledPairs(), PairSource.synthetic(dim, seed),
                new TrafficGenerator.Settings(rate, labelDelay, shiftAfter, badEvery)).start()) {
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "produce-shutdown"));
            if (duration.isZero()) {
                stop.await();
            } else {
                stop.await(duration.toMillis(), TimeUnit.MILLISECONDS);
            }
            System.out.printf("sent %d pairs (%d broken on purpose) and %d labels%n", traffic.pairsSent(),
                    traffic.brokenSent(), traffic.labelsSent());
            return traffic.sendErrors() == 0 ? 0 : 1;
        }
    }
}
