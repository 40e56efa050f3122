package io.simstream.cli;

import io.simstream.UserInputException;
import io.simstream.lifecycle.ModelCatalog;
import io.simstream.lifecycle.ModelFiles;
import io.simstream.metrics.BatchScoring;
import io.simstream.model.ModelArtifact;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** `score`: delegates to {@link BatchScoring}; the model comes from a file or, with --bootstrap, from the topics. */
@Command(name = "score", mixinStandardHelpOptions = true,
        description = {"Score a pair CSV offline with the serving kernel and write one decision per row.",
                "The CSV is the training format (v0..v(2d-1)) with or without the 'class' column; with it,"
                        + " the metrics are written too."})
public final class ScoreCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "PATH|NAME[:VERSION]",
            description = "The model.simstream file (or its directory); with --bootstrap, a published model"
                    + " NAME[:VERSION] (newest without a version), read from the models and history topics.")
    String model;

    @Option(names = "--data", required = true, paramLabel = "FILE", description = "Pairs CSV, 'class' optional.")
    Path data;

    @Option(names = "--out", required = true, paramLabel = "FILE",
            description = "Decisions CSV to write: " + BatchScoring.HEADER + "[,class].")
    Path out;

    @Option(names = "--metrics", paramLabel = "FILE",
            description = "Where the metrics go when the data has labels (default: <out>-metrics.json beside --out).")
    Path metrics;

    @Option(names = "--bootstrap", description = "Kafka bootstrap servers: take --model from the published models.")
    String bootstrap;

    @Option(names = "--registry-url", description = "Schema registry URL (with --bootstrap).")
    String registryUrl;

    @Option(names = "--topic-prefix", defaultValue = "", description = "Prefix of the topic names (with --bootstrap).")
    String topicPrefix;

    @Option(names = "--kafka", paramLabel = "KEY=VALUE", description = "Kafka client setting (with --bootstrap).")
    Map<String, String> kafka = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
        BatchScoring.run(artifact(), data, out, metrics, System.out::println);
        return 0;
    }

    private ModelArtifact artifact() {
        if (bootstrap == null) {
            return ModelFiles.read(Path.of(model));
        }
        if (registryUrl == null) {
            throw new UserInputException("score: --bootstrap needs --registry-url too");
        }
        ClusterOptions cluster = new ClusterOptions();
        cluster.bootstrap = bootstrap;
        cluster.registryUrl = registryUrl;
        cluster.topicPrefix = topicPrefix;
        cluster.kafka = kafka;
        var registry = cluster.registry();
        var topics = cluster.topics(registry);
        return ModelCatalog.read(cluster.clientConfig(), topics.models(), topics.modelHistory(),
                cluster.retrainTopics(registry).modelEvents()).artifact(model);
    }
}
