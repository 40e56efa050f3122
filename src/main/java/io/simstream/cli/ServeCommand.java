package io.simstream.cli;

import io.simstream.config.ScoringConfig;
import io.simstream.scoring.PairScorerFactory;
import io.simstream.scoring.ServeRunner;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** `serve`: runs the scoring service until SIGTERM. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Score pairs from Kafka with the latest model on the models topic.",
        footerHeading = "%nSettings (properties file, SIMSTREAM_* environment variables, or --set name=value):%n")
public final class ServeCommand implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE", description = "Properties file with settings.")
    Path configFile;

    @Option(names = "--bootstrap", description = "Kafka bootstrap servers (bootstrap.servers).")
    String bootstrap;

    @Option(names = "--registry-url", description = "Schema registry URL (registry.url).")
    String registryUrl;

    @Option(names = "--application-id", description = "Streams application id (application.id).")
    String applicationId;

    @Option(names = "--threads", description = "Stream threads (num.stream.threads).")
    Integer threads;

    @Option(names = "--set", paramLabel = "NAME=VALUE", description = "Any setting below, or a kafka.* pass-through.")
    Map<String, String> settings = new LinkedHashMap<>();

    static String settingsHelp() {
        return ScoringConfig.describe();
    }

    @Override
    public Integer call() throws Exception {
        Map<String, String> flags = new LinkedHashMap<>(settings);
        putIfGiven(flags, ScoringConfig.BOOTSTRAP.name(), bootstrap);
        putIfGiven(flags, ScoringConfig.REGISTRY_URL.name(), registryUrl);
        putIfGiven(flags, ScoringConfig.APPLICATION_ID.name(), applicationId);
        putIfGiven(flags, ScoringConfig.THREADS.name(), threads == null ? null : threads.toString());
        ScoringConfig config = ScoringConfig.load(configFile, System.getenv(), flags);
        return ServeRunner.run(config, PairScorerFactory.FASTEST);
    }

    static void putIfGiven(Map<String, String> flags, String key, String value) {
        if (value != null) {
            flags.put(key, value);
        }
    }
}
