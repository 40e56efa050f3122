package io.simstream.cli;

import io.simstream.config.ClusterConfig;
import io.simstream.config.ConfigField;
import io.simstream.config.DeclaredConfig;
import io.simstream.config.ScoringConfig;
import io.simstream.config.TopicSettings;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The options every command that talks to Kafka or the registry shares (serve, retrain, publish,
 * produce, models, dlq, score, bench e2e): where settings come from and the two endpoints. The
 * settings themselves are resolved by the one loader in {@code config} (file, SIMSTREAM_*
 * environment, flags), so security and registry auth/TLS reach every command the same way.
 */
final class ServiceOptions {
    @Option(names = "--config", paramLabel = "FILE", description = "Properties file with settings.")
    Path configFile;

    @Option(names = "--bootstrap", description = "Kafka bootstrap servers (bootstrap.servers).")
    String bootstrap;

    @Option(names = "--registry-url", description = "Schema registry URL (registry.url).")
    String registryUrl;

    @Option(names = "--set", paramLabel = "NAME=VALUE", description = "A setting (see the README's configuration reference), or a kafka.* pass-through.")
    Map<String, String> settings = new LinkedHashMap<>();

    @Option(names = "--topic-prefix", paramLabel = "PREFIX", description = "Shorthand for every topic.* setting"
            + " = PREFIX + its default (a topic.* setting given with --set wins).")
    String topicPrefix;

    @Option(names = "--kafka", paramLabel = "KEY=VALUE",
            description = "Kafka client setting, e.g. security.protocol=SSL (same as --set kafka.KEY=VALUE).")
    Map<String, String> kafka = new LinkedHashMap<>();

    /** The --kafka and --set values plus the named flags that were given, as settings. */
    Map<String, String> flags() {
        Map<String, String> flags = new LinkedHashMap<>();
        if (topicPrefix != null) {
            TopicSettings.NAMES.forEach(f -> flags.put(f.name(), topicPrefix + f.defaultValue()));
        }
        kafka.forEach((k, v) -> flags.put(DeclaredConfig.KAFKA_PREFIX + k, v));
        flags.putAll(settings);
        putIfGiven(flags, ScoringConfig.BOOTSTRAP.name(), bootstrap);
        putIfGiven(flags, ScoringConfig.REGISTRY_URL.name(), registryUrl);
        return flags;
    }

    /** Only the cluster settings (commands without settings of their own). */
    ClusterConfig cluster() {
        return ClusterConfig.load(configFile, System.getenv(), flags());
    }

    /** Whether the file, the environment or a flag gives this setting (before any is resolved). */
    boolean gives(ConfigField field) {
        return DeclaredConfig.gives(field, configFile, System.getenv(), flags());
    }

    static void putIfGiven(Map<String, String> flags, String key, Object value) {
        if (value != null) {
            flags.put(key, value.toString());
        }
    }
}
