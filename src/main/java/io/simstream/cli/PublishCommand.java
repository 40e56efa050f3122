package io.simstream.cli;

import io.simstream.UserInputException;
import io.simstream.config.ClusterConfig;
import io.simstream.config.TopicSettings;
import io.simstream.lifecycle.ModelCatalog;
import io.simstream.lifecycle.ModelFiles;
import io.simstream.lifecycle.ModelLoader;
import io.simstream.lifecycle.ModelPublisher;
import io.simstream.lifecycle.ModelRecords;
import io.simstream.lifecycle.ModelRejectedException;
import io.simstream.lifecycle.ReferenceFetcher;
import io.simstream.lifecycle.Rollout;
import io.simstream.lifecycle.RolloutStage;
import io.simstream.signing.ArtifactSigner;
import io.simstream.topics.ModelKeys;
import io.simstream.topics.TopicAdmin;
import io.simstream.topics.TopicChecks;
import io.simstream.topics.Topics;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
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

    @Option(names = "--model", paramLabel = "PATH",
            description = "The model.simstream file, or the directory holding it. A model larger than the topic's"
                    + " max.message.bytes goes out as chunks and a manifest, in one transaction.")
    Path model;

    @Option(names = "--reference", paramLabel = "URI", description = "Instead of --model: publish a reference to the"
            + " artifact at URI (a file path every scorer can read, or an http(s) URL). publish reads it once for its"
            + " SHA-256, size and signature; the scorers fetch it, verify both and only then swap. The artifact must"
            + " stay there while it may serve (a restarted scorer fetches it again).")
    String reference;

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

    @Option(names = "--stage", defaultValue = "full", paramLabel = "full|shadow|canary",
            description = "full: serve every pair (default). shadow: score every pair beside the serving model, to"
                    + " <decisions>-shadow only. canary: decide --canary-percent of the pair keys. A shadow or canary"
                    + " is the candidate: the retrainer's rollout controller (or `models promote` / `models rollback`)"
                    + " moves it on.")
    String stage;

    @Option(names = "--canary-percent", paramLabel = "P", description = "With --stage canary: share of pair keys, 0-100.")
    Double canaryPercent;

    @Option(names = "--sign-key", paramLabel = "FILE", description = "Sign the artifact with this Ed25519 private key"
            + " (PKCS#8 PEM) before publishing; without it, the PEM in SIMSTREAM_SIGNING_KEY when set. A key that"
            + " cannot sign stops the publish (exit 2): nothing unsigned goes out when signing was asked for.")
    Path signKey;

    @Option(names = "--allow-dimension-change", description = "Allow this model to replace a serving model of"
            + " another input dimension (written into the record; without it the scorers refuse the model).")
    boolean allowDimensionChange;

    /** The rollout a --stage / --canary-percent pair names; a user error when they do not fit. */
    static Rollout rollout(String stage, Double percent) {
        RolloutStage s = RolloutStage.parse(stage);
        if (s == null) {
            throw new UserInputException("--stage '" + stage + "': expected full, shadow or canary");
        }
        if (s == RolloutStage.CANARY) {
            if (percent == null) {
                throw new UserInputException("--stage canary needs --canary-percent (the share of pair keys, 0-100)");
            }
            try {
                return Rollout.canary(percent);
            } catch (IllegalArgumentException e) {
                throw new UserInputException("--canary-percent " + percent + ": " + e.getMessage());
            }
        }
        if (percent != null && s != RolloutStage.CANARY) {
            throw new UserInputException("--canary-percent goes with --stage canary");
        }
        return s == RolloutStage.SHADOW ? Rollout.SHADOW : Rollout.FULL;
    }

    @Override
    public Integer call() {
        Rollout rollout = rollout(stage, canaryPercent);
        String badName = ModelKeys.checkName(name);
        if (badName != null) {
            throw new UserInputException("--name '" + name + "' " + badName);
        }
        if ((model == null) == (reference == null)) {
            throw new UserInputException("give either --model PATH or --reference URI");
        }
        if (reference != null) {
            return publishReference(rollout);
        }
        var artifact = ModelFiles.read(model);
        ArtifactSigner signer = ArtifactSigner.fromFileOrEnv(signKey, System.getenv());
        if (signer != null) {
            artifact = signer.sign(artifact);
        }
        Target target = target(rollout);
        ClusterConfig config = target.config();
        var topics = target.topics();
        String topic = topics.models().name();
        Map<String, String> meta = target.metadata();
        TopicChecks.requireModelsTopic(config.clientConfig(), topic, ModelRecords.sizeOf(artifact, name, meta));
        try (ModelPublisher publisher = new ModelPublisher(config.clientConfig(), topics.models(),
                topics.modelHistory(), Clock.systemUTC())) {
            var published = publisher.publish(artifact, name,
                    version == null ? OptionalLong.empty() : OptionalLong.of(version), meta, rollout, null);
            System.out.printf("published model '%s' v%d as %s, sha256 %s (%s partition %d offset %d)%n",
                    published.name(), published.version(), rollout, published.sha256(), topic, published.partition(),
                    published.offset());
            System.out.println(artifact.signatures().isEmpty() ? "unsigned (scorers with model.trust.mode=require will"
                    + " refuse it)" : "signed by " + artifact.signerKeyIds()
                    + (signer != null ? " (signed now with key " + signer.keyId() + ")" : ""));
        }
        return 0;
    }

    private int publishReference(Rollout rollout) {
        if (signKey != null) {
            throw new UserInputException("--sign-key signs the artifact, and publish cannot change the one at "
                    + reference + ": sign it before it goes there (train --sign-key, or publish --model with"
                    + " --sign-key and models export)");
        }
        ArtifactSigner signer = ArtifactSigner.fromFileOrEnv(null, System.getenv());
        ModelRecords.Reference ref;
        try {
            ref = new ReferenceFetcher(new ReferenceFetcher.Settings(Duration.ofMinutes(2), Duration.ofSeconds(30),
                    ReferenceFetcher.Settings.DEFAULT.maxBytes()), e -> { }).inspect(reference);
        } catch (ModelRejectedException e) {
            throw new UserInputException("--reference " + reference + ": " + e.getMessage());
        }
        if (signer != null && (ref.signerKeyId() == null || !ref.signerKeyId().contains(signer.keyId()))) {
            throw new UserInputException("SIMSTREAM_SIGNING_KEY asks for signed models, and the artifact at " + reference
                    + " is not signed by key " + signer.keyId() + ": nothing published");
        }
        Target target = target(rollout);
        ClusterConfig config = target.config();
        var topics = target.topics();
        Map<String, String> meta = target.metadata();
        TopicChecks.requireModelsTopic(config.clientConfig(), topics.models().name(), 0);
        try (ModelPublisher publisher = new ModelPublisher(config.clientConfig(), topics.models(),
                topics.modelHistory(), Clock.systemUTC())) {
            var published = publisher.publishReference(ref, name,
                    version == null ? OptionalLong.empty() : OptionalLong.of(version), meta, rollout);
            System.out.printf("published model '%s' v%d as %s: a reference to %s (%d bytes, sha256 %s; %s partition %d"
                            + " offset %d)%n", published.name(), published.version(), rollout, ref.uri(),
                    ref.totalBytes(), ref.sha256(), topics.models().name(), published.partition(), published.offset());
            System.out.println(ref.signerKeyId() == null ? "unsigned (scorers with model.trust.mode=require will"
                    + " refuse it)" : "signed by " + ref.signerKeyId());
        }
        return 0;
    }

    /** Where and with what metadata this publish goes. */
    private record Target(ClusterConfig config, Topics topics, Map<String, String> metadata) {
    }

    /**
     * The cluster and topics (--topic is shorthand for topic.models) and the record's metadata;
     * missing topics are created compacted (not left to the broker's auto-create, which would use
     * delete), with the history topic beside them that keeps every version (models list/show/export/rollback).
     */
    private Target target(Rollout rollout) {
        if (allowDimensionChange) {
            metadata.put(ModelLoader.ALLOW_DIMENSION_CHANGE, "true");
        }
        if (topic != null) {
            cluster.service.settings.put(TopicSettings.MODELS.name(), topic);
        }
        ClusterConfig config = cluster.cluster();
        Topics topics = cluster.topics(cluster.registry());
        Map<String, String> meta = new LinkedHashMap<>(metadata);
        meta.putIfAbsent(ModelCatalog.SOURCE_KEY, ModelCatalog.Publisher.PUBLISH.id());
        if (rollout.isCandidate()) {
            meta.put("simstream.rollout.started", Clock.systemUTC().instant().toString());
        }
        TopicAdmin.createMissing(config.clientConfig(), List.of(topics.models(), topics.modelHistory()));
        return new Target(config, topics, meta);
    }
}
