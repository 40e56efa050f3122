package io.simstream.cli;

import io.simstream.UserInputException;
import io.simstream.bench.E2eBenchmark;
import io.simstream.registry.ConfluentRegistryClient;
import io.simstream.registry.RegistryClientConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** `bench e2e`: delegates to {@link E2eBenchmark}. */
@Command(name = "e2e", mixinStandardHelpOptions = true,
        description = {"Scoring topology vs the same topology with a pass-through scorer, on a real broker:",
                "throughput, end-to-end latency, hot-swap latency, model memory. Writes JSON."})
public final class BenchE2eCommand implements Callable<Integer> {
    @Option(names = "--pairs", defaultValue = "200000", description = "Backlog size per run (default: ${DEFAULT-VALUE}).")
    int pairs;

    @Option(names = "--dim", defaultValue = "200", description = "Vector dimension (default: ${DEFAULT-VALUE}).")
    int dim;

    @Option(names = "--partitions", defaultValue = "4", description = "Partitions of the pairs topic (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--bootstrap", description = "An existing broker; default: start one in this JVM.")
    String bootstrap;

    @Option(names = "--registry-url", description = "A schema registry; default: an in-process one.")
    String registryUrl;

    @Option(names = "--rate", defaultValue = "2000", description = "Pairs/s for the latency and swap phases (default: ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--probe-pairs", defaultValue = "10000", description = "Pairs sent at --rate for latency (default: ${DEFAULT-VALUE}).")
    int probePairs;

    @Option(names = "--swaps", defaultValue = "3", description = "Hot swaps to time (default: ${DEFAULT-VALUE}).")
    int swaps;

    @Option(names = "--guarantee", defaultValue = "exactly_once_v2", description = "exactly_once_v2 or at_least_once.")
    String guarantee;

    @Option(names = "--threads", defaultValue = "1", description = "Stream threads (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--rounds", defaultValue = "5", description = "Alternating pass-through/scoring rounds (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--out", defaultValue = "bench-results/e2e.json", paramLabel = "FILE",
            description = "Where to write the results (default: ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (pairs < 2 || dim < 1 || partitions < 1 || rate < 10 || probePairs < 1 || swaps < 0 || threads < 1 || rounds < 1) {
            throw new UserInputException("bench e2e: --pairs >= 2, --rate >= 10, other counts >= 1 (--swaps >= 0)");
        }
        if (!guarantee.equals("exactly_once_v2") && !guarantee.equals("at_least_once")) {
            throw new UserInputException("bench e2e: --guarantee must be exactly_once_v2 or at_least_once");
        }
        var registry = registryUrl == null ? null : new ConfluentRegistryClient(RegistryClientConfig.of(registryUrl));
        var options = new E2eBenchmark.Options(pairs, dim, partitions, bootstrap, registry, rate, probePairs, swaps,
                guarantee, threads, rounds);
        var result = new E2eBenchmark(options, System.out::println).run();
        E2eBenchmark.write(result, out);
        System.out.println(result.toPrettyString());
        System.out.printf(java.util.Locale.ROOT, "scoring / pass-through throughput: %.2fx (target >= 0.8x)%n",
                result.get("throughputRatio").asDouble());
        System.out.println("wrote " + out);
        return 0;
    }
}
