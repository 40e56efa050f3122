package io.simstream.scoring;

import io.simstream.avro.DeadLetter;
import io.simstream.avro.PairDecision;
import io.simstream.avro.VectorPair;
import io.simstream.config.ScoringConfig;
import io.simstream.lifecycle.ModelPublisher;
import io.simstream.lifecycle.PairScorerFactory;
import io.simstream.model.ModelArtifact;
import io.simstream.registry.SchemaRegistry;
import io.simstream.testkit.TestModels;
import io.simstream.testkit.TopicReader;
import io.simstream.topics.TopicNames;
import io.simstream.topics.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;

/**
 * One isolated scoring deployment on a shared broker and registry: its own topic names,
 * producers, readers and service instances (each with its own state directory).
 */
final class ScoringHarness implements AutoCloseable {
    static final int DIM = 16;
    static final int PARTITIONS = 4;

    final String bootstrap;
    final String registryUrl;
    final SchemaRegistry registry;
    final TopicNames names;
    final Topics topics;
    final String appId;
    private final Path stateRoot;
    private final KafkaProducer<String, VectorPair> pairProducer;
    private final KafkaProducer<byte[], byte[]> rawProducer;
    final TopicReader<String, PairDecision> decisions;
    final TopicReader<String, DeadLetter> deadLetters;
    private final ModelPublisher publisher;
    private final List<ScoringService> services = new ArrayList<>();
    private final Random rnd = new Random(11);

    ScoringHarness(String bootstrap, String registryUrl, SchemaRegistry registry, String prefix) throws Exception {
        this.bootstrap = bootstrap;
        this.registryUrl = registryUrl;
        this.registry = registry;
        this.names = TopicNames.DEFAULT.withPrefix(prefix + "-");
        this.topics = new Topics(names, registry, PARTITIONS);
        this.appId = prefix + "-app";
        this.stateRoot = Files.createTempDirectory("simstream-it-");
        io.simstream.topics.TopicAdmin.createMissing(Map.of("bootstrap.servers", bootstrap), topics.all());
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        pairProducer = new KafkaProducer<>(p, Serdes.String().serializer(), topics.pairs().valueSerde().serializer());
        rawProducer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        decisions = new TopicReader<>(bootstrap, names.decisions(), PARTITIONS, Serdes.String().deserializer(),
                topics.decisions().valueSerde().deserializer());
        deadLetters = new TopicReader<>(bootstrap, names.deadLetters(), 1, Serdes.String().deserializer(),
                topics.deadLetters().valueSerde().deserializer());
        publisher = new ModelPublisher(Map.of("bootstrap.servers", bootstrap), topics.models(), topics.modelHistory(), Clock.systemUTC());
    }

    ScoringConfig config(String instance, Map<String, String> extra) {
        Map<String, String> m = new HashMap<>();
        m.put("bootstrap.servers", bootstrap);
        m.put("registry.url", registryUrl);
        m.put("application.id", appId);
        m.putAll(names.asSettings());
        m.put("state.dir", stateRoot.resolve(instance).toString());
        m.put("commit.interval.ms", "100");
        m.put("waiting.drain.interval.ms", "100");
        m.put("metrics.port", "0");
        m.put("shutdown.timeout.ms", "20000");
        m.putAll(extra);
        return ScoringConfig.of(m);
    }

    ScoringService start(String instance) {
        return start(instance, Map.of());
    }

    ScoringService start(String instance, Map<String, String> extra) {
        ScoringService s = ScoringService.start(config(instance, extra), registry, PairScorerFactory.SCALAR);
        services.add(s);
        return s;
    }

    void stop(ScoringService s) {
        s.close();
        services.remove(s);
    }

    ModelPublisher.Published publish(long seed) {
        return publisher.publish(TestModels.random(DIM, seed), "default", OptionalLong.empty(), Map.of("seed", "" + seed));
    }

    ModelArtifact model(long seed) {
        return TestModels.random(DIM, seed);
    }

    /** Sends pairs "p{from}".."p{to-1}", keyed by id, and waits for the acks. */
    void sendPairs(int from, int to) throws ExecutionException, InterruptedException {
        List<java.util.concurrent.Future<?>> acks = new ArrayList<>();
        for (int i = from; i < to; i++) {
            acks.add(pairProducer.send(new ProducerRecord<>(names.pairs(), "p" + i, TestModels.pair("p" + i, rnd, DIM))));
        }
        for (var f : acks) {
            f.get();
        }
    }

    void sendPair(String key, VectorPair pair) throws ExecutionException, InterruptedException {
        pairProducer.send(new ProducerRecord<>(names.pairs(), key, pair)).get();
    }

    void sendRaw(String key, byte[] value) throws ExecutionException, InterruptedException {
        rawProducer.send(new ProducerRecord<>(names.pairs(), key.getBytes(), value)).get();
    }

    VectorPair randomPair(String id) {
        return TestModels.pair(id, rnd, DIM);
    }

    @Override
    public void close() throws Exception {
        for (ScoringService s : List.copyOf(services)) {
            s.close();
        }
        pairProducer.close();
        rawProducer.close();
        publisher.close();
        decisions.close();
        deadLetters.close();
    }
}
