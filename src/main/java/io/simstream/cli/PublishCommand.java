package io.simstream.cli;

import io.simstream.lifecycle.ModelCatalog;
import io.simstream.lifecycle.ModelFiles;
import io.simstream.lifecycle.ModelLoader;
import io.simstream.lifecycle.ModelPublisher;
import io.simstream.signing.ArtifactSigner;
import io.simstream.registry.ConfluentRegistryClient;
import io.simstream.config.ClusterConfig;
import io.simstream.topics.TopicAdmin;
import io.simstream.topics.TopicChecks;
import io.simstream.lifecycle.ModelRecords;
import io.simstream.topics.TopicNames;
import io.simstream.topics.Topics;
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
    ServiceOptions cluster;

    @Option(names = "--name", defaultValue = "default", description = "Model name, the record key (default: ${DEFAULT-VALUE}).")
    String name;

    @Option(names = "--version", description = "Version to publish; default: one more than the newest on the topic.")
    Long version;

    @Option(names = "--topic", defaultValue = "models", description = "Models topic (default: ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = "--meta", paramLabel = "KEY=VALUE", description = "Metadata to attach (repeatable).")
    Map<String, String> metadata = new LinkedHashMap<>();

    @Option(names = "--sign-key", paramLabel = "FILE", description = "Sign the artifact with this Ed25519 private key"
            + " (PKCS#8 PEM) before publishing; without it, the PEM in SIMSTREAM_SIGNING_KEY when set. A key that"
            + " cannot sign stops the publish (exit 2): nothing unsigned goes out when signing was asked for.")
    Path signKey;

    @Option(names = "--allow-dimension-change", description = "Allow this model to replace a serving model of"
            + " another input dimension (written into the record; without it the scorers refuse the model).")
    boolean allowDimensionChange;

    @Override
    public Integer call() {
        var artifact = ModelFiles.read(model);
        ArtifactSigner signer = ArtifactSigner.fromFileOrEnv(signKey, System.getenv());
        if (signer != null) {
            artifact = signer.sign(artifact);
        }
        if (allowDimensionChange) {
            metadata.put(ModelLoader.ALLOW_DIMENSION_CHANGE, "true");
        }
        ClusterConfig config = cluster.cluster();
        var registry = ConfluentRegistryClient.fromConfig(config.registryClientSettings());
        var names = new TopicNames(TopicNames.DEFAULT.pairs(), TopicNames.DEFAULT.decisions(), topic,
                TopicNames.DEFAULT.deadLetters());
        var topics = new Topics(names, registry, 1);
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
            System.out.println(artifact.signatures().isEmpty() ? "unsigned (scorers with model.trust.mode=require will"
                    + " refuse it)" : "signed by " + artifact.signerKeyIds()
                    + (signer != null ? " (signed now with key " + signer.keyId() + ")" : ""));
        }
        return 0;
    }
}
