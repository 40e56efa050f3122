package io.simstream.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.simstream.avro.PairDecision;
import io.simstream.avro.VectorPair;
import io.simstream.model.PairScorers;
import io.simstream.testkit.Await;
import io.simstream.testkit.BrokerPerClass;
import io.simstream.testkit.SharedRegistry;
import io.simstream.topics.TopicScan;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/python on Confluent's Python client against a real broker, the real registry and a
 * running scorer: the Python producer's pairs are scored (with the scores the kernel gives for the
 * vectors Python sent), and the Python reader decodes the same decisions the Java side reads.
 */
@Tag("integration")
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class PythonClientExamplesTest {
    /** Debian's interpreter, as in PythonInteropTest: a pyenv python3 does not see Debian's packages. */
    private static final String PYTHON = System.getenv().getOrDefault("SIMSTREAM_PYTHON", "/usr/bin/python3");
    private static final Path EXAMPLES = Path.of("examples/python");
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();
    @RegisterExtension
    static final BrokerPerClass KAFKA = new BrokerPerClass();

    @TempDir
    Path dir;

    private record Result(int exit, String out, String err) {
    }

    private Result python(String script, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(PYTHON, EXAMPLES.resolve(script).toString()));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(script + " did not finish within 120 s; stderr: " + Files.readString(err));
        }
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    @Test
    void pythonProducerIsScoredAndPythonReaderDecodesTheDecisions() throws Exception {
        try (ScoringHarness h = new ScoringHarness(KAFKA.bootstrapServers(), SharedRegistry.url(),
                SharedRegistry.newClient(), SharedRegistry.unique("python"))) {
            ScoringService scorer = h.start("a");
            h.publish(4);
            Await.until("scorer serving v1", () -> scorer.liveModel().version(), v -> v == 1L, WAIT);

            Result produced = python("produce_pairs.py", "--bootstrap", h.bootstrap, "--registry-url", h.registryUrl,
                    "--topic", h.names.pairs(), "--count", "12", "--dim", String.valueOf(ScoringHarness.DIM));
            assertEquals(0, produced.exit(), produced.err());
            JsonNode sent = JSON.readTree(produced.out());
            assertEquals(12, sent.get("sent").asInt());

            List<ConsumerRecord<String, PairDecision>> decided = Await.until("12 decisions", h.decisions::poll,
                    l -> l.size() >= 12, WAIT);
            Map<String, PairDecision> javaSide = new HashMap<>();
            decided.forEach(r -> javaSide.put(r.key(), r.value()));
            // The scores are the kernel's on the very vectors Python wrote (float32 round trip included).
            var kernel = PairScorers.scalar(h.model(4));
            for (ConsumerRecord<String, VectorPair> r : TopicScan.readAll(Map.of("bootstrap.servers", h.bootstrap),
                    h.names.pairs(), new StringDeserializer(), h.topics.pairs().valueSerde().deserializer())) {
                VectorPair pair = r.value();
                assertEquals("confluent-kafka-python", pair.getAttributes().get("client"));
                float expected = kernel.score(toArray(pair.getLeft()), toArray(pair.getRight()));
                assertEquals(expected, javaSide.get(pair.getId()).getScore(), 1e-5f, pair.getId());
            }
            long same = javaSide.values().stream().filter(PairDecision::getSame).count();
            assertTrue(same > 0 && same < 12, "near-duplicates and random pairs decide both ways: " + same);

            Result read = python("read_decisions.py", "--bootstrap", h.bootstrap, "--registry-url", h.registryUrl,
                    "--topic", h.names.decisions(), "--count", "12", "--timeout", "60");
            assertEquals(0, read.exit(), read.err());
            List<String> lines = read.out().lines().toList();
            assertEquals(12, lines.size(), read.out());
            for (String line : lines) {
                JsonNode d = JSON.readTree(line);
                PairDecision expected = javaSide.get(d.get("pairId").asText());
                assertEquals(expected.getScore(), (float) d.get("score").asDouble(), 0f, line);
                assertEquals(expected.getSame(), d.get("same").asBoolean(), line);
                assertEquals(1L, d.get("modelVersion").asLong(), line);
                assertEquals(expected.getScoredAt().toEpochMilli(), d.get("scoredAt").asLong(), line);
            }
            Result help = python("produce_pairs.py", "--help");
            assertEquals(0, help.exit());
            assertTrue(help.out().contains("--dim"), help.out());
        }
    }

    private static float[] toArray(List<Float> values) {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }
}
