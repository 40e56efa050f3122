package io.simstream.cli;

import io.simstream.registry.ConfluentRegistryClient;
import io.simstream.registry.RegistryClientConfig;
import io.simstream.topics.RetrainTopics;
import io.simstream.topics.TopicNames;
import io.simstream.topics.Topics;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Where the operator commands (models, dlq) find the cluster, and the one place they build their
 * client settings and topic specs from it.
 */
final class ClusterOptions {
    @Option(names = "--bootstrap", required = true, description = "Kafka bootstrap servers.")
    String bootstrap;

    @Option(names = "--registry-url", required = true, description = "Schema registry URL.")
    String registryUrl;

    @Option(names = "--topic-prefix", defaultValue = "", description = "Prefix of every topic name (default: none).")
    String topicPrefix;

    @Option(names = "--kafka", paramLabel = "KEY=VALUE", description = "Kafka client setting, e.g. security.protocol=SSL.")
    Map<String, String> kafka = new LinkedHashMap<>();

    Map<String, Object> clientConfig() {
        Map<String, Object> client = new LinkedHashMap<>(kafka);
        client.put("bootstrap.servers", bootstrap);
        return client;
    }

    ConfluentRegistryClient registry() {
        return new ConfluentRegistryClient(RegistryClientConfig.of(registryUrl));
    }

    Topics topics(ConfluentRegistryClient registry) {
        return new Topics(TopicNames.DEFAULT.withPrefix(topicPrefix), registry, 1);
    }

    RetrainTopics retrainTopics(ConfluentRegistryClient registry) {
        return new RetrainTopics(RetrainTopics.Names.DEFAULT.withPrefix(topicPrefix), registry, 1);
    }
}
