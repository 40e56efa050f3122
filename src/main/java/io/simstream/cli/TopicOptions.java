package io.simstream.cli;

import io.simstream.config.ClusterConfig;
import io.simstream.registry.ConfluentRegistryClient;
import io.simstream.topics.RetrainTopics;
import io.simstream.topics.TopicNames;
import io.simstream.topics.Topics;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Where the commands that work on a running system's topics (models, dlq, score with a published
 * model) find them: the cluster settings every command shares ({@link ServiceOptions}, resolved by
 * the one loader) plus the topic-name prefix, and the one place these commands build their clients.
 */
final class TopicOptions {
    @Mixin
    ServiceOptions service;

    @Option(names = "--topic-prefix", defaultValue = "", description = "Prefix of every topic name (default: none).")
    String topicPrefix;

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

    Topics topics(ConfluentRegistryClient registry) {
        return new Topics(TopicNames.DEFAULT.withPrefix(topicPrefix), registry, 1);
    }

    RetrainTopics retrainTopics(ConfluentRegistryClient registry) {
        return new RetrainTopics(RetrainTopics.Names.DEFAULT.withPrefix(topicPrefix), registry, 1);
    }
}
