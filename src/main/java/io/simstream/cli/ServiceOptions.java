package io.simstream.cli;

import io.simstream.config.ScoringConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** The options `serve` and `retrain` share: where settings come from and the two endpoints. */
final class ServiceOptions {
    @Option(names = "--config", paramLabel = "FILE", description = "Properties file with settings.")
    Path configFile;

    @Option(names = "--bootstrap", description = "Kafka bootstrap servers (bootstrap.servers).")
    String bootstrap;

    @Option(names = "--registry-url", description = "Schema registry URL (registry.url).")
    String registryUrl;

    @Option(names = "--set", paramLabel = "NAME=VALUE", description = "Any setting below, or a kafka.* pass-through.")
    Map<String, String> settings = new LinkedHashMap<>();

    /** The --set values plus the named flags that were given, as settings. */
    Map<String, String> flags() {
        Map<String, String> flags = new LinkedHashMap<>(settings);
        putIfGiven(flags, ScoringConfig.BOOTSTRAP.name(), bootstrap);
        putIfGiven(flags, ScoringConfig.REGISTRY_URL.name(), registryUrl);
        return flags;
    }

    static void putIfGiven(Map<String, String> flags, String key, Object value) {
        if (value != null) {
            flags.put(key, value.toString());
        }
    }
}
