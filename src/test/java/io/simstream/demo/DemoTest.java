package io.simstream.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.simstream.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `demo` end to end, as a newcomer runs it (through the CLI): a real broker and registry start,
 * pairs are decided, broken pairs reach the dead-letter topic, and the retrainer publishes a
 * model after the distribution shift.
 */
class DemoTest {
    @Test
    void briefDemoProducesDecisionsDeadLettersAndARetrainedModel(@TempDir Path out) throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        int exit;
        try {
            System.setOut(new PrintStream(new TeeStream(original, console), true));
            exit = Main.run("demo", "--duration", "80s", "--rate", "150", "--out", out.toString());
        } finally {
            System.setOut(original);
        }
        String printed = console.toString();
        assertEquals(0, exit, "demo exit code; it printed:\n" + printed);
        assertTrue(printed.contains("Kafka bootstrap servers: localhost:"), "broker port printed");
        assertTrue(printed.contains("registry: http://127.0.0.1:"), "registry port printed");

        JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        assertTrue(summary.get("decisions").asLong() > 1000, "decisions produced: " + summary);
        assertTrue(summary.get("deadLetters").asLong() > 0, "broken pairs dead-lettered: " + summary);
        assertFalse(summary.get("publishedVersions").isEmpty(), "the retrainer published a model: "
                + summary.get("gateDecisions"));
        assertTrue(summary.get("publishedVersions").get(0).asLong() >= 2, "a retrained version follows v1");
        assertTrue(Files.size(out.resolve("timeline.png")) > 10_000, "timeline plot written");
    }

    /** Writes to the real console and keeps a copy, so CI logs still show the demo's status lines. */
    private static final class TeeStream extends java.io.OutputStream {
        private final java.io.OutputStream a;
        private final java.io.OutputStream b;

        TeeStream(java.io.OutputStream a, java.io.OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int x) throws java.io.IOException {
            a.write(x);
            b.write(x);
        }

        @Override
        public void write(byte[] buf, int off, int len) throws java.io.IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }
    }
}
