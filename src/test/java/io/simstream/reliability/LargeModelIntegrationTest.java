package io.simstream.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.simstream.avro.DeadLetter;
import io.simstream.avro.ModelRecord;
import io.simstream.avro.PairDecision;
import io.simstream.bench.BenchModels;
import io.simstream.cli.Main;
import io.simstream.embedded.ServeProcess;
import io.simstream.lifecycle.ModelPublisher;
import io.simstream.lifecycle.RecordKind;
import io.simstream.model.ModelArtifact;
import io.simstream.testkit.Await;
import io.simstream.testkit.BrokerPerClass;
import io.simstream.testkit.Decisions;
import io.simstream.testkit.IsolatedDeployment;
import io.simstream.testkit.PairStream;
import io.simstream.testkit.SharedRegistry;
import io.simstream.testkit.TestModels;
import io.simstream.testkit.TopicReader;
import io.simstream.topics.TopicAdmin;
import io.simstream.topics.TopicNames;
import io.simstream.topics.TopicScan;
import io.simstream.topics.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 100 MB ensemble on a models topic that takes records of at most 1 MiB (as many managed
 * clusters do), served by `serve` as a child process, on a real broker and registry:
 * <ol>
 *   <li>it is published as chunks and a manifest in one transaction, the scorer swaps to it once,
 *       and every pair streamed across the swap is decided exactly once (read_committed);</li>
 *   <li>`publish` (a child process) killed with -9 while it sends the chunks of the next version
 *       leaves the serving version unchanged, and the next publish works (its initTransactions
 *       aborts the dangling transaction);</li>
 *   <li>that publish replaces the 100 MB version and tombstones its chunks; compaction, forced on
 *       the topic (short segments, a low dirty ratio), removes them and keeps the new version's,
 *       and a scorer restarted with an empty state directory restores from the compacted topic
 *       and serves the new version.</li>
 * </ol>
 */
@Tag("integration")
@Timeout(value = 12, unit = TimeUnit.MINUTES)
class LargeModelIntegrationTest {
    private static final int DIM = 16;
    private static final int PARTITIONS = 2;
    private static final int MAX_MESSAGE_BYTES = 1024 * 1024;
    private static final Duration WAIT = Duration.ofSeconds(180);

    @RegisterExtension
    static final BrokerPerClass KAFKA = new BrokerPerClass();

    @TempDir
    Path dir;

