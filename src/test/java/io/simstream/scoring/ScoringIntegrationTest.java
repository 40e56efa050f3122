package io.simstream.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.simstream.avro.DeadLetter;
import io.simstream.avro.PairDecision;
import io.simstream.avro.VectorPair;
import io.simstream.lifecycle.ModelPublisher;
import io.simstream.testkit.Await;
import io.simstream.testkit.BrokerPerClass;
import io.simstream.testkit.Decisions;
import io.simstream.testkit.SharedRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The scoring service on a real in-JVM KRaft broker and the real registry: waiting for the first
 * model, scoring, dead letters, a hot swap under traffic, a restart, and two instances sharing work.
 * Decisions are read with read_committed, so a pair counted twice would be a real duplicate.
 */
@Tag("integration")
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ScoringIntegrationTest {
    private static final Duration WAIT = Duration.ofSeconds(90);
    @RegisterExtension
    static final BrokerPerClass KAFKA = new BrokerPerClass();



    private static ScoringHarness harness(String name) throws Exception {
        return new ScoringHarness(KAFKA.bootstrapServers(), SharedRegistry.url(), SharedRegistry.newClient(),
                SharedRegistry.unique(name));
    }

    static List<ConsumerRecord<String, PairDecision>> awaitDecisions(ScoringHarness h, int count) {
        return Await.until(count + " decisions", h.decisions::poll, l -> l.size() >= count, WAIT);
    }

    @Test
    void waitsForTheFirstModelScoresSwapsUnderTrafficAndResumesAfterARestart() throws Exception {
        try (ScoringHarness h = harness("flow")) {
            ScoringService a = h.start("a");
            h.sendPairs(0, 40);
            Await.until("40 pairs waiting for a model", () -> a.metrics().waitingPairs(), n -> n == 40, WAIT);
            assertEquals(List.of(), h.decisions.poll(), "no decision without a model");
            String reason = a.notReadyReason();
            assertTrue(reason.startsWith("no model 'default' loaded yet; 40 pairs (") && reason.endsWith(" bytes) waiting"),
                    "/ready says no model and how much waits: " + reason);

            assertEquals(1L, h.publish(1).version());
            List<ConsumerRecord<String, PairDecision>> first = awaitDecisions(h, 40);
            assertTrue(first.stream().allMatch(r -> r.value().getModelVersion() == 1L), "waiting pairs scored by v1");
            Await.until("service ready", a::notReadyReason, r -> r == null, WAIT);

            VectorPair nan = h.randomPair("bad-nan");
            nan.getLeft().set(0, Float.NaN);
            h.sendPair("bad-nan", nan);
            h.sendRaw("bad-bytes", new byte[] {1, 2, 3, 4, 5, 6});
            List<ConsumerRecord<String, DeadLetter>> dead = Await.until("2 dead letters", h.deadLetters::poll,
                    l -> l.size() >= 2, WAIT);
            assertEquals(Set.of("NON_FINITE", "DESERIALIZATION"),
                    dead.stream().map(r -> r.value().getErrorType()).collect(Collectors.toSet()));

            // Swap while pairs are flowing: a sender keeps producing until v2 decisions show up everywhere.
            java.util.concurrent.atomic.AtomicInteger sent = new java.util.concurrent.atomic.AtomicInteger(40);
            java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
            Thread sender = new Thread(() -> {
                try {
                    while (!stop.get()) {
                        h.sendPairs(sent.get(), sent.get() + 10);
                        sent.addAndGet(10);
                        Thread.sleep(20);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            sender.start();
            Await.until("100 decisions before the swap", h.decisions::poll, l -> l.size() >= 100, WAIT);
            assertEquals(2L, h.publish(2).version());
            Await.until("v2 decisions on all " + ScoringHarness.PARTITIONS + " partitions",
                    () -> h.decisions.poll().stream().filter(r -> r.value().getModelVersion() == 2L)
                            .map(ConsumerRecord::partition).collect(Collectors.toSet()),
                    parts -> parts.size() == ScoringHarness.PARTITIONS, WAIT);
            stop.set(true);
            sender.join();
            int total = sent.get();
            List<ConsumerRecord<String, PairDecision>> all = awaitDecisions(h, total);
            Decisions.assertExactlyOnce(all, Decisions.ids("p", total));
            assertVersionSwitchesOncePerPartition(all);
            Await.until("v2 serving", () -> a.liveModel().version(), v -> v == 2L, WAIT);

            String metrics = get(a, "/metrics");
            assertTrue(metrics.contains("simstream_model_version 2.0"), "metrics should show model version 2");
            assertTrue(metrics.contains("simstream_dead_letters_total{reason=\"NON_FINITE\"} 1.0"), "dead letters by reason");
            assertTrue(metrics.contains("simstream_scoring_latency_seconds_bucket"), "scoring latency histogram");
            assertTrue(metrics.contains("kafka_stream"), "Kafka Streams metrics are bound");
            // The test JVM runs with --add-modules jdk.incubator.vector (pom.xml test.argLine).
            assertTrue(metrics.contains("simstream_scoring_kernel{kernel=\"vector-api\"} 1.0"), "the kernel gauge names the Vector API kernel");
            assertEquals("ready: serving model 'default' v2 (unsigned)\n", get(a, "/ready"),
                    "/ready names the serving version and that it is unsigned (model.trust.mode=warn by default)");
            assertEquals("alive\n", get(a, "/health"));

            h.stop(a);
            h.sendPairs(total, total + 100);
            ScoringService restarted = h.start("a");
            List<ConsumerRecord<String, PairDecision>> after = awaitDecisions(h, total + 100);
            Decisions.assertExactlyOnce(after, Decisions.ids("p", total + 100));
            List<Long> versionsAfterRestart = after.subList(total, after.size()).stream()
                    .map(r -> r.value().getModelVersion()).distinct().toList();
            assertEquals(List.of(2L), versionsAfterRestart, "after the restart every pair is scored by the latest model");
            assertEquals(2L, restarted.liveModel().version());
        }
    }

    private static void assertVersionSwitchesOncePerPartition(List<ConsumerRecord<String, PairDecision>> decisions) {
        Map<Integer, List<Long>> byPartition = new TreeMap<>();
        for (var r : decisions) {
            byPartition.computeIfAbsent(r.partition(), p -> new ArrayList<>()).add(r.value().getModelVersion());
        }
        assertEquals(ScoringHarness.PARTITIONS, byPartition.size(), "all partitions got pairs: " + byPartition.keySet());
        byPartition.forEach((p, versions) -> {
            List<Long> runs = new ArrayList<>();
            for (Long v : versions) {
                if (runs.isEmpty() || !runs.get(runs.size() - 1).equals(v)) {
                    runs.add(v);
                }
            }
            assertEquals(List.of(1L, 2L), runs, "partition " + p + " should go from v1 to v2 once, saw runs " + runs);
        });
    }

    /**
     * Both kinds of state store report their Kafka Streams metrics on /metrics: the waiting pairs' in-memory
     * store and the models' RocksDB store used to clash on their tag names, so whichever registered second
     * was silently missing.
     */
    @Test
    void theStoreMetricsOfBothStoreKindsReachMetrics() throws Exception {
        try (ScoringHarness h = harness("store-metrics")) {
            ScoringService a = h.start("a");
            h.publish(1);
            h.sendPairs(0, 20);
            Await.until("20 decisions", h.decisions::poll, l -> l.size() >= 20, WAIT);
            String scrape = Await.until("state-store metrics of both kinds", () -> a.meterRegistry().scrape(),
                    m -> m.contains("store_type=\"in-memory\"") && m.contains("store_type=\"rocksdb\""), WAIT);
            List<String> kinds = scrape.lines().filter(l -> l.startsWith("kafka_stream_state_"))
                    .map(l -> l.replaceAll(".*store_type=\"([^\"]+)\".*", "$1")).distinct().sorted().toList();
            assertTrue(kinds.containsAll(List.of("in-memory", "rocksdb")), "store kinds on /metrics: " + kinds);
            assertTrue(scrape.lines().anyMatch(l -> l.startsWith("kafka_stream_state_")
                    && l.contains("state_id=\"waiting-pairs\"")), "the waiting store's own metrics");
        }
    }

    @Test
    void twoInstancesShareThePairsAndBothFollowASwap() throws Exception {
        try (ScoringHarness h = harness("pair-of-apps")) {
            ScoringService a = h.start("a");
            ScoringService b = h.start("b");
            Await.until("both instances RUNNING with active tasks", () -> List.of(tasks(a), tasks(b)),
                    t -> t.get(0) > 0 && t.get(1) > 0 && t.get(0) + t.get(1) == ScoringHarness.PARTITIONS, WAIT);
            h.publish(1);
            Await.until("both instances hold v1", () -> List.of(a.liveModel().version(), b.liveModel().version()),
                    v -> v.equals(List.of(1L, 1L)), WAIT);
            h.sendPairs(0, 200);
            awaitDecisions(h, 200);
            assertTrue(a.metrics().decisionCount() > 0 && b.metrics().decisionCount() > 0,
                    "both instances score: a=" + a.metrics().decisionCount() + " b=" + b.metrics().decisionCount());
            assertEquals(200.0, a.metrics().decisionCount() + b.metrics().decisionCount());

            h.publish(2);
            Await.until("the swap reaches both instances", () -> List.of(a.liveModel().version(), b.liveModel().version()),
                    v -> v.equals(List.of(2L, 2L)), WAIT);
            h.sendPairs(200, 300);
            List<ConsumerRecord<String, PairDecision>> all = awaitDecisions(h, 300);
            Decisions.assertExactlyOnce(all, Decisions.ids("p", 300));
            assertTrue(all.subList(200, 300).stream().allMatch(r -> r.value().getModelVersion() == 2L),
                    "pairs sent after the swap reached both instances are scored by v2");
        }
    }

    @Test
    void thePublisherNumbersVersionsUpwardsAndRefusesOnesThatAreNotNewer() throws Exception {
        try (ScoringHarness h = harness("publisher")) {
            assertEquals(1L, h.publish(1).version());
            assertEquals(2L, h.publish(2).version());
            try (ModelPublisher p = new ModelPublisher(Map.of("bootstrap.servers", KAFKA.bootstrapServers()),
                    h.topics.models(), h.topics.modelHistory(), java.time.Clock.systemUTC())) {
                assertEquals(2L, p.latestVersion("default"));
                assertEquals(0L, p.latestVersion("another-model"));
                var e = org.junit.jupiter.api.Assertions.assertThrows(io.simstream.UserInputException.class,
                        () -> p.publish(h.model(3), "default", java.util.OptionalLong.of(2), Map.of()));
                assertTrue(e.getMessage().contains("not newer than v2"), e.getMessage());
                assertEquals(7L, p.publish(h.model(3), "default", java.util.OptionalLong.of(7), Map.of()).version());
                assertEquals(7L, p.latestVersion("default"));
            }
        }
    }

    private static int tasks(ScoringService s) {
        if (s.streams().state() != KafkaStreams.State.RUNNING) {
            return 0;
        }
        return s.streams().metadataForLocalThreads().stream().mapToInt(t -> t.activeTasks().size()).sum();
    }

    static String get(ScoringService s, String path) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + s.metricsPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        return r.body();
    }
}
