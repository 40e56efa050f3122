package io.simstream.cli;

import io.simstream.lifecycle.ModelCatalog;
import io.simstream.lifecycle.ModelFiles;
import io.simstream.lifecycle.ModelLoader;
import io.simstream.lifecycle.ModelPublisher;
import io.simstream.config.ClusterConfig;
import io.simstream.config.TopicSettings;
import io.simstream.topics.TopicAdmin;
import io.simstream.topics.TopicChecks;
import io.simstream.lifecycle.ModelRecords;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** `publish`: puts a model artifact on the models topic for every scoring instance to pick up. */
// Not mixinStandardHelpOptions: its -V/--version clashes with --version (the model version) and
// then picocli drops --help as well.
@Command(name = "publish",
        description = "Publish a model artifact to the compacted models topic.")
public final class PublishCommand implements Callable<Integer> {
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Option(names = "--model", required = true, paramLabel = "PATH",
            description = "The model.simstream file, or the directory holding it.")
    Path model;

    @Mixin
    TopicOptions cluster;

    @Option(names = "--name", defaultValue = "default", description = "Model name, the record key (default: ${DEFAULT-VALUE}).")
    String name;

    @Option(names = "--version", description = "Version to publish; default: one more than the newest on the topic.")
    Long version;

    @Option(names = "--topic", description = "Models topic: shorthand for --set topic.models=TOPIC (default: the"
            + " topic.models setting, as serve reads it).")
    String topic;

    @Option(names = "--meta", paramLabel = "KEY=VALUE", description = "Metadata to attach (repeatable).")
    Map<String, String> metadata = new LinkedHashMap<>();

    @Option(names = "--allow-dimension-change", description = "Allow this model to replace a serving model of"
            + " another input dimension (written into the record; without it the scorers refuse the model).")
    boolean allowDimensionChange;

    @Override
    public Integer call() {
        var artifact = ModelFiles.read(model);
        if (allowDimensionChange) {
            metadata.put(ModelLoader.ALLOW_DIMENSION_CHANGE, "true");
        }
        if (topic != null) {
            cluster.service.settings.put(TopicSettings.MODELS.name(), topic);
        }
        ClusterConfig config = cluster.cluster();
        var topics = cluster.topics(cluster.registry());
        String topic = topics.models().name();
        Map<String, String> meta = new LinkedHashMap<>(metadata);
        meta.putIfAbsent(ModelCatalog.SOURCE_KEY, ModelCatalog.Publisher.PUBLISH.id());
        // Missing: created compacted (not left to the broker's auto-create, which would use delete);
        // the history topic beside it keeps every version (models list/show/export/rollback).
        TopicAdmin.createMissing(config.clientConfig(), List.of(topics.models(), topics.modelHistory()));
        TopicChecks.requireModelsTopic(config.clientConfig(), topic, ModelRecords.sizeOf(artifact, name, meta));
        try (ModelPublisher publisher = new ModelPublisher(config.clientConfig(), topics.models(),
                topics.modelHistory(), Clock.systemUTC())) {
            var published = publisher.publish(artifact, name,
                    version == null ? OptionalLong.empty() : OptionalLong.of(version), meta);
            System.out.printf("published model '%s' v%d sha256 %s (%s partition %d offset %d)%n", published.name(),
                    published.version(), published.sha256(), topic, published.partition(), published.offset());
        }
        return 0;
    }
}
