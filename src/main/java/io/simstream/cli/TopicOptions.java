package io.simstream.cli;

import io.simstream.config.ClusterConfig;
import io.simstream.config.TopicSettings;
import io.simstream.registry.ConfluentRegistryClient;
import io.simstream.topics.TopicNames;
import io.simstream.topics.Topics;
import java.util.Map;
import picocli.CommandLine.Mixin;

/**
 * Where the commands that work on a running system's topics (models, dlq, score with a published
 * model, publish, produce) find them: the cluster and topic settings every command shares
 * ({@link ServiceOptions}, resolved by the one loader), and the one place these commands build their
 * clients.
 */
final class TopicOptions {
    @Mixin
    ServiceOptions service;

    private ClusterConfig cluster;

    /** Loaded once: a command builds several clients from the same settings. */
    ClusterConfig cluster() {
        if (cluster == null) {
            cluster = service.cluster();
        }
        return cluster;
    }

    Map<String, Object> clientConfig() {
        return cluster().clientConfig();
    }

    ConfluentRegistryClient registry() {
        return ConfluentRegistryClient.fromConfig(cluster().registryClientSettings());
    }

    /** The deployment's topics as the topic.* settings name them; pairs and labels may be written. */
    Topics topics(ConfluentRegistryClient registry) {
        return new Topics(TopicNames.of(cluster()), registry, cluster().values().getInt(TopicSettings.PAIR_PARTITIONS),
                cluster().values().getInt(TopicSettings.LABEL_PARTITIONS), Topics.Role.CLIENT);
    }
}
