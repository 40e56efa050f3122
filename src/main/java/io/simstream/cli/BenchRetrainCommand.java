package io.simstream.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.simstream.bench.RetrainRoundBenchmark;
import io.simstream.evaluation.MetricsJson;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** `bench retrain`: delegates to {@link RetrainRoundBenchmark}. */
@Command(name = "retrain", mixinStandardHelpOptions = true,
        description = {"Time of a retraining round (train the challenger, score it and the champion on the holdout)",
                "on the demo's window, without Kafka. Prints each round and writes them as JSON."})
public final class BenchRetrainCommand implements Callable<Integer> {
    @Option(names = "--dim", defaultValue = "32", description = "Vector dimension, as the demo's (default: ${DEFAULT-VALUE}).")
    int dim;

    @Option(names = "--window", defaultValue = "4000", description = "Labels in the window: the demo keeps two rounds'"
            + " worth, 2 x 2,000 at its default 200 pairs/s (default: ${DEFAULT-VALUE}).")
    int window;

    @Option(names = "--rounds", defaultValue = "3", description = "Rounds on the same window (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--out", defaultValue = "bench-results/retrain.json", paramLabel = "FILE",
            description = "Where to write the results (default: ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public Integer call() throws Exception {
        List<RetrainRoundBenchmark.Round> done = new RetrainRoundBenchmark(dim, window).run(rounds, System.out::println);
        long[] ms = done.stream().mapToLong(RetrainRoundBenchmark.Round::millis).sorted().toArray();
        double median = ms.length % 2 == 1 ? ms[ms.length / 2] : (ms[ms.length / 2 - 1] + ms[ms.length / 2]) / 2.0;
        System.out.printf("median round: %.1f s%n", median / 1000);
        ObjectNode json = JsonNodeFactory.instance.objectNode().put("dim", dim).put("window", window)
                .put("medianRoundSeconds", median / 1000)
                .put("systemLoadAverage", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        var a = json.putArray("rounds");
        done.forEach(r -> a.addObject().put("event", r.eventType()).put("seconds", r.millis() / 1000.0)
                .put("challengerAuc", r.challengerAuc()));
        MetricsJson.write(json, out);
        System.out.println("wrote " + out);
        return 0;
    }
}
