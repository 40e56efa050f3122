package io.simstream.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.simstream.avro.ModelRecord;
import io.simstream.bench.BenchModels;
import io.simstream.lifecycle.ModelPublisher;
import io.simstream.lifecycle.ModelRecords;
import io.simstream.lifecycle.RecordKind;
import io.simstream.lifecycle.Rollout;
import io.simstream.model.ModelArtifact;
import io.simstream.testkit.Await;
import io.simstream.testkit.BrokerPerClass;
import io.simstream.testkit.CliRun;
import io.simstream.testkit.IsolatedDeployment;
import io.simstream.testkit.SharedRegistry;
import io.simstream.topics.ModelKeys;
import io.simstream.topics.TopicNames;
import io.simstream.topics.TopicScan;
import io.simstream.topics.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which chunks stay through a rollout, on a real broker and registry with a models topic of 64 KiB
 * (so every model here is chunked): a candidate's chunks stay while it is in shadow or canary and
 * when it is promoted (the serving key then names them), the old champion's go with the promotion,
 * a retired candidate's go with the retirement, and a FULL publish ends a candidate and drops its
 * chunks. A scorer follows every step from its stored chunks; export and rollback of a version
 * whose chunks are gone from the models topic read them from the history.
 */
@Tag("integration")
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ChunkLifecycleIntegrationTest {
    private static final Duration WAIT = Duration.ofSeconds(90);
    @RegisterExtension
    static final BrokerPerClass KAFKA = new BrokerPerClass();

    @TempDir
    Path dir;

    @Test
    void chunksLiveExactlyAsLongAsAKeyNamesTheirVersion() throws Exception {
        String id = SharedRegistry.unique("chunklife");
        TopicNames names = TopicNames.DEFAULT.withPrefix(id + "-");
        createSmallModelsTopic(names.models());
        try (ScoringHarness h = new ScoringHarness(KAFKA.bootstrapServers(), SharedRegistry.url(),
                SharedRegistry.newClient(), id)) {
            ScoringService scorer = h.start("a");
            ModelPublisher publisher = new ModelPublisher(Map.of("bootstrap.servers", h.bootstrap), h.topics.models(),
                    h.topics.modelHistory(), Clock.systemUTC());
            try {
                publisher.publish(model(1), "default", OptionalLong.empty(), Map.of());
                Map<String, ModelRecord> now = latest(h.topics);
                assertEquals(RecordKind.MANIFEST, RecordKind.of(now.get("default")));
                assertTrue(now.get("default").getChunks().size() >= 5, "chunked: " + now.get("default").getChunks());
                Await.until("v1 serving", () -> scorer.liveModel().version(), v -> v == 1L, WAIT);

                publisher.publish(model(2), "default", OptionalLong.empty(), Map.of(), Rollout.SHADOW, null);
                publisher.restage("default", 2, Rollout.canary(50), Map.of(), null);
                now = latest(h.topics);
                assertLive(now, 1, true);
                assertLive(now, 2, true);
                Await.until("v2 in canary", () -> scorer.liveModel().candidateVersion(), v -> v == 2L, WAIT);

                // Promotion: the serving key names v2's chunks; v1's go in the same transaction.
                publisher.restage("default", 2, Rollout.FULL, Map.of(), null);
                now = latest(h.topics);
                assertEquals(2L, now.get("default").getVersion());
                assertNull(now.get(ModelKeys.candidate("default")));
                assertLive(now, 1, false);
                assertLive(now, 2, true);
                Await.until("v2 serving", () -> scorer.liveModel().version(), v -> v == 2L, WAIT);

                // A retired candidate's chunks go with it.
                publisher.publish(model(3), "default", OptionalLong.empty(), Map.of(), Rollout.SHADOW, null);
                Await.until("v3 in shadow", () -> scorer.liveModel().candidateVersion(), v -> v == 3L, WAIT);
                publisher.retire("default", 3, null);
                now = latest(h.topics);
                assertLive(now, 3, false);
                assertLive(now, 2, true);

                // A FULL publish ends the candidate in rollout: the candidate's and the old champion's chunks go.
                publisher.publish(model(4), "default", OptionalLong.empty(), Map.of(), Rollout.SHADOW, null);
                publisher.publish(model(5), "default", OptionalLong.empty(), Map.of());
                now = latest(h.topics);
                assertLive(now, 2, false);
                assertLive(now, 4, false);
                assertLive(now, 5, true);
                Await.until("v5 serving", () -> scorer.liveModel().version(), v -> v == 5L, WAIT);
                assertEquals(0L, scorer.liveModel().candidateVersion());
                for (var reason : io.simstream.lifecycle.ModelRejectedException.Reason.values()) {
                    assertEquals(0.0, scorer.metrics().rejectionCount(reason), reason.name());
                }
            } finally {
                publisher.close();
            }

            // v1's chunks are gone from the models topic; export and rollback read them from the history.
            Path out = dir.resolve("v1.simstream");
            CliRun export = CliRun.of(cluster(id, "models", "export", "default:1", "--out", out.toString()));
            assertEquals(0, export.exit(), export.err());
            assertEquals(ModelArtifact.sha256Hex(model(1).withName("default").withVersion(1).toBytes()),
                    ModelArtifact.sha256Hex(Files.readAllBytes(out)));
            CliRun rollback = CliRun.of(cluster(id, "models", "rollback", "default", "--to", "1"));
            assertEquals(0, rollback.exit(), rollback.err());
            Await.until("v6 (v1's artifact) serving", () -> scorer.liveModel().version(), v -> v == 6L, WAIT);
            CliRun show = CliRun.of(cluster(id, "models", "show", "default:2"));
            assertTrue(show.out().contains("stored as:") && show.out().contains("chunks"), show.out());
            assertTrue(show.out().contains("artifact:     model default v2"), show.out());
        }
    }

    /** The same seed gives the same artifact (fixed createdAt), ~300 KB: chunked on a 64 KiB topic. */
    private static ModelArtifact model(long seed) {
        return BenchModels.wideEnsemble(ScoringHarness.DIM, 300_000, seed).toBuilder()
                .createdAt(java.time.Instant.parse("2026-12-01T00:00:00Z")).build();
    }

    /**
     * A reference names an artifact far larger than the topics take, but carries none of its bytes:
     * it goes out as one REFERENCE record, never as chunks of an artifact it does not hold.
     */
    @Test
    void aReferenceToAnArtifactLargerThanTheTopicsTakeIsOneRecord() throws Exception {
        IsolatedDeployment deployment = IsolatedDeployment.on(KAFKA.bootstrapServers(), "bigref", 1);
        Topics topics = deployment.topics();
        createSmallModelsTopic(topics.models().name());
        long claimed = 50L << 20;
        ModelArtifact model = BenchModels.random(8, new int[] {4}, 1);
        ModelRecords.Reference ref = new ModelRecords.Reference("http://127.0.0.1:9/big.simstream", "ab".repeat(32),
                claimed, model.head().id(), model.inputDim(), null);
        try (ModelPublisher publisher = new ModelPublisher(deployment.clientConfig(), topics.models(),
                topics.modelHistory(), Clock.systemUTC())) {
            publisher.publishReference(ref, "default", OptionalLong.empty(), Map.of(), Rollout.FULL);
        }
        Map<String, ModelRecord> onTopic = latest(topics);
        assertEquals(List.of("default"), List.copyOf(onTopic.keySet()), "one record, no chunk keys");
        ModelRecord r = onTopic.get("default");
        assertEquals(RecordKind.REFERENCE, RecordKind.of(r));
        assertEquals(claimed, r.getTotalBytes());
        assertEquals(ref.uri(), r.getUri());
        assertTrue(r.getChunks() == null || r.getChunks().isEmpty(), "no chunk list");
    }

    private static void createSmallModelsTopic(String name) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", KAFKA.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(name, 1, (short) 1).configs(Map.of(
                    "cleanup.policy", "compact", "max.message.bytes", String.valueOf(64 * 1024)))))
                    .all().get(30, TimeUnit.SECONDS);
        }
    }

    private static void assertLive(Map<String, ModelRecord> latest, long version, boolean live) {
        int chunks = 0;
        for (var e : latest.entrySet()) {
            if (e.getKey().startsWith("default#v" + version + "#")) {
                chunks++;
                if (live) {
                    assertNotNull(e.getValue(), e.getKey() + " is still needed");
                } else {
                    assertNull(e.getValue(), e.getKey() + " should be tombstoned");
                }
            }
        }
        assertTrue(chunks >= 5, "v" + version + " had chunks on the topic: " + chunks);
    }

    private static Map<String, ModelRecord> latest(Topics topics) {
        Map<String, ModelRecord> out = new HashMap<>();
        TopicScan.forEach(Map.of("bootstrap.servers", KAFKA.bootstrapServers()), topics.models().name(),
                new StringDeserializer(), new ByteArrayDeserializer(), r -> out.put(r.key(), r.value() == null ? null
                        : topics.models().valueSerde().deserializer().deserialize(r.topic(), r.value())));
        return out;
    }

    private static String[] cluster(String id, String... args) {
        List<String> all = new java.util.ArrayList<>(List.of(args));
        all.addAll(List.of("--bootstrap", KAFKA.bootstrapServers(), "--registry-url", SharedRegistry.url(),
                "--topic-prefix", id + "-"));
        return all.toArray(String[]::new);
    }
}
