package io.simstream.scoring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.simstream.avro.ModelEvent;
import io.simstream.avro.ModelRecord;
import io.simstream.avro.PairDecision;
import io.simstream.cli.Main;
import io.simstream.lifecycle.ModelLoader;
import io.simstream.lifecycle.ModelPublisher;
import io.simstream.model.ModelArtifact;
import io.simstream.testkit.Await;
import io.simstream.testkit.BrokerPerClass;
import io.simstream.testkit.CliRun;
import io.simstream.testkit.SharedRegistry;
import io.simstream.testkit.TopicReader;
import io.simstream.topics.TopicAdmin;
import io.simstream.topics.TopicNames;
import io.simstream.topics.TopicScan;
import io.simstream.topics.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * `models list|show|export|rollback` through the CLI against a real broker, the real registry and
 * a running scorer: every version stays readable from the history topic, the publisher of each is
 * told apart, the instance's served version is read from its /metrics, and a rollback republishes
 * an old artifact as a new version that the scorer swaps to, with a ROLLED_BACK model event.
 */
@Tag("integration")
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class ModelLifecycleIntegrationTest {
    private static final Duration WAIT = Duration.ofSeconds(90);
    @RegisterExtension
    static final BrokerPerClass KAFKA = new BrokerPerClass();

    @TempDir
    Path dir;


    private static CliRun cli(String... args) {
        return CliRun.of(args);
    }

    private static String[] cluster(String prefix, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--bootstrap", KAFKA.bootstrapServers(), "--registry-url", SharedRegistry.url(),
                "--topic-prefix", prefix));
        return all.toArray(String[]::new);
    }

    @Test
    void listShowExportAndRollbackOnTheRealTopics() throws Exception {
        String id = SharedRegistry.unique("lifecycle");
        String prefix = id + "-";
        try (ScoringHarness h = new ScoringHarness(KAFKA.bootstrapServers(), SharedRegistry.url(),
                SharedRegistry.newClient(), id)) {
            var events = new Topics(TopicNames.DEFAULT.withPrefix(prefix), h.registry, 1).modelEvents();
            TopicAdmin.createMissing(Map.of("bootstrap.servers", h.bootstrap), List.of(events));

            // v1 through the publish command, v2 the way the retrainer publishes, with its event.
            ModelArtifact first = h.model(1);
            Path firstFile = dir.resolve("first.simstream");
            first.write(firstFile);
            CliRun published = cli("publish", "--model", firstFile.toString(), "--bootstrap", h.bootstrap,
                    "--registry-url", h.registryUrl, "--topic", h.names.models());
            assertEquals(0, published.exit(), published.err());
            try (ModelPublisher p = new ModelPublisher(Map.of("bootstrap.servers", h.bootstrap), h.topics.models(),
                    h.topics.modelHistory(), Clock.systemUTC());
                 KafkaProducer<String, ModelEvent> ep = new KafkaProducer<>(Map.of("bootstrap.servers", h.bootstrap),
                         events.keySerde().serializer(), events.valueSerde().serializer())) {
                long v2 = p.publish(h.model(2), "default", OptionalLong.empty(), Map.of("source", "retrainer")).version();
                assertEquals(2L, v2);
                ep.send(new ProducerRecord<>(events.name(), "default", ModelEvent.newBuilder().setModelName("default")
                        .setEventType("PUBLISHED").setChampionVersion(1L).setChallengerVersion(2L).setMetric("auc")
                        .setChampionMetric(0.91).setChallengerMetric(0.9375).setReason("challenger wins")
                        .setAt(Instant.now()).build())).get();
            }
            ScoringService scorer = h.start("a");
            Await.until("scorer serving v2", () -> scorer.liveModel().version(), v -> v == 2L, WAIT);

            String instance = "http://localhost:" + scorer.metricsPort();
            CliRun list = cli(cluster(prefix, "models", "list", "--instance", instance));
            assertEquals(0, list.exit(), list.err());
            String[] rows = list.out().split("\n");
            String v1 = row(rows, "v1 ");
            String v2 = row(rows, "v2*");
            assertTrue(v1.contains(" publish ") && v1.contains(" contrastive ") && v1.contains(" 16 "), v1);
            assertTrue(v1.trim().endsWith("-"), "v1 is served by no one: " + v1);
            assertTrue(v2.contains(" retrain ") && v2.contains("holdout auc 0.9375"), v2);
            assertTrue(v2.trim().endsWith("localhost:" + scorer.metricsPort()), "served by the scorer: " + v2);
            assertTrue(list.out().contains("instance " + instance + ": serves v2"), list.out());

            CliRun listJson = cli(cluster(prefix, "models", "list", "--json", "--instance", instance));
            assertEquals(0, listJson.exit(), listJson.err());
            JsonNode doc = new ObjectMapper().readTree(listJson.out());
            JsonNode jv1 = doc.get("versions").get(0);
            JsonNode jv2 = doc.get("versions").get(1);
            assertEquals(List.of(1L, 2L), List.of(jv1.get("version").asLong(), jv2.get("version").asLong()), listJson.out());
            assertFalse(jv1.get("newest").asBoolean(), listJson.out());
            assertTrue(jv2.get("newest").asBoolean(), listJson.out());
            assertEquals("retrain", jv2.get("publisher").asText());
            assertEquals(16, jv1.get("dim").asInt());
            assertEquals(0, jv1.get("servedBy").size(), "v1 is served by no one: " + listJson.out());
            assertEquals("localhost:" + scorer.metricsPort(), jv2.get("servedBy").get(0).asText());
            assertEquals(2L, doc.get("instances").get(0).get("servesVersion").asLong(), listJson.out());

            CliRun show = cli(cluster(prefix, "models", "show", "default:1"));
            assertEquals(0, show.exit(), show.err());
            assertTrue(show.out().contains("version:      1") && show.out().contains("publisher:    publish")
                    && show.out().contains("stored at:    " + h.topics.modelHistory().name()), show.out());
            CliRun showLatest = cli(cluster(prefix, "models", "show", "default"));
            assertTrue(showLatest.out().contains("version:      2")
                    && showLatest.out().contains("event:") && showLatest.out().contains("PUBLISHED"), showLatest.out());

            Path exported = dir.resolve("export/v1.simstream");
            CliRun export = cli(cluster(prefix, "models", "export", "default:1", "--out", exported.toString()));
            assertEquals(0, export.exit(), export.err());
            ModelArtifact back = ModelArtifact.read(exported);
            assertEquals(1L, back.version());
            assertArrayEquals(first.withName("default").withVersion(1).toBytes(), Files.readAllBytes(exported));

            CliRun missing = cli(cluster(prefix, "models", "show", "default:9"));
            assertEquals(Main.EXIT_USER_ERROR, missing.exit());
            assertTrue(missing.err().contains("has no version 9; versions: [1, 2]"), missing.err());

            // `score` offline with a published version, read from the topics: v1's kernel, row by row.
            Path pairs = dir.resolve("pairs.csv");
            StringBuilder csv = new StringBuilder();
            for (int c = 0; c < 32; c++) {
                csv.append(c == 0 ? "" : ",").append('v').append(c);
            }
            csv.append('\n');
            java.util.Random rnd = new java.util.Random(8);
            List<float[][]> rowsWritten = new ArrayList<>();
            for (int r = 0; r < 10; r++) {
                float[][] row = new float[2][16];
                for (int c = 0; c < 32; c++) {
                    row[c / 16][c % 16] = (float) rnd.nextGaussian();
                    csv.append(c == 0 ? "" : ",").append(row[c / 16][c % 16]);
                }
                csv.append('\n');
                rowsWritten.add(row);
            }
            Files.writeString(pairs, csv.toString());
            Path decisionsCsv = dir.resolve("offline.csv");
            CliRun scored = cli(cluster(prefix, "score", "--model", "default:1", "--data", pairs.toString(),
                    "--out", decisionsCsv.toString()));
            assertEquals(0, scored.exit(), scored.err());
            List<String> offline = Files.readAllLines(decisionsCsv);
            var v1Kernel = io.simstream.model.PairScorers.fastest(first);
            for (int r = 0; r < 10; r++) {
                assertEquals(v1Kernel.score(rowsWritten.get(r)[0], rowsWritten.get(r)[1]),
                        Float.parseFloat(offline.get(r + 1).split(",")[1]), 0f, "row " + r);
            }

            CliRun rollback = cli(cluster(prefix, "models", "rollback", "default", "--to", "1"));
            assertEquals(0, rollback.exit(), rollback.err());
            assertTrue(rollback.out().contains("published as v3"), rollback.out());
            Await.until("scorer swapped to v3", () -> scorer.liveModel().version(), v -> v == 3L, WAIT);

            h.sendPairs(0, 5);
            List<ConsumerRecord<String, PairDecision>> decided = Await.until("5 decisions", h.decisions::poll,
                    l -> l.size() >= 5, WAIT);
            var kernel = io.simstream.model.PairScorers.scalar(first);
            for (ConsumerRecord<String, PairDecision> d : decided) {
                assertEquals(3L, d.value().getModelVersion());
            }
            ModelRecord v3 = TopicScan.readAll(Map.of("bootstrap.servers", h.bootstrap), h.names.models(),
                    h.topics.models().keySerde().deserializer(), h.topics.models().valueSerde().deserializer())
                    .stream().map(ConsumerRecord::value).filter(r -> r.getVersion() == 3L).findFirst().orElseThrow();
            ModelArtifact rolledBack = ModelArtifact.fromBytes(ModelLoader.toArray(v3.getArtifact()));
            assertEquals(3L, rolledBack.version());
            assertArrayEquals(first.withName("default").withVersion(3).toBytes(), ModelLoader.toArray(v3.getArtifact()),
                    "v3 carries v1's weights");
            assertEquals("rollback", v3.getMetadata().get("source"));
            assertEquals("1", v3.getMetadata().get("rollbackOf"));
            assertEquals(kernel.score(new float[16], new float[16]),
                    io.simstream.model.PairScorers.scalar(rolledBack).score(new float[16], new float[16]));

            List<ModelEvent> written = TopicScan.readAll(Map.of("bootstrap.servers", h.bootstrap), events.name(),
                    events.keySerde().deserializer(), events.valueSerde().deserializer()).stream()
                    .map(ConsumerRecord::value).toList();
            ModelEvent rb = written.get(written.size() - 1);
            assertEquals("ROLLED_BACK", rb.getEventType());
            assertEquals(2L, rb.getChampionVersion());
            assertEquals(3L, rb.getChallengerVersion());

            CliRun after = cli(cluster(prefix, "models", "list", "default"));
            assertTrue(row(after.out().split("\n"), "v3*").contains(" rollback "), after.out());
            assertEquals(0, cli("models", "rollback", "--help").exit());
        }
    }

    /**
     * One settings file for serve and publish means one set of topics: publish reads topic.models from
     * the scorer's file (it used to ignore it as "another command's key" and publish to `models`).
     */
    @Test
    void publishWithTheScorersSettingsFilePublishesWhereThatScorerReads() throws Exception {
        String id = SharedRegistry.unique("shared-file");
        try (ScoringHarness h = new ScoringHarness(KAFKA.bootstrapServers(), SharedRegistry.url(),
                SharedRegistry.newClient(), id)) {
            Path serveProperties = dir.resolve("serve.properties");
            StringBuilder file = new StringBuilder();
            file.append("bootstrap.servers=").append(h.bootstrap).append('\n');
            file.append("registry.url=").append(h.registryUrl).append('\n');
            h.names.asSettings().forEach((k, v) -> file.append(k).append('=').append(v).append('\n'));
            file.append("metrics.port=-1\n");
            Files.writeString(serveProperties, file.toString());
            assertFalse(h.names.models().equals(TopicNames.DEFAULT.models()), "the file names a non-default topic");

            ScoringService scorer = ScoringService.start(io.simstream.config.ScoringConfig.load(serveProperties,
                    Map.of(), Map.of("application.id", h.appId, "state.dir", dir.resolve("state").toString())),
                    h.registry, io.simstream.lifecycle.PairScorerFactory.SCALAR);
            try {
                Path model = dir.resolve("m.simstream");
                h.model(5).write(model);
                CliRun published = cli("publish", "--model", model.toString(), "--config", serveProperties.toString());
                assertEquals(0, published.exit(), published.err());
                assertTrue(published.out().contains(h.names.models()), published.out());
                Await.until("the scorer of that file serves the published model", () -> scorer.liveModel().version(),
                        v -> v == 1L, WAIT);
            } finally {
                scorer.close();
            }
        }
    }

    /**
     * A candidate by hand through the CLI on a running scorer: published as a shadow it scores every pair
     * to the shadow topic only; as a 20% canary it decides 20% +- 3% of 10,000 keys, each key always
     * by the same version; promoted to full it serves alone; a second candidate rolled back leaves the
     * champion alone. `models list` shows each stage, the model events each step.
     */
    @Test
    void aCandidateGoesThroughShadowAndCanaryToFullByHand() throws Exception {
        String id = SharedRegistry.unique("rollout");
        String prefix = id + "-";
        try (ScoringHarness h = new ScoringHarness(KAFKA.bootstrapServers(), SharedRegistry.url(),
                SharedRegistry.newClient(), id);
             TopicReader<String, PairDecision> shadows = new TopicReader<>(h.bootstrap, h.names.decisionsShadow(),
                     ScoringHarness.PARTITIONS, Serdes.String().deserializer(),
                     h.topics.decisionsShadow().valueSerde().deserializer())) {
            TopicAdmin.createMissing(Map.of("bootstrap.servers", h.bootstrap), List.of(h.topics.modelEvents()));
            h.publish(1);
            ScoringService scorer = h.start("a");
            Path candidate = dir.resolve("candidate.simstream");
            h.model(2).write(candidate);
            CliRun shadow = cli(cluster(prefix, "publish", "--model", candidate.toString(), "--stage", "shadow"));
            assertEquals(0, shadow.exit(), shadow.err());
            Await.until("scorer holds candidate v2", scorer.liveModel()::candidateVersion, v -> v == 2L, WAIT);
            assertTrue(row(cli(cluster(prefix, "models", "list")).out().split("\n"), "v2 ").contains(" shadow "));

            h.sendPairs(0, 200);
            List<ConsumerRecord<String, PairDecision>> decided = Await.until("200 decisions", h.decisions::poll,
                    l -> l.size() >= 200, WAIT);
            assertTrue(decided.stream().allMatch(d -> d.value().getModelVersion() == 1L), "a shadow never decides");
            List<ConsumerRecord<String, PairDecision>> shadowed = Await.until("200 shadow decisions", shadows::poll,
                    l -> l.size() >= 200, WAIT);
            assertTrue(shadowed.stream().allMatch(d -> d.value().getModelVersion() == 2L));

            CliRun canary = cli(cluster(prefix, "models", "promote", "default", "--to", "canary", "--percent", "20"));
            assertEquals(0, canary.exit(), canary.err());
            Await.until("scorer routes 20% to the canary", () -> scorer.liveModel().deployment().canaryPercent(),
                    p -> p == 20.0, WAIT);
            assertTrue(row(cli(cluster(prefix, "models", "list")).out().split("\n"), "v2 ").contains(" canary 20%"));
            int keys = 10_000;
            h.sendPairs(1000, 1000 + keys);
            Map<String, Long> first = versionsByKey(Await.until(keys + " canary-stage decisions", h.decisions::poll,
                    l -> l.size() >= 200 + keys, WAIT).subList(200, 200 + keys));
            long byCanary = first.values().stream().filter(v -> v == 2L).count();
            assertTrue(Math.abs(byCanary - 0.2 * keys) <= 0.03 * keys, byCanary + " of " + keys + " keys to the canary");
            h.sendPairs(1000, 1000 + keys);
            Map<String, Long> again = versionsByKey(Await.until("the same keys again", h.decisions::poll,
                    l -> l.size() >= 200 + 2 * keys, WAIT).subList(200 + keys, 200 + 2 * keys));
            assertEquals(first, again, "the same key always gets the same version");

            CliRun full = cli(cluster(prefix, "models", "promote", "default", "--to", "full"));
            assertEquals(0, full.exit(), full.err());
            Await.until("v2 serves alone", () -> scorer.liveModel().deployment(),
                    d -> d.champion().version() == 2L && !d.hasCandidate(), WAIT);
            String v2 = row(cli(cluster(prefix, "models", "list")).out().split("\n"), "v2*");
            assertTrue(v2.contains(" full "), v2);

            h.model(3).write(candidate);
            assertEquals(0, cli(cluster(prefix, "publish", "--model", candidate.toString(), "--stage", "canary",
                    "--canary-percent", "50")).exit());
            Await.until("scorer holds candidate v3", scorer.liveModel()::candidateVersion, v -> v == 3L, WAIT);
            CliRun back = cli(cluster(prefix, "models", "rollback", "default"));
            assertEquals(0, back.exit(), back.err());
            assertTrue(back.out().contains("rolled back candidate v3"), back.out());
            Await.until("the candidate is gone", scorer.liveModel()::candidateVersion, v -> v == 0L, WAIT);
            assertEquals(2L, scorer.liveModel().version());
            assertTrue(row(cli(cluster(prefix, "models", "list")).out().split("\n"), "v3 ").contains(" rolled back "));
            CliRun show = cli(cluster(prefix, "models", "show", "default:2"));
            assertTrue(show.out().contains("PROMOTED") && show.out().contains("stage:        full"), show.out());
        }
    }

    private static Map<String, Long> versionsByKey(List<ConsumerRecord<String, PairDecision>> records) {
        Map<String, Long> m = new java.util.HashMap<>();
        records.forEach(r -> m.put(r.key(), r.value().getModelVersion()));
        return m;
    }

    private static String row(String[] rows, String version) {
        for (String r : rows) {
            if (r.startsWith("default ") && r.contains(" " + version)) {
                return r;
            }
        }
        throw new AssertionError("no row for " + version + " in:\n" + String.join("\n", rows));
    }
}
