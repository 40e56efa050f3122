package io.simstream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.simstream.avro.PairDecision;
import io.simstream.avro.VectorPair;
import io.simstream.registry.ConfluentRegistryClient;
import io.simstream.testkit.Await;
import io.simstream.testkit.BrokerPerClass;
import io.simstream.testkit.SharedRegistry;
import io.simstream.testkit.TopicReader;
import io.simstream.topics.TopicNames;
import io.simstream.topics.Topics;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * `simstream serve` as a real child process configured through environment variables: it becomes
 * ready once `simstream publish` has put a model on the topic, scores a pair, and stops cleanly on
 * SIGTERM.
 */
class ServeProcessTest {
    @RegisterExtension
    static final BrokerPerClass KAFKA = new BrokerPerClass();

    @TempDir
    Path dir;



    @Test
    void servesAfterAModelIsPublishedAndStopsCleanlyOnSigterm() throws Exception {
        String prefix = SharedRegistry.unique("serve") + "-";
        TopicNames names = TopicNames.DEFAULT.withPrefix(prefix);
        ConfluentRegistryClient registry = SharedRegistry.newClient();
        Topics topics = new Topics(names, registry, 2);
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-Dlog4j2.configurationFile=log4j2.xml",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "serve",
                "--bootstrap", KAFKA.bootstrapServers()));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        Map<String, String> env = pb.environment();
        env.put("SIMSTREAM_REGISTRY_URL", SharedRegistry.url());
        env.put("SIMSTREAM_APPLICATION_ID", prefix + "app");
        env.put("SIMSTREAM_TOPIC_PAIRS", names.pairs());
        env.put("SIMSTREAM_TOPIC_DECISIONS", names.decisions());
        env.put("SIMSTREAM_TOPIC_MODELS", names.models());
        env.put("SIMSTREAM_TOPIC_DLQ", names.deadLetters());
        env.put("SIMSTREAM_TOPIC_PAIRS_PARTITIONS", "2");
        env.put("SIMSTREAM_STATE_DIR", dir.resolve("state").toString());
        env.put("SIMSTREAM_METRICS_PORT", String.valueOf(port));
        env.put("SIMSTREAM_KAFKA_COMMIT_INTERVAL_MS", "100");
        Path log = dir.resolve("serve.log");
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        Process serve = pb.start();
        try {
            runAgainst(serve, port, names, topics, log);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\n--- serve output (tail) ---\n" + tail(Files.readString(log)), e);
        } finally {
            serve.destroyForcibly();
        }
    }

    private void runAgainst(Process serve, int port, TopicNames names, Topics topics, Path log) throws Exception {
        {
            Await.until("/ready to say no model yet", () -> http(port, "/ready"),
                    body -> body.contains("no model 'default' loaded yet"), Duration.ofSeconds(90));
            Path modelDir = Files.createDirectories(dir.resolve("model"));
            io.simstream.scoring.ScoringCliFixtures.model(8).write(modelDir.resolve("model.simstream"));
            int published = Main.commandLine().execute("publish", "--model", modelDir.toString(),
                    "--bootstrap", KAFKA.bootstrapServers(), "--registry-url", SharedRegistry.url(),
                    "--topic", names.models(), "--meta", "source=test");
            assertEquals(0, published, "publish exit code");
            Await.until("/ready to be ready", () -> http(port, "/ready"), "ready\n"::equals, Duration.ofSeconds(60));

            try (KafkaProducer<String, VectorPair> producer = new KafkaProducer<>(
                    Map.of("bootstrap.servers", KAFKA.bootstrapServers()), Serdes.String().serializer(),
                    topics.pairs().valueSerde().serializer());
                 TopicReader<String, PairDecision> decisions = new TopicReader<>(KAFKA.bootstrapServers(),
                         names.decisions(), 2, Serdes.String().deserializer(), topics.decisions().valueSerde().deserializer())) {
                List<Float> v = List.of(1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f);
                producer.send(new ProducerRecord<>(names.pairs(), "x", new VectorPair("x", v, v, Instant.now(), null))).get();
                var seen = Await.until("a decision for pair x", decisions::poll, l -> !l.isEmpty(), Duration.ofSeconds(60));
                assertEquals("x", seen.get(0).value().getPairId());
                assertEquals(1L, seen.get(0).value().getModelVersion());
            }
            assertTrue(http(port, "/metrics").contains("simstream_decisions_total 1.0"), "metrics count the decision");

            serve.destroy(); // SIGTERM
            assertTrue(serve.waitFor(60, TimeUnit.SECONDS), "serve should exit after SIGTERM");
            String output = Files.readString(log);
            assertTrue(output.contains("shutdown requested"), "the shutdown hook should have run");
        }
    }

    private static String http(int port, String path) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (Exception e) {
            return "unreachable: " + e;
        }
    }

    private static String tail(String s) {
        return s.length() > 3000 ? s.substring(s.length() - 3000) : s;
    }
}
