package io.simstream.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.simstream.bench.E2eBenchmark.Mode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How bench e2e turns rounds into reported figures, and when it refuses to judge them. */
class E2eSummaryTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ObjectNode run(long tput, long p99) {
        ObjectNode n = JSON.createObjectNode().put("throughputPerSec", tput).put("otherProcessesCpuCores", 0.1);
        n.putObject("latencyMs").put("samples", 100).put("p50", p99 / 2).put("p95", p99 - 1).put("p99", p99)
                .put("max", p99 + 10);
        n.putObject("rssUnderLoad").put("steadyMb", 250);
        return n;
    }

    private static ObjectNode config(String profile, String guarantee, long[][] pass, long[][] scoring, long[][] shadow) {
        ObjectNode c = JSON.createObjectNode().put("profile", profile).put("guarantee", guarantee);
        ArrayNode rounds = c.putArray("rounds");
        for (int i = 0; i < pass.length; i++) {
            ObjectNode r = rounds.addObject().put("round", i + 1);
            r.set("passThrough", run(pass[i][0], pass[i][1]));
            r.set("scoring", run(scoring[i][0], scoring[i][1]));
            r.set("shadow", run(shadow[i][0], shadow[i][1]));
        }
        E2eReport.summarize(c);
        return c;
    }

    @Test
    void eachModeReportsTheMedianOfItsRoundsAndTheRatiosAreOfTheMedians() {
        ObjectNode c = config("latency", "at_least_once",
                new long[][] {{20_000, 20}, {10_000, 90}, {22_000, 22}},
                new long[][] {{19_000, 24}, {18_000, 23}, {5_000, 200}},
                new long[][] {{15_000, 30}, {16_000, 28}, {14_000, 33}});
        assertEquals(20_000, c.get("passThrough").get("throughputPerSec").asLong(), "one slow round does not move it");
        assertEquals(22, c.get("passThrough").get("latencyMs").get("p99").asLong());
        assertEquals(18_000, c.get("scoring").get("throughputPerSec").asLong());
        assertEquals(24, c.get("scoring").get("latencyMs").get("p99").asLong());
        assertEquals(0.9, c.get("throughputRatio").asDouble(), 1e-9);
        assertEquals(24 / 22.0, c.get("p99Ratio").asDouble(), 1e-3);
        assertEquals(15_000 / 18_000.0, c.get("shadowThroughputRatio").asDouble(), 1e-3);
        assertEquals(30 / 24.0, c.get("shadowP99Ratio").asDouble(), 1e-3);
    }

    @Test
    void everyModeLeadsOnceInAsManyRounds() {
        List<Mode> all = List.of(Mode.PASS_THROUGH, Mode.SCORING, Mode.SHADOW);
        assertEquals(all, E2eBenchmark.rotated(all, 0));
        assertEquals(List.of(Mode.SCORING, Mode.SHADOW, Mode.PASS_THROUGH), E2eBenchmark.rotated(all, 1));
        assertEquals(List.of(Mode.SHADOW, Mode.PASS_THROUGH, Mode.SCORING), E2eBenchmark.rotated(all, 2));
        assertEquals(all, E2eBenchmark.rotated(all, 3));
    }

    @Test
    void aBusyMachineIsMarkedAndItsGoalsAreNotJudged() {
        ObjectNode loaded = E2eReport.verdict(2, 8.5, 0.1);
        assertFalse(loaded.get("quiet").asBoolean());
        assertTrue(loaded.get("warning").asText().contains("load average before the run was 8.50 on 2 cores"));
        ObjectNode neighbours = E2eReport.verdict(2, 0.4, 0.9);
        assertFalse(neighbours.get("quiet").asBoolean());
        assertTrue(neighbours.get("warning").asText().contains("other processes used up to 0.90 cores"));
        assertTrue(E2eReport.verdict(2, 1.5, 0.2).get("quiet").asBoolean());

        ArrayNode configs = JSON.createArrayNode();
        configs.add(config("latency", "at_least_once", new long[][] {{20_000, 20}}, new long[][] {{19_000, 30}},
                new long[][] {{15_000, 31}}));
        ObjectNode noisy = E2eReport.goals(configs, false, 5000);
        assertFalse(noisy.get("judged").asBoolean());
        assertEquals("not judged", noisy.get("latency/at_least_once").get("p99Met").asText());
        ObjectNode quiet = E2eReport.goals(configs, true, 5000);
        assertFalse(quiet.get("latency/at_least_once").get("p99Met").asBoolean(), "30 ms > 25 ms");
        assertFalse(quiet.get("latency/at_least_once").get("p99RatioMet").asBoolean(), "30/20 > 1.2");
        assertTrue(quiet.get("latency/at_least_once").get("rssMet").asBoolean());
    }

    @Test
    void servesKernelTimerIsReadFromItsMetrics() {
        String exposition = "# HELP simstream_scoring_latency_seconds Kernel time per pair\n"
                + "simstream_scoring_latency_seconds_count 4000.0\n"
                + "simstream_scoring_latency_seconds_sum 0.02\n"
                + "simstream_scoring_latency_seconds_max 0.001\n";
        double[] t = E2eBenchmark.kernelTimer(exposition);
        assertEquals(0.02, t[0], 1e-12);
        assertEquals(4000, t[1], 1e-12);
        assertEquals(0, E2eBenchmark.kernelTimer("unreachable")[1], 1e-12);
    }
}
