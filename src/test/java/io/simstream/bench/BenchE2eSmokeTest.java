package io.simstream.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.simstream.cli.Main;
import io.simstream.testkit.BrokerPerClass;
import io.simstream.testkit.SharedRegistry;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * `bench e2e` with tiny numbers, to keep the command working: it starts the pass-through baseline,
 * `serve` and `serve` with a shadow candidate as child processes, measures them, reads the child's
 * RSS, records how busy the machine was and writes its JSON. It asserts what was measured exists and
 * adds up, never how fast it was.
 */
@Tag("integration")
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class BenchE2eSmokeTest {
    @RegisterExtension
    static final BrokerPerClass KAFKA = new BrokerPerClass();

    @TempDir
    Path dir;

    @Test
    void measuresServeAsAChildProcessAndWritesTheResult() throws Exception {
        Path out = dir.resolve("e2e.json");
        int exit = Main.commandLine().execute("bench", "e2e", "--bootstrap", KAFKA.bootstrapServers(),
                "--registry-url", SharedRegistry.url(), "--pairs", "40", "--dim", "8", "--partitions", "2",
                "--rate", "50", "--probe-pairs", "20", "--swaps", "1", "--profiles", "latency",
                "--guarantees", "exactly_once_v2", "--rounds", "1", "--out", out.toString());
        assertEquals(0, exit);
        JsonNode r = new ObjectMapper().readTree(out.toFile());
        JsonNode c = r.get("configurations").get(0);
        assertEquals("latency", c.get("profile").asText());
        assertEquals("exactly_once_v2", c.get("guarantee").asText());
        assertEquals(1, c.get("rounds").size());
        for (String mode : new String[] {"scoring", "passThrough", "shadow"}) {
            JsonNode run = c.get("rounds").get(0).get(mode);
            assertTrue(run.get("throughputPerSec").asLong() > 0, mode + ": " + run);
            assertEquals(20, run.get("latencyMs").get("samples").asInt(), mode + ": every probe decided once");
            long p50 = run.get("latencyMs").get("p50").asLong();
            assertTrue(p50 >= 0 && p50 <= run.get("latencyMs").get("p99").asLong(), mode + ": " + run);
            assertTrue(run.get("rssAfterBacklogBytes").asLong() > 32L << 20, mode + ": the child's RSS, from /proc");
            assertTrue(run.has("loadAverageBefore") && run.has("otherProcessesCpuCores"), mode + ": " + run);
            assertEquals(run.get("throughputPerSec").asLong(), c.get(mode).get("throughputPerSec").asLong(),
                    "the median of one round is that round");
        }
        assertTrue(c.get("rounds").get(0).get("shadow").get("ready").asText().contains("candidate v2"),
                "the shadow child served a candidate: " + c.get("rounds").get(0).get("shadow").get("ready"));
        assertTrue(c.has("shadowThroughputRatio") && c.has("p99Ratio"), c.toString());
        assertEquals(1, c.get("scoring").get("hotSwap").size());
        JsonNode machine = r.get("machine");
        assertTrue(machine.has("loadAverageAtStart") && machine.get("quiet").isBoolean(), machine.toString());
        assertEquals(machine.get("quiet").asBoolean(), r.get("goals").get("judged").asBoolean());
        assertTrue(r.get("goals").get("latency/exactly_once_v2").has("p99RatioMet"));
        assertEquals(0, r.get("producerSendErrors").asInt());
    }
}
