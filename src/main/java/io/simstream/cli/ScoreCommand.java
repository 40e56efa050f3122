package io.simstream.cli;

import io.simstream.UserInputException;
import io.simstream.config.ClusterConfig;
import io.simstream.lifecycle.ModelCatalog;
import io.simstream.lifecycle.ModelFiles;
import io.simstream.model.ModelArtifact;
import io.simstream.workflows.BatchScoring;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** `score`: delegates to {@link BatchScoring}; the model comes from a file or, with a cluster given, from the topics. */
@Command(name = "score", mixinStandardHelpOptions = true,
        description = {"Score a pair CSV offline with the serving kernel and write one decision per row.",
                "The CSV is the training format (v0..v(2d-1)) with or without the 'class' column; with it,"
                        + " the metrics are written too."})
public final class ScoreCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "PATH|NAME[:VERSION]",
            description = "The model.simstream file (or its directory); if no such file exists and a cluster is"
                    + " given (--bootstrap, --config or SIMSTREAM_* settings, as for serve), a published model"
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

    @Mixin
    TopicOptions cluster;

    @Override
    public Integer call() throws Exception {
        BatchScoring.run(artifact(), data, out, metrics, System.out::println);
        return 0;
    }

    /** An existing file or directory is the model; otherwise, with a cluster given, a published NAME[:VERSION]. */
    private ModelArtifact artifact() {
        Path file = asPath(model);
        boolean exists = file != null && Files.exists(file);
        if (!exists && cluster.service.gives(ClusterConfig.BOOTSTRAP)) {
            var registry = cluster.registry();
            var topics = cluster.topics(registry);
            return ModelCatalog.read(cluster.clientConfig(), topics.models(), topics.modelHistory(),
                    cluster.topics(registry).modelEvents()).artifact(model);
        }
        if (!exists) {
            throw new UserInputException("score: no model file " + model + " (a published model NAME[:VERSION] needs"
                    + " the cluster: --bootstrap and --registry-url, --config FILE or SIMSTREAM_* settings)");
        }
        return ModelFiles.read(file);
    }

    private static Path asPath(String s) {
        try {
            return Path.of(s);
        } catch (InvalidPathException e) {
            return null;
        }
    }
}
