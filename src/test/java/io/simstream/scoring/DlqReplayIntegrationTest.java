package io.simstream.scoring;

import io.simstream.avro.DeadLetter;
import io.simstream.avro.OriginalHeader;
import io.simstream.avro.PairDecision;
import io.simstream.avro.VectorPair;
import io.simstream.testkit.Await;
import io.simstream.testkit.BrokerPerClass;
import io.simstream.testkit.CliRun;
import io.simstream.testkit.SharedRegistry;
import io.simstream.testkit.TestModels;
import io.simstream.topics.TopicScan;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * `dlq replay` on a real broker, the real registry and a running scorer: pairs dead-lettered for a
 * dimension the live model does not have are replayed, byte for byte with their headers, once a
 * model of that dimension is live, and then scored; filters and --dry-run send exactly what they say.
 */
@Tag("integration")
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class DlqReplayIntegrationTest {
    private static final Duration WAIT = Duration.ofSeconds(90);
    @RegisterExtension
    static final BrokerPerClass KAFKA = new BrokerPerClass();


    private static CliRun cli(String... args) {
        return CliRun.of(args);
    }

    private static CliRun replay(String prefix, String... args) {
        List<String> all = new ArrayList<>(List.of("dlq", "replay", "--bootstrap", KAFKA.bootstrapServers(),
                "--registry-url", SharedRegistry.url(), "--topic-prefix", prefix));
        all.addAll(List.of(args));
        return cli(all.toArray(String[]::new));
    }

    private static List<ConsumerRecord<byte[], byte[]>> rawPairs(ScoringHarness h) {
        return TopicScan.readAll(Map.of("bootstrap.servers", h.bootstrap), h.names.pairs(), new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
    }

    @Test
    void replaysOriginalBytesAndHeadersFilteredAndOnlyOnceTheyCanBeScored() throws Exception {
        String id = SharedRegistry.unique("dlq");
        try (ScoringHarness h = new ScoringHarness(KAFKA.bootstrapServers(), SharedRegistry.url(),
                SharedRegistry.newClient(), id)) {
            ScoringService scorer = h.start("a");
            h.publish(1);
            Await.until("scorer serving v1", () -> scorer.liveModel().version(), v -> v == 1L, WAIT);

            // Five 8-d pairs against the 16-d model: the scorer dead-letters them (DIMENSION_MISMATCH).
            Random rnd = new Random(3);
            for (int i = 0; i < 5; i++) {
                h.sendPair("narrow" + i, TestModels.pair("narrow" + i, rnd, 8));
            }
            // Two dead letters with headers and a DESERIALIZATION type, written as a scorer writes them.
            byte[] garbage = {0, 0, 0, 0, 99, 1, 2, 3};
            var dlqSpec = h.topics.deadLetters();
            try (KafkaProducer<String, DeadLetter> p = new KafkaProducer<>(Map.of("bootstrap.servers", h.bootstrap),
                    Serdes.String().serializer(), dlqSpec.valueSerde().serializer())) {
                for (int i = 0; i < 2; i++) {
                    DeadLetter dl = DeadLetter.newBuilder()
                            .setOriginalKey(ByteBuffer.wrap(("bad" + i).getBytes(StandardCharsets.UTF_8)))
                            .setOriginalValue(ByteBuffer.wrap(garbage)).setSourceTopic(h.names.pairs())
                            .setSourcePartition(0).setSourceOffset(1000 + i).setErrorType("DESERIALIZATION")
                            .setReason("unknown schema id 99").setFailedAt(Instant.now()).setApplication("test")
                            .setOriginalHeaders(List.of(
                                    new OriginalHeader("trace", ByteBuffer.wrap(new byte[] {(byte) 0xff, 0, 7})),
                                    new OriginalHeader("empty", null),
                                    new OriginalHeader("trace", ByteBuffer.wrap(("second-" + i).getBytes()))))
                            .build();
                    p.send(new ProducerRecord<>(dlqSpec.name(), "bad" + i, dl)).get();
                }
            }
            List<ConsumerRecord<String, DeadLetter>> dls = Await.until("7 dead letters", h.deadLetters::poll,
                    l -> l.size() >= 7, WAIT);
            Map<String, Long> byType = dls.stream().collect(Collectors.groupingBy(r -> r.value().getErrorType(),
                    Collectors.counting()));
            assertEquals(Map.of("DIMENSION_MISMATCH", 5L, "DESERIALIZATION", 2L), byType);
            int pairsBefore = rawPairs(h).size();

            CliRun dry = replay(id + "-", "--error-type", "DIMENSION_MISMATCH", "--dry-run");
            assertEquals(0, dry.exit(), dry.err());
            assertTrue(dry.out().contains("scanned 7 dead letters (0 unreadable), 5 matched {DIMENSION_MISMATCH=5}"
                    + ", dry run: would send 5"), dry.out());
            assertEquals(5, dry.out().lines().filter(l -> l.startsWith("would send")).count(), dry.out());
            assertEquals(pairsBefore, rawPairs(h).size(), "a dry run sends nothing");

            CliRun none = replay(id + "-", "--until", "2000-01-01T00:00:00Z");
            assertEquals(0, none.exit(), none.err());
            assertTrue(none.out().contains("0 matched {}, sent 0"), none.out());

            // The DESERIALIZATION pair at DLQ offsets [5, 7) only: the second one, by offset range.
            long secondBad = dls.stream().filter(r -> r.key().equals("bad1")).findFirst().orElseThrow().offset();
            CliRun one = replay(id + "-", "--error-type", "DESERIALIZATION", "--from-offset", "" + secondBad,
                    "--to-offset", "" + (secondBad + 1));
            assertEquals(0, one.exit(), one.err());
            assertTrue(one.out().contains("1 matched {DESERIALIZATION=1}, sent 1"), one.out());
            List<ConsumerRecord<byte[], byte[]>> after = rawPairs(h);
            assertEquals(pairsBefore + 1, after.size());
            ConsumerRecord<byte[], byte[]> resent = after.stream()
                    .filter(r -> new String(r.key(), StandardCharsets.UTF_8).equals("bad1")).findFirst().orElseThrow();
            assertArrayEquals(garbage, resent.value());
            List<Header> headers = List.of(resent.headers().toArray());
            assertEquals(List.of("trace", "empty", "trace"), headers.stream().map(Header::key).toList());
            assertArrayEquals(new byte[] {(byte) 0xff, 0, 7}, headers.get(0).value());
            assertEquals(null, headers.get(1).value());
            assertArrayEquals("second-1".getBytes(), headers.get(2).value());

            // Once a model of dimension 8 is live, the narrow pairs replay and are scored. The scorer
            // refuses a change of input dimension unless the record allows it (publish
            // --allow-dimension-change), as an operator moving to the new shape would.
            var publisher = new io.simstream.lifecycle.ModelPublisher(Map.of("bootstrap.servers", h.bootstrap),
                    h.topics.models(), h.topics.modelHistory(), java.time.Clock.systemUTC());
            try (publisher) {
                publisher.publish(TestModels.random(8, 5), "default", java.util.OptionalLong.empty(),
                        Map.of(io.simstream.lifecycle.ModelLoader.ALLOW_DIMENSION_CHANGE, "true"));
            }
            Await.until("scorer serving v2", () -> scorer.liveModel().version(), v -> v == 2L, WAIT);
            byte[][] originals = new byte[5][];
            for (ConsumerRecord<String, DeadLetter> d : dls) {
                if (d.value().getErrorType().equals("DIMENSION_MISMATCH")) {
                    String key = StandardCharsets.UTF_8.decode(d.value().getOriginalKey().duplicate()).toString();
                    originals[Integer.parseInt(key.substring("narrow".length()))] =
                            io.simstream.lifecycle.ModelLoader.toArray(d.value().getOriginalValue());
                }
            }
            CliRun all = replay(id + "-", "--error-type", "DIMENSION_MISMATCH");
            assertEquals(0, all.exit(), all.err());
            assertTrue(all.out().contains("5 matched {DIMENSION_MISMATCH=5}, sent 5"), all.out());
            List<ConsumerRecord<String, PairDecision>> decided = Await.until("5 decisions of the narrow pairs",
                    h.decisions::poll, l -> l.stream().filter(r -> r.key().startsWith("narrow")).count() >= 5, WAIT);
            Set<String> scored = new TreeSet<>();
            for (ConsumerRecord<String, PairDecision> d : decided) {
                if (d.key().startsWith("narrow")) {
                    assertEquals(2L, d.value().getModelVersion());
                    scored.add(d.key());
                }
            }
            assertEquals(Set.of("narrow0", "narrow1", "narrow2", "narrow3", "narrow4"), scored);
            for (ConsumerRecord<byte[], byte[]> r : rawPairs(h)) {
                String key = new String(r.key(), StandardCharsets.UTF_8);
                if (key.startsWith("narrow") && r.offset() >= 0) {
                    VectorPair decoded = h.topics.pairs().valueSerde().deserializer().deserialize(h.names.pairs(), r.value());
                    assertEquals(key, decoded.getId());
                    assertArrayEquals(originals[Integer.parseInt(key.substring(6))], r.value(), "replayed bytes unchanged");
                }
            }
            assertEquals(0, cli("dlq", "replay", "--help").exit());
        }
    }
}
