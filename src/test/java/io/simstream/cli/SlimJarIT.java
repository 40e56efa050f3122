package io.simstream.cli;

import io.simstream.avro.PairDecision;
import io.simstream.avro.VectorPair;
import io.simstream.testkit.Await;
import io.simstream.testkit.BrokerPerClass;
import io.simstream.testkit.HttpGet;
import io.simstream.testkit.SharedRegistry;
import io.simstream.testkit.TestModels;
import io.simstream.testkit.TopicReader;
import io.simstream.topics.TopicNames;
import io.simstream.topics.Topics;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipFile;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The slim scorer jar as built by `package` (run by failsafe after it): it holds neither DL4J/ND4J
 * nor the broker, a full-jar command says which jar has it, and `serve` and `publish` from it, as
 * child processes, score a pair on a real broker with the real registry. Tag "packaged": failsafe
 * runs it (with the Testcontainers tests) after `package`.
 */
@Tag("integration")
@Tag("packaged")
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class SlimJarIT {
    private static final Path JAR = Path.of(System.getProperty("simstream.slim.jar", "target/simstream-scorer.jar"));
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    @RegisterExtension
    static final BrokerPerClass KAFKA = new BrokerPerClass();

    @TempDir
    Path dir;

    @Test
    void holdsNoTrainingOrBrokerCode() throws IOException {
        assertTrue(Files.isRegularFile(JAR), JAR + " is built by `mvn package`");
        try (ZipFile zip = new ZipFile(JAR.toFile())) {
            List<String> forbidden = zip.stream().map(e -> e.getName())
                    .filter(n -> n.startsWith("org/nd4j/") || n.startsWith("org/deeplearning4j/")
                            || n.startsWith("org/bytedeco/") || n.startsWith("kafka/server/")
                            || n.startsWith("org/apache/kafka/common/test/") || n.startsWith("scala/")
                            || n.contains("libnd4j") || n.contains("openblas"))
                    .limit(5).toList();
            assertEquals(List.of(), forbidden, "training, native-math or broker classes in the slim jar");
            assertTrue(zip.getEntry("io/simstream/scoring/ScoringService.class") != null);
            assertTrue(zip.getEntry("org/rocksdb/RocksDB.class") != null, "Streams state stores need RocksDB");
            assertTrue(zip.getEntry("org/apache/commons/math3/stat/inference/KolmogorovSmirnovTest.class") != null,
                    "drift detection (io.simstream.drift) runs in the scorer and needs commons-math3");
        }
    }

    @Test
    void aFullJarCommandSaysWhichJarHasIt() throws Exception {
        for (List<String> args : List.of(List.of("train", "--train", "x.csv"), List.of("diagnose", "--data", "x.csv"),
                List.of("bench", "train", "--data", "x.csv"))) {
            Path log = dir.resolve(args.get(0) + ".log");
            List<String> cmd = new ArrayList<>(List.of(JAVA, "-jar", JAR.toString()));
            cmd.addAll(args);
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            String out = Files.readString(log);
            assertEquals(Main.EXIT_USER_ERROR, p.exitValue(), args + ": " + out);
            assertTrue(out.contains("'" + args.get(0) + "' is not in the slim scorer jar") && out.contains("simstream.jar"),
                    args + ": " + out);
        }
    }

    @Test
    void servesAndScoresFromTheSlimJar() throws Exception {
        String prefix = SharedRegistry.unique("slim") + "-";
        TopicNames names = TopicNames.DEFAULT.withPrefix(prefix);
        Topics topics = new Topics(names, SharedRegistry.newClient(), 2);
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        ProcessBuilder pb = new ProcessBuilder(JAVA, "--add-modules", "jdk.incubator.vector", "-jar", JAR.toString(),
                "serve", "--bootstrap", KAFKA.bootstrapServers());
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
        Path log = dir.resolve("serve.log");
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        Process serve = pb.start();
        try {
            Await.until("/ready to say no model yet", () -> http(port, "/ready"),
                    body -> body.contains("no model 'default' loaded yet"), Duration.ofSeconds(120));
            Path model = dir.resolve("model.simstream");
            io.simstream.testkit.TestModels.random(8, 1).write(model);
            Path publishLog = dir.resolve("publish.log");
            Process publish = new ProcessBuilder(JAVA, "-jar", JAR.toString(), "publish", "--model", model.toString(),
                    "--bootstrap", KAFKA.bootstrapServers(), "--registry-url", SharedRegistry.url(),
                    "--topic", names.models()).redirectErrorStream(true).redirectOutput(publishLog.toFile()).start();
            assertTrue(publish.waitFor(120, TimeUnit.SECONDS));
            assertEquals(0, publish.exitValue(), Files.readString(publishLog));
            Await.until("/ready to be ready", () -> http(port, "/ready"),
                    body -> body.startsWith("ready: serving model 'default' v1"), Duration.ofSeconds(90));

            try (KafkaProducer<String, VectorPair> producer = new KafkaProducer<>(
                    Map.of("bootstrap.servers", KAFKA.bootstrapServers()), Serdes.String().serializer(),
                    topics.pairs().valueSerde().serializer());
                 TopicReader<String, PairDecision> decisions = new TopicReader<>(KAFKA.bootstrapServers(),
                         names.decisions(), 2, Serdes.String().deserializer(), topics.decisions().valueSerde().deserializer())) {
                List<Float> v = new ArrayList<>(List.of(1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f));
                producer.send(new ProducerRecord<>(names.pairs(), "s", new VectorPair("s", v, v, Instant.now(), null))).get();
                var seen = Await.until("a decision for pair s", decisions::poll, l -> !l.isEmpty(), Duration.ofSeconds(90));
                assertEquals("s", seen.get(0).value().getPairId());
                assertEquals(1L, seen.get(0).value().getModelVersion());
                assertTrue(seen.get(0).value().getSame(), "a pair of identical vectors is the same");
            }
            serve.destroy();
            assertTrue(serve.waitFor(60, TimeUnit.SECONDS), "serve exits on SIGTERM");
            assertTrue(Files.readString(log).contains("Vector API"), "the log says which kernel runs");
        } catch (AssertionError e) {
            String out = Files.readString(log);
            throw new AssertionError(e.getMessage() + "\n--- serve output (tail) ---\n"
                    + out.substring(Math.max(0, out.length() - 3000)), e);
        } finally {
            serve.destroyForcibly();
        }
    }

    /** The body alone ("STATUS body" minus the status). */
    private static String http(int port, String path) {
        String statusAndBody = HttpGet.local(port, path);
        return statusAndBody.substring(statusAndBody.indexOf(' ') + 1);
    }
}
