package io.simstream.retraining;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.simstream.avro.LabeledPair;
import io.simstream.avro.ModelEvent;
import io.simstream.avro.PairDecision;
import io.simstream.registry.AvroSerde;
import io.simstream.registry.InMemorySchemaRegistry;
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
import org.junit.jupiter.api.Test;

class OnlineQualityTopologyTest {
    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private final AvroSerde<PairDecision> decisionSerde = AvroSerde.forValue(registry, PairDecision.getClassSchema());
    private final AvroSerde<LabeledPair> labelSerde = AvroSerde.forValue(registry, LabeledPair.getClassSchema());
    private final AvroSerde<ModelEvent> eventSerde = AvroSerde.forValue(registry, ModelEvent.getClassSchema());
    private final Instant t0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void countsCorrectDecisionsPerModelVersionOnlyForLabelsInsideTheWindow() {
        StreamsBuilder builder = new StreamsBuilder();
        Map<String, OnlineAccuracy> seen = new ConcurrentHashMap<>();
        OnlineQualityTopology.build(builder, new OnlineQualityTopology.Topics("decisions", decisionSerde,
                "labels", labelSerde, "events", eventSerde), Duration.ofMinutes(5), seen::put);
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "oq-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
        try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(), props)) {
            TestInputTopic<String, PairDecision> decisions = driver.createInputTopic("decisions",
                    Serdes.String().serializer(), decisionSerde.serializer());
            TestInputTopic<String, LabeledPair> labels = driver.createInputTopic("labels",
                    Serdes.String().serializer(), labelSerde.serializer());
            TestOutputTopic<String, ModelEvent> events = driver.createOutputTopic("events",
                    Serdes.String().deserializer(), eventSerde.deserializer());

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
            assertEquals(new OnlineAccuracy(1, 2), seen.get("m@1"));
            assertEquals(new OnlineAccuracy(1, 1), seen.get("m@2"));
            ModelEvent last = out.get(out.size() - 1);
            assertEquals("ONLINE_ACCURACY", last.getEventType());
            assertEquals(2L, last.getChampionVersion());
            assertEquals(1.0, last.getChampionMetric(), 1e-9);
            assertTrue(last.getReason().contains("1 of 1"), last.getReason());
        }
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
