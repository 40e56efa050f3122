package io.simstream.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.simstream.data.Standardizer;
import io.simstream.data.SyntheticPairs;
import io.simstream.model.ModelArtifact;
import io.simstream.testkit.CliRun;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `bench drift` with tiny numbers and a given (untrained) model, to keep the command working: it
 * writes every section, and the demo's shift is found in every run. It asserts what was measured
 * exists and adds up, never how fast anything was.
 */
class BenchDriftSmokeTest {
    @TempDir
    Path dir;

    @Test
    void measuresFalseAlarmsDelayClassBalanceAndCostAndWritesTheResult() throws Exception {
        Path model = dir.resolve("m.simstream");
        ModelArtifact m = BenchModels.random(8, new int[] {16, 8}, 1).toBuilder()
                .normalizer(Standardizer.fit(SyntheticPairs.generate(SyntheticPairs.Spec.of(1_000, 8, 1)))).build();
        m.write(model);
        Path out = dir.resolve("drift.json");
        CliRun r = CliRun.of("bench", "drift", "--model", model.toString(), "--dim", "8", "--runs", "3", "--pairs",
                "2000", "--delay-runs", "3", "--pool", "5000", "--reference-pairs", "500", "--class-balance", "0.3",
                "--partial-shifts", "0.5",
                "--cost-seconds", "0.05", "--out", out.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().matches("(?s).*demo shift \\(model accuracy [0-9.]+\\): detected in 3 of 3 runs.*"), r.out());

        JsonNode j = new ObjectMapper().readTree(out.toFile());
        assertEquals(2, j.get("references").size(), "the held-out reference and the in-sample validation split");
        JsonNode held = j.get("references").get(0);
        assertEquals(500, held.get("referencePairs").asInt());
        assertEquals(3 * 2000, held.get("stationary").get("pairs").asLong());
        assertEquals(3 * 2000 / 200, held.get("stationary").get("windows").get("windows").asInt());
        assertEquals(3, held.get("shift").get("detected").asInt());
        assertTrue(held.get("shift").get("delayPairs").get("max").asLong() <= 3 * 200, held.get("shift").toString());
        assertTrue(j.get("classBalance").has("0.30"));
        assertTrue(j.get("sensitivity").get("0.50").has("detected"));
        assertTrue(j.get("modelAccuracyBeforeShift").asDouble() > 0);
        assertTrue(j.get("cost").get("observeNsPerPair").asDouble() > 0);
        assertTrue(j.get("referenceBias").has("finalModelOnValidationSplitKs"));
        assertEquals(200, j.get("settings").get("windowPairs").asInt());

        assertEquals(0, CliRun.of("bench", "drift", "--help").exit());
        CliRun bad = CliRun.of("bench", "drift", "--window", "5", "--out", out.toString());
        assertEquals(2, bad.exit());
        assertTrue(bad.err().contains("drift window"), bad.err());
    }
}
