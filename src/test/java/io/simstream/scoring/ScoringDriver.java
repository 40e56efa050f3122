package io.simstream.scoring;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.simstream.avro.DeadLetter;
import io.simstream.avro.ModelRecord;
import io.simstream.avro.PairDecision;
import io.simstream.avro.VectorPair;
import io.simstream.deadletter.DeadLetterDeserializationHandler;
import io.simstream.lifecycle.ModelLoader;
import io.simstream.lifecycle.PairScorerFactory;
import io.simstream.registry.InMemorySchemaRegistry;
import io.simstream.registry.RegistryWait;
import io.simstream.registry.SchemaRegistry;
import io.simstream.topics.TopicNames;
import io.simstream.topics.Topics;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/**
 * The scoring topology in a TopologyTestDriver, built the way the service builds it (the same
 * {@link ScoringTopology#build} and error handlers), with the input and output topics the unit
 * tests of topology logic use. One fixture for all of them: each test changes only what it is about.
 */
final class ScoringDriver implements AutoCloseable {
    final Topics topics;
    final LiveModel live;
    final ScoringMetrics metrics;
    final TopologyTestDriver driver;
    final TestInputTopic<String, ModelRecord> models;
    final TestInputTopic<String, byte[]> rawModels;
    final TestInputTopic<String, VectorPair> pairs;
    final TestInputTopic<byte[], byte[]> rawPairs;
    final TestOutputTopic<String, PairDecision> decisions;
    final TestOutputTopic<String, PairDecision> shadowDecisions;
    final TestOutputTopic<String, DeadLetter> deadLetters;
    final TestOutputTopic<byte[], PairDecision> decisionsByKeyBytes;
    final TestOutputTopic<byte[], DeadLetter> deadLettersByKeyBytes;

    private ScoringDriver(Builder b) {
        this.topics = new Topics(TopicNames.DEFAULT, b.registry, 1, 1, b.role);
        this.live = new LiveModel("default");
        this.metrics = new ScoringMetrics(new SimpleMeterRegistry(), live);
        ScoringRuntime runtime = ScoringRuntime.builder(b.applicationId, live,
                        new ModelLoader(b.scorers, b.expectedDim, Clock.systemUTC()), metrics)
                .waiting(b.waiting).drainInterval(b.drainInterval).pairWait(new RegistryWait(Duration.ofSeconds(5)))
                .build();
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, b.applicationId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, b.stateDir.toString());
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterDeserializationHandler.class);
        props.putAll(DeadLetterDeserializationHandler.configs(topics.pairs().name(), topics.deadLetters().name(),
                topics.deadLetters().valueSerde().serializer(), metrics, b.applicationId));
        this.driver = new TopologyTestDriver(ScoringTopology.build(topics, runtime), props);
        this.models = driver.createInputTopic(topics.models().name(), Serdes.String().serializer(),
                topics.models().valueSerde().serializer());
        this.rawModels = driver.createInputTopic(topics.models().name(), Serdes.String().serializer(),
                Serdes.ByteArray().serializer());
        this.pairs = driver.createInputTopic(topics.pairs().name(), Serdes.String().serializer(),
                topics.pairs().valueSerde().serializer());
        this.rawPairs = driver.createInputTopic(topics.pairs().name(), Serdes.ByteArray().serializer(),
                Serdes.ByteArray().serializer());
        this.decisions = driver.createOutputTopic(topics.decisions().name(), Serdes.String().deserializer(),
                topics.decisions().valueSerde().deserializer());
        this.shadowDecisions = driver.createOutputTopic(topics.decisionsShadow().name(), Serdes.String().deserializer(),
                topics.decisionsShadow().valueSerde().deserializer());
        this.deadLetters = driver.createOutputTopic(topics.deadLetters().name(), Serdes.String().deserializer(),
                topics.deadLetters().valueSerde().deserializer());
        this.decisionsByKeyBytes = driver.createOutputTopic(topics.decisions().name(), Serdes.ByteArray().deserializer(),
                topics.decisions().valueSerde().deserializer());
        this.deadLettersByKeyBytes = driver.createOutputTopic(topics.deadLetters().name(),
                Serdes.ByteArray().deserializer(), topics.deadLetters().valueSerde().deserializer());
    }

    static Builder in(Path stateDir) {
        return new Builder(stateDir);
    }

    @Override
    public void close() {
        driver.close();
    }

    static final class Builder {
        private final Path stateDir;
        private String applicationId = "scoring-test";
        private int expectedDim;
        private PairScorerFactory scorers = PairScorerFactory.SCALAR;
        private WaitingBuffer waiting = new WaitingBuffer(Long.MAX_VALUE, Long.MAX_VALUE, 1000);
        private Duration drainInterval = Duration.ofMillis(100);
        private SchemaRegistry registry = new InMemorySchemaRegistry();
        /** CLIENT: the test writes pairs through the same topics' serdes, so their subject may be registered. */
        private Topics.Role role = Topics.Role.CLIENT;

        private Builder(Path stateDir) {
            this.stateDir = stateDir;
        }

        Builder applicationId(String v) { applicationId = v; return this; }
        Builder expectedDim(int v) { expectedDim = v; return this; }
        Builder scorers(PairScorerFactory v) { scorers = v; return this; }
        Builder waiting(WaitingBuffer v) { waiting = v; return this; }
        Builder drainInterval(Duration v) { drainInterval = v; return this; }
        Builder registry(SchemaRegistry v) { registry = v; return this; }
        Builder role(Topics.Role v) { role = v; return this; }

        ScoringDriver start() {
            return new ScoringDriver(this);
        }
    }
}
