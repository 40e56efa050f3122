package io.simstream.cli;

import io.simstream.UserInputException;
import io.simstream.lifecycle.ModelAdmin;
import io.simstream.lifecycle.ModelCatalog;
import io.simstream.lifecycle.ModelPublisher;
import io.simstream.lifecycle.Rollout;
import io.simstream.topics.TopicAdmin;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** `models list|show|export|rollback`: the model lifecycle from the models, history and model-events topics. */
@Command(name = "models", mixinStandardHelpOptions = true,
        description = {"Inspect, export, promote and roll back published models.",
                "Every version is kept on the non-compacted <models>-history topic (the publisher writes each record"
                        + " there too); the compacted models topic holds the newest per name."},
        subcommands = {ModelsCommand.ListModels.class, ModelsCommand.Show.class, ModelsCommand.Export.class,
                ModelsCommand.Rollback.class, ModelsCommand.Promote.class})
public final class ModelsCommand {

    static ModelAdmin admin(TopicOptions cluster) {
        var registry = cluster.registry();
        var topics = cluster.topics(registry);
        ModelCatalog catalog = ModelCatalog.read(cluster.clientConfig(), topics.models(), topics.modelHistory(),
                cluster.topics(registry).modelEvents());
        return new ModelAdmin(catalog, System.out::println);
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Every version: name, version, published-at, head, dimension, publisher, metrics, and which"
                    + " running instances serve it (with --instance).")
    static final class ListModels implements Callable<Integer> {
        @Mixin
        TopicOptions cluster;

        @Parameters(arity = "0..1", paramLabel = "NAME", description = "Only this model (default: all).")
        String name;

        @Option(names = "--instance", paramLabel = "URL",
                description = "A scorer's metrics endpoint, e.g. http://scorer-0:9464 (repeatable).")
        List<URI> instances = new ArrayList<>();

        @Option(names = "--json", description = "One JSON document (versions and instances) instead of the table.")
        boolean json;

        @Override
        public Integer call() {
            if (json) {
                admin(cluster).listJson(name, instances);
            } else {
                admin(cluster).list(name, instances);
            }
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Everything about NAME[:VERSION] (default: newest).")
    static final class Show implements Callable<Integer> {
        @Mixin
        TopicOptions cluster;

        @Parameters(paramLabel = "NAME[:VERSION]")
        String ref;

        @Override
        public Integer call() {
            admin(cluster).show(ref);
            return 0;
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true, description = "Write the artifact of NAME:VERSION to a file.")
    static final class Export implements Callable<Integer> {
        @Mixin
        TopicOptions cluster;

        @Parameters(paramLabel = "NAME:VERSION")
        String ref;

        @Option(names = "--out", required = true, paramLabel = "FILE", description = "File (or directory) to write.")
        Path out;

        @Override
        public Integer call() throws Exception {
            admin(cluster).export(ref, out);
            return 0;
        }
    }

    @Command(name = "rollback", mixinStandardHelpOptions = true,
            description = {"With --to: republish the artifact of an older version as a new, higher version (scorers swap"
                    + " to it; a candidate in rollout ends). Without: end the rollout of the candidate (shadow or canary),"
                    + " so the serving version serves alone.", "Either way a ROLLED_BACK model event is written in the"
                    + " same transaction."})
    static final class Rollback implements Callable<Integer> {
        @Mixin
        TopicOptions cluster;

        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--to", paramLabel = "VERSION", description = "The version to go back to.")
        Long to;

        @Override
        public Integer call() {
            try (Lifecycle l = Lifecycle.open(cluster)) {
                if (to == null) {
                    l.admin().retireCandidate(name, l.publisher(), Clock.systemUTC());
                } else {
                    l.admin().rollback(name, to, l.publisher(), Clock.systemUTC());
                }
            }
            return 0;
        }
    }

    @Command(name = "promote", mixinStandardHelpOptions = true,
            description = "Move the candidate in rollout on by hand: to a canary share of the pair keys, or to all"
                    + " traffic; writes a PROMOTED model event in the same transaction.")
    static final class Promote implements Callable<Integer> {
        @Mixin
        TopicOptions cluster;

        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--to", required = true, paramLabel = "canary|full", description = "The stage to move to.")
        String to;

        @Option(names = "--percent", paramLabel = "P", description = "Canary share of pair keys, 0-100 (with --to canary).")
        Double percent;

        @Override
        public Integer call() {
            Rollout rollout = PublishCommand.rollout(to, percent);
            if (!rollout.isCandidate() && percent != null) {
                throw new UserInputException("--percent goes with --to canary");
            }
            try (Lifecycle l = Lifecycle.open(cluster)) {
                l.admin().promote(name, rollout, l.publisher(), Clock.systemUTC());
            }
            return 0;
        }
    }

    /** What the changing commands need: the catalog and a publisher that writes events with its changes. */
    private record Lifecycle(ModelAdmin admin, ModelPublisher publisher) implements AutoCloseable {
        static Lifecycle open(TopicOptions cluster) {
            var topics = cluster.topics(cluster.registry());
            TopicAdmin.createMissing(cluster.clientConfig(), List.of(topics.models(), topics.modelHistory(),
                    topics.modelEvents()));
            ModelCatalog catalog = ModelCatalog.read(cluster.clientConfig(), topics.models(), topics.modelHistory(),
                    topics.modelEvents());
            return new Lifecycle(new ModelAdmin(catalog, System.out::println),
                    new ModelPublisher(cluster.clientConfig(), topics, Clock.systemUTC()));
        }

        @Override
        public void close() {
            publisher.close();
        }
    }
}
