package io.simstream.testkit;

import io.simstream.avro.DeadLetter;
import io.simstream.avro.PairDecision;
import io.simstream.embedded.ServeProcess;
import io.simstream.registry.ConfluentRegistryClient;
import io.simstream.registry.RegistryClientConfig;
import io.simstream.topics.TopicNames;
import io.simstream.topics.TopicSpec;
import io.simstream.topics.Topics;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;

/**
 * One deployment of simstream of its own on a shared broker and registry: every topic under a
 * unique prefix (so tests never see each other's records or subjects), its application id, its
 * topics with their serdes, and the serve child process and topic readers a test starts on it.
 */
public final class IsolatedDeployment {
    private final String bootstrap;
    private final String registryUrl;
    private final String prefix;
    private final TopicNames names;
    private final ConfluentRegistryClient registry;
    private final Topics topics;
    private final int partitions;

    private IsolatedDeployment(String bootstrap, String registryUrl, String name, int partitions) {
        this.bootstrap = bootstrap;
        this.registryUrl = registryUrl;
        this.prefix = SharedRegistry.unique(name) + "-";
        this.names = TopicNames.DEFAULT.withPrefix(prefix);
        this.registry = new ConfluentRegistryClient(RegistryClientConfig.of(registryUrl));
        this.topics = new Topics(names, registry, partitions);
        this.partitions = partitions;
    }

    /** On this broker and the shared registry; name makes the prefix readable in logs. */
    public static IsolatedDeployment on(String bootstrap, String name, int partitions) {
        return new IsolatedDeployment(bootstrap, SharedRegistry.url(), name, partitions);
    }

    /** On this broker and this registry (a test that stops or proxies its own registry). */
    public static IsolatedDeployment on(String bootstrap, String registryUrl, String name, int partitions) {
        return new IsolatedDeployment(bootstrap, registryUrl, name, partitions);
    }

    public String prefix() {
        return prefix;
    }

    public TopicNames names() {
        return names;
    }

    public Topics topics() {
        return topics;
    }

    public ConfluentRegistryClient registry() {
        return registry;
    }

    public String bootstrap() {
        return bootstrap;
    }

    public String appId() {
        return prefix + "app";
    }

    public Map<String, Object> clientConfig() {
        return Map.of("bootstrap.servers", bootstrap);
    }

    /** `serve` for this deployment as a child process in dir; extra holds SIMSTREAM_* settings. */
    public ServeProcess serve(Path dir, Map<String, String> extra) throws IOException {
        return serve(dir, extra, ServeProcess.TEST_JVM_OPTIONS);
    }

    /** As above, with these JVM options. */
    public ServeProcess serve(Path dir, Map<String, String> extra, List<String> jvmOptions) throws IOException {
        return ServeProcess.start(dir, bootstrap, registryUrl, names, appId(), partitions, extra, jvmOptions);
    }

    /** The decisions, read with read_committed from the beginning. */
    public TopicReader<String, PairDecision> decisions() {
        return reader(topics.decisions());
    }

    /** The shadow model's decisions, read with read_committed from the beginning. */
    public TopicReader<String, PairDecision> shadowDecisions() {
        return reader(topics.decisionsShadow());
    }

    public TopicReader<String, DeadLetter> deadLetters() {
        return reader(topics.deadLetters());
    }

    private <V> TopicReader<String, V> reader(TopicSpec<String, V> topic) {
        return new TopicReader<>(bootstrap, topic.name(), topic.partitions(), Serdes.String().deserializer(),
                topic.valueSerde().deserializer());
    }
}