    @Test
    void aHundredMegabyteModelGoesInChunksSurvivesAKilledPublishAndCompaction() throws Exception {
        IsolatedDeployment deployment = IsolatedDeployment.on(KAFKA.bootstrapServers(), "large", PARTITIONS);
        TopicNames names = deployment.names();
        Topics topics = deployment.topics();
        Map<String, Object> clientConfig = deployment.clientConfig();
        createSmallMessageCompactedModelsTopic(names.models());
        TopicAdmin.createMissing(clientConfig, topics.all());

        try (ServeProcess serve = deployment.serve(dir.resolve("serve"), Map.of("SIMSTREAM_COMMIT_INTERVAL_MS", "100"));
             TopicReader<String, PairDecision> decisions = deployment.decisions();
             TopicReader<String, DeadLetter> dlq = deployment.deadLetters()) {
            try {
                try (ModelPublisher publisher = new ModelPublisher(clientConfig, topics.models(), topics.modelHistory(),
                        Clock.systemUTC())) {
                    publisher.publish(TestModels.random(DIM, 1), "default", OptionalLong.empty(), Map.of());
                }
                Await.until("serve ready with v1", () -> serve.http("/ready"), r -> r.startsWith("200 ready: serving"
                        + " model 'default' v1"), WAIT);

                // 1. The 100 MB ensemble, while pairs stream in.
                ModelArtifact large = BenchModels.wideEnsemble(DIM, 100_000_000, 7);
                long largeBytes = large.toBytes().length;
                assertTrue(largeBytes > 95_000_000 && largeBytes < 105_000_000, "~100 MB: " + largeBytes);
                try (PairStream stream = new PairStream(KAFKA.bootstrapServers(), names.pairs(),
                        topics.pairs().valueSerde().serializer(), "s-", DIM, 10)) {
                    Await.until("decisions by v1", decisions::poll, l -> l.size() >= 20, WAIT);
                    try (ModelPublisher publisher = new ModelPublisher(clientConfig, topics.models(),
                            topics.modelHistory(), Clock.systemUTC())) {
                        assertEquals(2L, publisher.publish(large, "default", OptionalLong.empty(), Map.of()).version());
                    }
                    Await.until("v2 serving", () -> serve.http("/ready"),
                            r -> r.startsWith("200 ready: serving model 'default' v2"), WAIT);
                    Await.until("decisions by v2", decisions::poll, l -> l.stream()
                            .filter(r -> r.value().getModelVersion() == 2L).count() >= 20, WAIT);
                    Set<String> acked = stream.stop();
                    assertNull(stream.failure(), "every pair was acknowledged");
                    Await.until("a decision for each of the " + acked.size() + " pairs", decisions::poll,
                            l -> ids(l).containsAll(acked), WAIT);
                    Thread.sleep(1000);
                    Decisions.assertExactlyOnce(decisions.poll(), acked);
                    assertEquals(Set.of(1L, 2L), decisions.poll().stream().map(r -> r.value().getModelVersion())
                            .collect(Collectors.toSet()), "v1 before the swap, v2 after it");
                }
                String metrics = serve.http("/metrics");
                assertTrue(metrics.contains("simstream_model_swaps_total 2.0"), "v1, then v2 once: " + metrics);
                assertEquals(List.of(), metrics.lines().filter(l -> l.startsWith("simstream_model_rejections_total{")
                        && !l.endsWith(" 0.0")).toList(), "no model record rejected");
                Map<String, ModelRecord> onTopic = latestByKey(topics, names.models());
                ModelRecord manifest = onTopic.get("default");
                assertEquals(RecordKind.MANIFEST, RecordKind.of(manifest));
                assertEquals(largeBytes, manifest.getTotalBytes());
                int v2Chunks = manifest.getChunks().size();
                assertTrue(v2Chunks >= largeBytes / MAX_MESSAGE_BYTES, v2Chunks + " chunks");
                assertEquals(v2Chunks, chunkKeys(onTopic, 2).size(), "every chunk under its own key");
                assertTrue(manifest.getChunks().stream().allMatch(c -> c.getSize() < MAX_MESSAGE_BYTES));

                // 2. kill -9 of a publish child while it sends the chunks of the next version.
                Path file = dir.resolve("large.simstream");
                large.write(file);
                large = null;
                TopicPartition models = new TopicPartition(names.models(), 0);
                long committedEnd = endOffset(models, IsolationLevel.READ_COMMITTED);
                Process publish = publishChild(file, names.models());
                long sentWhenKilled;
                try (Admin admin = Admin.create(clientConfig)) {
                    // The log end moves with every chunk written, committed or not; kill after the 10th.
                    long deadline = System.nanoTime() + WAIT.toNanos();
                    long end;
                    do {
                        assertTrue(publish.isAlive(), "publish ended before it was killed:\n"
                                + read(dir.resolve("publish.log")));
                        assertTrue(System.nanoTime() < deadline, "the publish child sent no chunks");
                        end = endOffset(admin, models, IsolationLevel.READ_UNCOMMITTED);
                    } while (end <= committedEnd + 10);
                    publish.destroyForcibly();
                    assertTrue(publish.waitFor(30, TimeUnit.SECONDS));
                    sentWhenKilled = endOffset(admin, models, IsolationLevel.READ_UNCOMMITTED) - committedEnd;
                    assertTrue(sentWhenKilled < v2Chunks, "killed mid-way: " + sentWhenKilled + " of " + v2Chunks
                            + " chunks were written");
                    assertEquals(committedEnd, endOffset(admin, models, IsolationLevel.READ_COMMITTED),
                            "nothing of the killed publish is committed");
                }
                System.out.println("kill -9 of publish after " + sentWhenKilled + " of " + v2Chunks + " chunks");
                Thread.sleep(3000);
                assertTrue(serve.http("/ready").startsWith("200 ready: serving model 'default' v2"), serve.http("/ready"));

                // 3. The next publisher aborts the dangling transaction; its 20 MB chunked v3 replaces v2 and
                //    tombstones v2's chunks in the same transaction.
                ModelArtifact medium = BenchModels.wideEnsemble(DIM, 20_000_000, 8);
                try (ModelPublisher publisher = new ModelPublisher(clientConfig, topics.models(), topics.modelHistory(),
                        Clock.systemUTC())) {
                    assertEquals(3L, publisher.publish(medium, "default", OptionalLong.empty(), Map.of()).version(),
                            "the killed publish's version never became visible");
                }
                Await.until("v3 serving", () -> serve.http("/ready"),
                        r -> r.startsWith("200 ready: serving model 'default' v3"), WAIT);
                ModelRecord v3 = latestByKey(topics, names.models()).get("default");
                assertEquals(RecordKind.MANIFEST, RecordKind.of(v3));

                // Compaction: roll the segment holding the tombstones (segment.ms) with later writes, then wait for
                // the cleaner to have removed v2's chunks; every chunk v3's manifest lists stays.
                try (ModelPublisher other = new ModelPublisher(clientConfig, topics.models(), topics.modelHistory(),
                        Clock.systemUTC())) {
                    for (int i = 0; i < 3; i++) {
                        Thread.sleep(1500);
                        other.publish(TestModels.random(DIM, 100 + i), "roller", OptionalLong.empty(), Map.of());
                    }
                }
                Await.until("the cleaner to remove v2's chunks from the topic", () -> {
                    pause(Duration.ofSeconds(2));
                    return rawCount(names.models(), "default#v2#");
                }, n -> n == 0, WAIT);
                Map<String, ModelRecord> compacted = latestByKey(topics, names.models());
                assertEquals(v3.getChunks().size(), chunkKeys(compacted, 3).size(), "v3's chunks all survive");
                assertEquals(3L, compacted.get("default").getVersion());

                // A scorer restarted with no state restores from the compacted topic and assembles v3.
                serve.kill9();
                deleteTree(dir.resolve("serve").resolve("state"));
                serve.restart();
                Await.until("the restarted serve assembles v3 from the compacted topic", () -> serve.http("/ready"),
                        r -> r.startsWith("200 ready: serving model 'default' v3"), WAIT);
                try (PairStream after = new PairStream(KAFKA.bootstrapServers(), names.pairs(),
                        topics.pairs().valueSerde().serializer(), "after-", DIM, 20)) {
                    Await.until("decisions by v3", decisions::poll, l -> l.stream()
                            .anyMatch(r -> r.value().getModelVersion() == 3L && r.key().startsWith("after-")), WAIT);
                    after.stop();
                }
                assertTrue(dlq.poll().isEmpty(), "nothing dead-lettered: " + dlq.poll());
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\n" + serve.logTails() + "\n--- publish child ---\n"
                        + read(dir.resolve("publish.log")), e);
            } finally {
                serve.keepLogs(Path.of("target", "large-model-logs"));
            }
        }
    }

    private static void createSmallMessageCompactedModelsTopic(String name) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", KAFKA.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(name, 1, (short) 1).configs(Map.of(
                    "cleanup.policy", "compact",
                    "max.message.bytes", String.valueOf(MAX_MESSAGE_BYTES),
                    "segment.bytes", String.valueOf(MAX_MESSAGE_BYTES),
                    "segment.ms", "1000",
                    // The tombstones are a sliver of the ~120 MB of chunks: any dirty part is worth cleaning here.
                    "min.cleanable.dirty.ratio", "0.0001",
                    "min.compaction.lag.ms", "0",
                    "delete.retention.ms", "1000")))).all().get(30, TimeUnit.SECONDS);
        }
    }

    /** `publish` as a child process, to be killed with -9. */
    private Process publishChild(Path model, String topic) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-XX:+UseSerialGC", "-Dlog4j2.configurationFile=log4j2.xml", "-cp",
                System.getProperty("java.class.path"), Main.class.getName(), "publish", "--model", model.toString(),
                "--bootstrap", KAFKA.bootstrapServers(), "--registry-url", SharedRegistry.url(), "--topic", topic));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("publish.log").toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("SIMSTREAM_"));
        return pb.start();
    }

    private static long endOffset(TopicPartition tp, IsolationLevel isolation) {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", KAFKA.bootstrapServers()))) {
            return endOffset(admin, tp, isolation);
        }
    }

    private static long endOffset(Admin admin, TopicPartition tp, IsolationLevel isolation) {
        try {
            ListOffsetsResult r = admin.listOffsets(Map.of(tp, OffsetSpec.latest()), new ListOffsetsOptions(isolation));
            return r.partitionResult(tp).get(30, TimeUnit.SECONDS).offset();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The newest committed value per key (null for a tombstone), decoded. */
    private static Map<String, ModelRecord> latestByKey(Topics topics, String topic) {
        Map<String, ModelRecord> out = new HashMap<>();
        TopicScan.forEach(Map.of("bootstrap.servers", KAFKA.bootstrapServers()), topic, new StringDeserializer(),
                new ByteArrayDeserializer(), r -> out.put(r.key(), r.value() == null ? null
                        : topics.models().valueSerde().deserializer().deserialize(topic, r.value())));
        return out;
    }

    private static Set<String> chunkKeys(Map<String, ModelRecord> latest, long version) {
        return latest.entrySet().stream().filter(e -> e.getValue() != null && e.getKey().startsWith("default#v" + version + "#"))
                .map(Map.Entry::getKey).collect(Collectors.toSet());
    }

    /** Records with a value whose key starts with keyPrefix, as the topic holds them now (compaction removes them). */
    private static long rawCount(String topic, String keyPrefix) {
        long[] n = {0};
        TopicScan.forEach(Map.of("bootstrap.servers", KAFKA.bootstrapServers()), topic, new StringDeserializer(),
                new ByteArrayDeserializer(), r -> {
                    if (r.value() != null && r.key().startsWith(keyPrefix)) {
                        n[0]++;
                    }
                });
        return n[0];
    }

    private static Set<String> ids(List<org.apache.kafka.clients.consumer.ConsumerRecord<String, PairDecision>> l) {
        return l.stream().map(r -> r.value().getPairId()).collect(Collectors.toSet());
    }

    private static void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p) : "(none)";
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
