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
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `demo` end to end, as a newcomer runs it (through the CLI): a real broker and registry start,
 * pairs are decided, broken pairs reach the dead-letter topic, and after the distribution shift the
 * scorer's drift alarm leads to a retrained model that goes shadow -> canary -> full on live
 * evidence; the console shows the status line and the story, the log goes to demo.log.
 */
class DemoTest {
    @Test
    void briefDemoProducesDecisionsDeadLettersAndARetrainedModel(@TempDir Path out) throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        int exit;
        try {
            System.setOut(new PrintStream(new TeeStream(original, console), true));
            exit = Main.run("demo", "--duration", "90s", "--rate", "150", "--out", out.toString());
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
        JsonNode recovery = summary.get("recovery");
        assertFalse(recovery.get("driftAlarm").isNull(), "a drift alarm after the shift: " + summary.get("steps"));
        assertFalse(recovery.get("candidateOut").isNull(), "a retrained model out after it: " + summary.get("steps"));
        assertFalse(recovery.get("full").isNull(), "promoted through canary to full: " + summary.get("steps"));
        List<String> afterDrift = new ArrayList<>();
        summary.get("steps").forEach(s -> {
            if (s.get("seconds").asDouble() >= recovery.get("shiftAt").asDouble() + recovery.get("driftAlarm").asDouble()) {
                afterDrift.add(s.get("event").asText() + " " + s.get("detail").asText());
            }
        });
        int shadow = afterDrift.indexOf("PUBLISHED as shadow");
        int canary = afterDrift.stream().filter(x -> x.startsWith("PROMOTED to canary")).findFirst()
                .map(afterDrift::indexOf).orElse(-1);
        int full = afterDrift.indexOf("PROMOTED to full");
        assertTrue(shadow >= 0 && canary > shadow && full > canary, "shadow, then canary, then full: " + afterDrift);
        assertTrue(summary.get("servingVersion").asLong() >= 2, "a retrained version serves at the end");
        assertTrue(Files.size(out.resolve("timeline.png")) > 10_000, "timeline plot written");
        String log = Files.readString(out.resolve("demo.log"));
        assertTrue(log.contains("serving model 'default' v1") && log.contains("DRIFT"), "the log went to demo.log");
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
