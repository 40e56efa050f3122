package io.simstream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.simstream.testkit.Await;
import io.simstream.testkit.BrokerPerClass;
import io.simstream.testkit.FreePort;
import io.simstream.testkit.HttpGet;
import io.simstream.testkit.SharedRegistry;
import io.simstream.topics.TopicAdmin;
import io.simstream.topics.TopicNames;
import io.simstream.topics.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * `simstream retrain` as a child process: it exits 0 after SIGTERM (no shutdown hook forcing 143),
 * and non-zero when it dies, here because its online-quality app cannot run (labeled-pairs and
 * decisions with different partition counts), instead of lingering as a process that looks alive.
 */
@Tag("integration")
@Timeout(300)
class RetrainProcessTest {
    @RegisterExtension
    static final BrokerPerClass KAFKA = new BrokerPerClass();

    @TempDir
    Path dir;

    private Process start(String prefix, int port, Map<String, String> extra) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-Dlog4j2.configurationFile=log4j2.xml", "-Xmx512m",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "retrain",
                "--bootstrap", KAFKA.bootstrapServers(), "--registry-url", SharedRegistry.url()));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().keySet().removeIf(k -> k.startsWith("SIMSTREAM_"));
        pb.environment().putAll(Map.of(
                "SIMSTREAM_APPLICATION_ID", prefix + "retrainer",
                "SIMSTREAM_TOPIC_MODELS", prefix + "models",
                "SIMSTREAM_TOPIC_DECISIONS", prefix + "decisions",
                "SIMSTREAM_TOPIC_LABELED_PAIRS", prefix + "labeled-pairs",
                "SIMSTREAM_TOPIC_LABELED_PAIRS_DLQ", prefix + "labeled-pairs-dlq",
                "SIMSTREAM_TOPIC_MODEL_EVENTS", prefix + "model-events",
                "SIMSTREAM_TOPIC_RETRAINER_LOCK", prefix + "retrainer-lock",
                "SIMSTREAM_STATE_DIR", dir.resolve(prefix + "state").toString(),
                "SIMSTREAM_METRICS_PORT", String.valueOf(port)));
        pb.environment().putAll(extra);
        Path log = dir.resolve(prefix + "retrain.log");
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        return pb.start();
    }

    private static String http(int port, String path) {
        return HttpGet.local(port, path);
    }


    private String log(String prefix) throws IOException {
        return Files.readString(dir.resolve(prefix + "retrain.log"));
    }

    @Test
    void exitsZeroAfterSigterm() throws Exception {
        String prefix = SharedRegistry.unique("rt-term") + "-";
        int port = FreePort.onLoopback();
        Process p = start(prefix, port, Map.of("SIMSTREAM_TOPIC_LABELED_PAIRS_PARTITIONS", "2"));
        try {
            Await.until("retrain ready", () -> http(port, "/ready"), b -> b.startsWith("200"), Duration.ofSeconds(180));
            p.destroy();
            assertTrue(p.waitFor(90, TimeUnit.SECONDS), "retrain exits after SIGTERM");
            assertEquals(0, p.exitValue(), "exit code after a requested shutdown\n" + log(prefix));
            assertTrue(log(prefix).contains("shutdown requested (SIGTERM)"), log(prefix));
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void exitsNonZeroWhenItDies() throws Exception {
        String prefix = SharedRegistry.unique("rt-die") + "-";
        // decisions with 2 partitions, labeled-pairs created with 3: the join cannot run.
        Topics scoring = new Topics(TopicNames.DEFAULT.withPrefix(prefix), SharedRegistry.newClient(), 2);
        TopicAdmin.createMissing(Map.of("bootstrap.servers", KAFKA.bootstrapServers()), List.of(scoring.decisions()));
        int port = FreePort.onLoopback();
        Process p = start(prefix, port, Map.of("SIMSTREAM_TOPIC_LABELED_PAIRS_PARTITIONS", "3"));
        try {
            assertTrue(p.waitFor(180, TimeUnit.SECONDS), "retrain exits when it cannot run\n" + log(prefix));
            assertNotEquals(0, p.exitValue(), "a dead retrainer exits non-zero\n" + log(prefix));
            assertTrue(log(prefix).contains("The retrainer died"), log(prefix));
        } finally {
            p.destroyForcibly();
        }
    }
}
