package io.simstream.cli;

import io.simstream.UserInputException;
import io.simstream.bench.E2eBenchmark;
import io.simstream.bench.E2eReport;
import io.simstream.config.ClusterConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** `bench e2e`: delegates to {@link E2eBenchmark}. */
@Command(name = "e2e", mixinStandardHelpOptions = true,
        description = {"`serve` as a separate process vs the same process with a pass-through scorer, on a real broker"
                + " and registry, for each profile x guarantee:",
                "throughput over a backlog, end-to-end latency at a steady rate, serve's RSS, hot-swap latency,"
                        + " and the cost of a shadow candidate; the median of --rounds alternating rounds. Writes JSON.",
                "Records the load average and the CPU other processes took, and marks a run on a machine that was"
                        + " not quiet (--require-quiet refuses it).",
                "Without a broker (--bootstrap, --config or SIMSTREAM_BOOTSTRAP_SERVERS) one runs in this JVM;"
                        + " without a registry URL the embedded Apicurio registry runs as a child process."})
public final class BenchE2eCommand implements Callable<Integer> {
    private static final List<String> PROFILES = List.of("throughput", "latency");
    private static final List<String> GUARANTEES = List.of("at_least_once", "exactly_once_v2");

    @Option(names = "--pairs", defaultValue = "100000", description = "Backlog each child reads (default: ${DEFAULT-VALUE}).")
    int pairs;

    @Option(names = "--dim", defaultValue = "200", description = "Vector dimension (default: ${DEFAULT-VALUE}).")
    int dim;

    @Option(names = "--partitions", defaultValue = "4", description = "Partitions of the pairs topic (default: ${DEFAULT-VALUE}).")
    int partitions;

    /**
     * An existing cluster, with the settings every command takes (--bootstrap, --registry-url, --config,
     * SIMSTREAM_*, --set, --kafka); without a broker or registry from any of them, one is started here.
     */
    @Mixin
    ServiceOptions cluster;

    @Option(names = "--rate", defaultValue = "5000", description = "Pairs/s of the latency phase (default: ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--probe-pairs", defaultValue = "50000", description = "Pairs sent at --rate per run (default: ${DEFAULT-VALUE}).")
    int probePairs;

    @Option(names = "--swaps", defaultValue = "3", description = "Hot swaps to time in the first run (default: ${DEFAULT-VALUE}).")
    int swaps;

    @Option(names = "--profiles", defaultValue = "throughput,latency", split = ",",
            description = "Profiles to run (default: ${DEFAULT-VALUE}).")
    List<String> profiles = new ArrayList<>();

    @Option(names = "--guarantees", defaultValue = "at_least_once,exactly_once_v2", split = ",",
            description = "Processing guarantees to run (default: ${DEFAULT-VALUE}).")
    List<String> guarantees = new ArrayList<>();

    @Option(names = "--threads", defaultValue = "1", description = "Stream threads (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--rounds", defaultValue = "3", description = "Rounds per configuration; each runs every mode"
            + " once, in a rotating order, and the medians are reported (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--modes", defaultValue = "pass-through,scoring,shadow", split = ",",
            description = "What the children run: pass-through (no kernel), scoring, shadow (scoring with a shadow"
                    + " candidate beside the champion) (default: ${DEFAULT-VALUE}).")
    List<String> modes = new ArrayList<>();

    @Option(names = "--ensemble", defaultValue = "1", description = "Encoders in the benchmark model (K; default:"
            + " ${DEFAULT-VALUE}).")
    int ensemble;

    @Option(names = "--require-quiet", description = "Wait up to --quiet-wait for the load average to fall to the"
            + " core count before starting, and refuse to report a run on a machine that was not quiet: its JSON"
            + " goes to FILE.noisy.json and the exit code is 3.")
    boolean requireQuiet;

    @Option(names = "--quiet-wait", defaultValue = "5m", converter = DurationConverter.class,
            description = "With --require-quiet: how long to wait for a quiet machine (default: ${DEFAULT-VALUE}).")
    Duration quietWait;

    @Option(names = "--serve-jvm", paramLabel = "OPTIONS", split = " ",
            description = "JVM options of the serve process (default: the k8s-sized ones, see README).")
    List<String> jvmOptions;

    @Option(names = "--out", defaultValue = "bench-results/e2e.json", paramLabel = "FILE",
            description = "Where to write the results (default: ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (pairs < 8 || dim < 1 || partitions < 1 || rate < 10 || probePairs < 1 || swaps < 0 || threads < 1
                || rounds < 1 || ensemble < 1) {
            throw new UserInputException("bench e2e: --pairs >= 8, --rate >= 10, other counts >= 1 (--swaps >= 0)");
        }
        if (!PROFILES.containsAll(profiles) || profiles.isEmpty()) {
            throw new UserInputException("bench e2e: --profiles takes " + PROFILES + ", got " + profiles);
        }
        if (!GUARANTEES.containsAll(guarantees) || guarantees.isEmpty()) {
            throw new UserInputException("bench e2e: --guarantees takes " + GUARANTEES + ", got " + guarantees);
        }
        List<E2eBenchmark.Mode> parsedModes = new ArrayList<>();
        for (String m : modes) {
            try {
                parsedModes.add(E2eBenchmark.Mode.parse(m));
            } catch (IllegalArgumentException e) {
                throw new UserInputException("bench e2e: --modes takes pass-through, scoring, shadow; got '" + m + "'");
            }
        }
        if (requireQuiet && !E2eBenchmark.awaitQuiet(quietWait, System.out::println)) {
            System.err.printf(Locale.ROOT, "bench e2e: refused: the load average stayed above the core count for %s%n",
                    quietWait);
            return 3;
        }
        var options = new E2eBenchmark.Options(pairs, dim, partitions, new E2eBenchmark.ClusterSource(
                cluster.configFile, cluster.flags(), cluster.gives(ClusterConfig.BOOTSTRAP),
                cluster.gives(ClusterConfig.REGISTRY_URL)), rate, probePairs, swaps,
                profiles, guarantees, threads, jvmOptions == null ? E2eBenchmark.defaultJvmOptions() : jvmOptions,
                rounds, parsedModes, ensemble);
        var result = new E2eBenchmark(options, System.out::println).run();
        boolean quiet = result.get("machine").get("quiet").asBoolean();
        Path written = quiet || !requireQuiet ? out
                : out.resolveSibling(out.getFileName().toString().replaceFirst("\\.json$", "") + ".noisy.json");
        E2eBenchmark.write(result, written);
        System.out.println(result.toPrettyString());
        result.get("configurations").forEach(c -> System.out.println(E2eReport.line(c)));
        if (!quiet) {
            System.out.println("WARNING: " + result.get("machine").get("warning").asText());
        }
        System.out.println("wrote " + written);
        return quiet || !requireQuiet ? 0 : 3;
    }
}
