package io.simstream.cli;

import io.simstream.avro.ModelEvent;
import io.simstream.lifecycle.ModelAdmin;
import io.simstream.lifecycle.ModelCatalog;
import io.simstream.lifecycle.ModelPublisher;
import io.simstream.topics.TopicAdmin;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** `models list|show|export|rollback`: the model lifecycle from the models, history and model-events topics. */
@Command(name = "models", mixinStandardHelpOptions = true,
        description = {"Inspect, export and roll back published models.",
                "Every version is kept on the non-compacted <models>-history topic (the publisher writes each record"
                        + " there too); the compacted models topic holds the newest per name."},
        subcommands = {ModelsCommand.List.class, ModelsCommand.Show.class, ModelsCommand.Export.class,
                ModelsCommand.Rollback.class})
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
    static final class List implements Callable<Integer> {
        @Mixin
        TopicOptions cluster;

        @Parameters(arity = "0..1", paramLabel = "NAME", description = "Only this model (default: all).")
        String name;

        @Option(names = "--instance", paramLabel = "URL",
                description = "A scorer's metrics endpoint, e.g. http://scorer-0:9464 (repeatable).")
        java.util.List<URI> instances = new ArrayList<>();

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
            description = "Republish the artifact of an older version as a new, higher version (scorers swap to it),"
                    + " and write a ROLLED_BACK model event.")
    static final class Rollback implements Callable<Integer> {
        @Mixin
        TopicOptions cluster;

        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--to", required = true, paramLabel = "VERSION", description = "The version to go back to.")
        long to;

        @Override
        public Integer call() {
            var registry = cluster.registry();
            var topics = cluster.topics(registry);
            var events = cluster.topics(registry).modelEvents();
            TopicAdmin.createMissing(cluster.clientConfig(), java.util.List.of(topics.models(), topics.modelHistory(),
                    events));
            ModelCatalog catalog = ModelCatalog.read(cluster.clientConfig(), topics.models(), topics.modelHistory(), events);
            var p = new java.util.HashMap<>(cluster.clientConfig());
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            try (ModelPublisher publisher = new ModelPublisher(cluster.clientConfig(), topics.models(),
                    topics.modelHistory(), Clock.systemUTC());
                 KafkaProducer<String, ModelEvent> eventProducer = new KafkaProducer<>(p,
                         events.keySerde().serializer(), events.valueSerde().serializer())) {
                new ModelAdmin(catalog, System.out::println).rollback(name, to, publisher, eventProducer, events.name(),
                        Clock.systemUTC());
            }
            return 0;
        }
    }
}
