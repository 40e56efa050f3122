package io.simstream.retraining;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.simstream.avro.LabeledPair;
import io.simstream.avro.ModelEvent;
import io.simstream.avro.PairDecision;
import io.simstream.registry.InMemorySchemaRegistry;
import io.simstream.topics.TopicNames;
import io.simstream.topics.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OnlineQualityTopologyTest {
    private final Topics topics = new Topics(TopicNames.DEFAULT, new InMemorySchemaRegistry(), 1);
    private final Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
    private final Map<String, OnlineAccuracy> served = new ConcurrentHashMap<>();
    private final Map<String, OnlineAccuracy> shadowed = new ConcurrentHashMap<>();
    private final Map<String, Comparison> comparisons = new ConcurrentHashMap<>();
    private TopologyTestDriver driver;
    private TestInputTopic<String, PairDecision> decisions;
    private TestInputTopic<String, PairDecision> shadows;
    private TestInputTopic<String, LabeledPair> labels;
    private TestOutputTopic<String, ModelEvent> events;

    @BeforeEach
    void start() {
        StreamsBuilder builder = new StreamsBuilder();
        OnlineQualityTopology.build(builder, topics, Duration.ofMinutes(5), new OnlineQualityTopology.Listener() {
            @Override
            public void accuracy(String modelKey, OnlineQualityTopology.Role role, OnlineAccuracy accuracy) {
                (role == OnlineQualityTopology.Role.SERVED ? served : shadowed).put(modelKey, accuracy);
            }

            @Override
            public void comparison(String modelName, Comparison comparison) {
                comparisons.put(modelName, comparison);
            }
        });
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "oq-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
        driver = new TopologyTestDriver(builder.build(), props);
        decisions = driver.createInputTopic(topics.decisions().name(), Serdes.String().serializer(),
                topics.decisions().valueSerde().serializer());
        shadows = driver.createInputTopic(topics.decisionsShadow().name(), Serdes.String().serializer(),
                topics.decisionsShadow().valueSerde().serializer());
        labels = driver.createInputTopic(topics.labeledPairs().name(), Serdes.String().serializer(),
                topics.labeledPairs().valueSerde().serializer());
        events = driver.createOutputTopic(topics.modelEvents().name(), Serdes.String().deserializer(),
                topics.modelEvents().valueSerde().deserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    @Test
    void countsCorrectDecisionsPerModelVersionOnlyForLabelsInsideTheWindow() {
        decisions.pipeInput("a", decision("a", 1, true), t0);
        decisions.pipeInput("b", decision("b", 1, false), t0);
        decisions.pipeInput("c", decision("c", 2, true), t0.plusSeconds(1));
        decisions.pipeInput("late", decision("late", 2, true), t0.plusSeconds(2));
        labels.pipeInput("a", label("a", true), t0.plusSeconds(10));   // v1 right
        labels.pipeInput("b", label("b", true), t0.plusSeconds(11));   // v1 wrong
        labels.pipeInput("c", label("c", true), t0.plusSeconds(12));   // v2 right
        labels.pipeInput("nobody", label("nobody", false), t0.plusSeconds(13)); // no decision: ignored
        labels.pipeInput("late", label("late", false), t0.plus(Duration.ofMinutes(20))); // outside window

        List<ModelEvent> out = events.readValuesToList();
        assertEquals(3, out.size(), "one update per joined label, got " + out);
        assertEquals(new OnlineAccuracy(1, 2), served.get("m@1"));
        assertEquals(new OnlineAccuracy(1, 1), served.get("m@2"));
        assertTrue(shadowed.isEmpty() && comparisons.isEmpty(), "no shadow, nothing to compare");
        ModelEvent last = out.get(out.size() - 1);
        assertEquals("ONLINE_ACCURACY", last.getEventType());
        assertEquals(2L, last.getChampionVersion());
        assertEquals(1.0, last.getChampionMetric(), 1e-9);
        assertTrue(last.getReason().contains("1 of 1"), last.getReason());
    }

    /**
     * In shadow v1 decides and v2 shadows; in canary the candidate decides some pairs and the champion
     * shadows them. Either way each labeled pair counts once for the (v1, v2) comparison, with v2 as
     * the candidate, and the served and shadow accuracies are kept apart.
     */
    @Test
    void comparesChampionAndCandidateOnTheSameLabeledPairsWhicheverOfThemServed() {
        // p1: champion serves, both right. p2: champion serves, only the candidate right.
        decisions.pipeInput("p1", decision("p1", 1, true), t0);
        shadows.pipeInput("p1", decision("p1", 2, true), t0);
        decisions.pipeInput("p2", decision("p2", 1, false), t0);
        shadows.pipeInput("p2", decision("p2", 2, true), t0);
        // p3: the candidate (canary) serves and is right, the champion shadow is wrong.
        decisions.pipeInput("p3", decision("p3", 2, false), t0);
        shadows.pipeInput("p3", decision("p3", 1, true), t0);
        // p4: the candidate serves and is wrong, the champion right.
        decisions.pipeInput("p4", decision("p4", 2, true), t0);
        shadows.pipeInput("p4", decision("p4", 1, false), t0);
        // p5: no shadow decision: counts for v1's accuracy only.
        decisions.pipeInput("p5", decision("p5", 1, true), t0);
        labels.pipeInput("p1", label("p1", true), t0.plusSeconds(5));
        labels.pipeInput("p2", label("p2", true), t0.plusSeconds(5));
        labels.pipeInput("p3", label("p3", false), t0.plusSeconds(5));
        labels.pipeInput("p4", label("p4", false), t0.plusSeconds(5));
        labels.pipeInput("p5", label("p5", true), t0.plusSeconds(5));

        Comparison c = comparisons.get("m");
        assertEquals(new Comparison(1, 2, 1, 2, 1, 0, 2), c);
        assertEquals(0.5, c.championAccuracy(), 1e-9);
        assertEquals(0.75, c.candidateAccuracy(), 1e-9);
        assertEquals(new OnlineAccuracy(2, 3), served.get("m@1"), "p1, p5 right; p2 wrong");
        assertEquals(new OnlineAccuracy(1, 2), served.get("m@2"), "p3 right; p4 wrong");
        assertEquals(new OnlineAccuracy(2, 2), shadowed.get("m@2"));
        assertEquals(new OnlineAccuracy(1, 2), shadowed.get("m@1"));

        List<org.apache.kafka.streams.KeyValue<String, ModelEvent>> all = events.readKeyValuesToList();
        assertTrue(all.stream().allMatch(kv -> kv.key.equals("m")), "model events are keyed by model name: " + all);
        ModelEvent comparison = all.stream().map(kv -> kv.value).filter(e -> e.getEventType().equals("COMPARISON"))
                .reduce((a, b) -> b).orElseThrow();
        assertEquals(1L, comparison.getChampionVersion());
        assertEquals(2L, comparison.getChallengerVersion());
        assertEquals(c, Comparison.fromDetails(1, 2, comparison.getDetails()), "the event carries the counts");
        assertTrue(events.isEmpty());
    }

    private PairDecision decision(String id, long version, boolean same) {
        return PairDecision.newBuilder().setPairId(id).setScore(0.3f).setSame(same).setThreshold(0.5f)
                .setModelName("m").setModelVersion(version).setHead("contrastive").setScoredAt(t0).build();
    }

    private LabeledPair label(String id, boolean same) {
        return LabeledPair.newBuilder().setId(id).setLeft(List.of(1f)).setRight(List.of(2f)).setSame(same)
                .setLabeledAt(t0).setSource("test").build();
    }
}
