package io.simstream.cli;

import io.simstream.UserInputException;
import io.simstream.bench.E2eBenchmark;
import io.simstream.bench.ModelSizeBenchmark;
import io.simstream.config.ClusterConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** `bench models`: delegates to {@link ModelSizeBenchmark}. */
@Command(name = "models", mixinStandardHelpOptions = true,
        description = {"Publish-to-first-decision for large models: `serve` as a separate process, pairs at a steady"
                + " rate, and a wide ensemble of each --sizes published on a models topic of --max-message-bytes (so"
                + " it goes out in chunks). Then the heap a load of each size needs, in a JVM of its own. Writes JSON.",
                "Without a broker (--bootstrap, --config or SIMSTREAM_BOOTSTRAP_SERVERS) one runs in this JVM;"
                        + " without a registry URL the embedded Apicurio registry runs as a child process."})
public final class BenchModelsCommand implements Callable<Integer> {
    @Option(names = "--sizes", defaultValue = "1,20,100", split = ",", paramLabel = "MB",
            description = "Model sizes in MB (default: ${DEFAULT-VALUE}).")
    List<Integer> sizes = new ArrayList<>();

    @Option(names = "--max-message-bytes", defaultValue = "1048576",
            description = "max.message.bytes of the benchmark's models topic (default: ${DEFAULT-VALUE}).")
    int maxMessageBytes;

    @Option(names = "--dim", defaultValue = "16", description = "Vector dimension (default: ${DEFAULT-VALUE}).")
    int dim;

    @Option(names = "--rate", defaultValue = "20", description = "Pairs/s streamed meanwhile (default: ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--skip-heap", description = "Skip measuring the heap a load of each size needs.")
    boolean skipHeap;

    @Mixin
    ServiceOptions cluster;

    @Option(names = "--serve-jvm", paramLabel = "OPTIONS", split = " ",
            description = "JVM options of the serve process (default: -Xms64m -Xmx768m -XX:+UseSerialGC).")
    List<String> jvmOptions;

    @Option(names = "--out", defaultValue = "bench-results/models.json", paramLabel = "FILE",
            description = "Where to write the results (default: ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (sizes.isEmpty() || sizes.stream().anyMatch(s -> s < 1 || s > 2000) || rate < 1 || dim < 1
                || maxMessageBytes < 65536) {
            throw new UserInputException("bench models: --sizes 1-2000 MB each, --rate and --dim >= 1,"
                    + " --max-message-bytes >= 65536");
        }
        var options = new ModelSizeBenchmark.Options(sizes, maxMessageBytes, dim, rate, new E2eBenchmark.ClusterSource(
                cluster.configFile, cluster.flags(), cluster.gives(ClusterConfig.BOOTSTRAP),
                cluster.gives(ClusterConfig.REGISTRY_URL)),
                jvmOptions == null ? List.of("-Xms64m", "-Xmx768m", "-XX:+UseSerialGC") : jvmOptions, !skipHeap);
        var result = new ModelSizeBenchmark(options, System.out::println).run();
        E2eBenchmark.write(result, out);
        System.out.println(result.toPrettyString());
        System.out.println("wrote " + out);
        return 0;
    }
}
