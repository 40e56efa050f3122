package io.simstream.retraining;

import io.simstream.avro.DeadLetter;
import io.simstream.avro.LabeledPair;
import io.simstream.avro.ModelEvent;
import io.simstream.avro.PairDecision;
import io.simstream.avro.VectorPair;
import io.simstream.config.ScoringConfig;
import io.simstream.data.PairDataset;
import io.simstream.data.Vectors;
import io.simstream.lifecycle.ModelPublisher;
import io.simstream.model.ModelArtifact;
import io.simstream.model.PairScorers;
import io.simstream.registry.SchemaRegistry;
import io.simstream.scoring.ScoringService;
import io.simstream.testkit.SharedRegistry;
import io.simstream.testkit.TopicReader;
import io.simstream.topics.TopicAdmin;
import io.simstream.topics.TopicNames;
import io.simstream.topics.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;

/** One isolated scoring + retraining deployment on a shared broker and registry. */
final class RetrainHarness implements AutoCloseable {
    static final int PARTITIONS = 2;
    static final String MODEL = "default";

    final String bootstrap;
    final String registryUrl;
    final SchemaRegistry registry;
    final TopicNames names;
    final Topics topics;
    final String prefix;
    final List<ModelEvent> events = new CopyOnWriteArrayList<>();
    final TopicReader<String, PairDecision> decisions;
    final TopicReader<String, ModelEvent> modelEvents;
    final TopicReader<String, DeadLetter> labelDeadLetters;
    private final Path stateRoot;
    private final KafkaProducer<String, VectorPair> pairs;
    private final KafkaProducer<String, LabeledPair> labels;
    private final KafkaProducer<String, byte[]> raw;
    private final ModelPublisher publisher;
    private final List<AutoCloseable> running = new ArrayList<>();

    /** On this broker and the shared registry, under a unique prefix made from name. */
    static RetrainHarness on(String bootstrap, String name) throws Exception {
        return new RetrainHarness(bootstrap, SharedRegistry.url(), SharedRegistry.newClient(),
                SharedRegistry.unique(name));
    }

    RetrainHarness(String bootstrap, String registryUrl, SchemaRegistry registry, String prefix) throws Exception {
        this.bootstrap = bootstrap;
        this.registryUrl = registryUrl;
        this.registry = registry;
        this.prefix = prefix;
        this.names = TopicNames.DEFAULT.withPrefix(prefix + "-");
        this.topics = new Topics(names, registry, PARTITIONS);
        this.stateRoot = Files.createTempDirectory("simstream-retrain-it-");
        TopicAdmin.createMissing(Map.of("bootstrap.servers", bootstrap), topics.all());
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        this.pairs = new KafkaProducer<>(p, Serdes.String().serializer(), topics.pairs().valueSerde().serializer());
        this.labels = new KafkaProducer<>(p, Serdes.String().serializer(),
                topics.labeledPairs().valueSerde().serializer());
        this.raw = new KafkaProducer<>(p, Serdes.String().serializer(), Serdes.ByteArray().serializer());
        this.decisions = new TopicReader<>(bootstrap, names.decisions(), PARTITIONS, Serdes.String().deserializer(),
                topics.decisions().valueSerde().deserializer());
        this.modelEvents = new TopicReader<>(bootstrap, names.modelEvents(), 1, Serdes.String().deserializer(),
                topics.modelEvents().valueSerde().deserializer());
        this.labelDeadLetters = new TopicReader<>(bootstrap, names.labelDeadLetters(), 1,
                Serdes.String().deserializer(), topics.labelDeadLetters().valueSerde().deserializer());
        this.publisher = new ModelPublisher(Map.of("bootstrap.servers", bootstrap), topics.models(), topics.modelHistory(), Clock.systemUTC());
    }

    long publish(ModelArtifact model) {
        return publisher.publish(model, MODEL, OptionalLong.empty(), Map.of("source", "test")).version();
    }

    ScoringService startScoring() {
        Map<String, String> m = new HashMap<>();
        m.put("bootstrap.servers", bootstrap);
        m.put("registry.url", registryUrl);
        m.put("application.id", prefix + "-scoring");
        m.putAll(names.asSettings());
        m.put("topic.pairs.partitions", String.valueOf(PARTITIONS));
        m.put("state.dir", stateRoot.resolve("scoring").toString());
        m.put("commit.interval.ms", "100");
        m.put("metrics.port", "-1");
        ScoringService s = ScoringService.start(ScoringConfig.of(m), registry, PairScorers::fastest);
        running.add(s);
        return s;
    }

    RetrainSettings settings(String instance, int window, int everyLabels, int minLabels) {
        return new RetrainSettings(prefix + "-retrainer", MODEL, window, everyLabels, Duration.ofHours(1), minLabels,
                0.2, GateMetric.AUC, 0.005, 0.6, Duration.ofMinutes(10), Duration.ofSeconds(6),
                stateRoot.resolve(instance).toString(), 100);
    }

    RetrainService startRetrainer(RetrainSettings settings, ChallengerTrainer trainer) {
        RetrainService s = new RetrainService(settings, Map.of("bootstrap.servers", bootstrap), topics,
                trainer, events::add, Clock.systemUTC()).start(-1);
        running.add(s);
        return s;
    }

    void stop(AutoCloseable service) throws Exception {
        running.remove(service);
        service.close();
    }

    /** Sends rows as pairs with ids prefix0.. and waits for the acks. */
    void sendPairs(PairDataset data, String idPrefix) throws Exception {
        List<Future<?>> acks = new ArrayList<>();
        for (int i = 0; i < data.size(); i++) {
            String id = idPrefix + i;
            acks.add(pairs.send(new ProducerRecord<>(names.pairs(), id, VectorPair.newBuilder().setId(id)
                    .setLeft(Vectors.toList(data.left()[i])).setRight(Vectors.toList(data.right()[i])).setEventTime(Instant.now())
                    .build())));
        }
        for (Future<?> f : acks) {
            f.get();
        }
    }

    /** Sends rows as labeled pairs (label from the data set unless overridden) and waits for the acks. */
    void sendLabels(PairDataset data, String idPrefix, int[] labelOverride) throws Exception {
        List<Future<?>> acks = new ArrayList<>();
        for (int i = 0; i < data.size(); i++) {
            String id = idPrefix + i;
            int y = labelOverride == null ? data.labels()[i] : labelOverride[i];
            acks.add(labels.send(new ProducerRecord<>(names.labeledPairs(), id, LabeledPair.newBuilder()
                    .setId(id).setLeft(Vectors.toList(data.left()[i])).setRight(Vectors.toList(data.right()[i])).setSame(y == 1)
                    .setLabeledAt(Instant.now()).setSource("test").build())));
        }
        for (Future<?> f : acks) {
            f.get();
        }
    }

    void sendRawLabel(String key, byte[] value) throws Exception {
        raw.send(new ProducerRecord<>(names.labeledPairs(), key, value)).get();
    }

    @Override
    public void close() throws Exception {
        for (AutoCloseable c : List.copyOf(running)) {
            c.close();
        }
        pairs.close();
        labels.close();
        raw.close();
        publisher.close();
        decisions.close();
        modelEvents.close();
        labelDeadLetters.close();
    }
}
