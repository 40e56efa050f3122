package io.simstream.diagnose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.simstream.data.PairCsvReader;
import io.simstream.data.PairCsvWriter;
import io.simstream.data.PairDataset;
import io.simstream.data.SyntheticPairs;
import io.simstream.diagnose.Finding.Severity;
import io.simstream.training.TrainingConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each condition `diagnose` looks for, on small crafted CSVs, and a clean file where none of them fires. */
class DiagnosisTest {
    private static final TrainingConfig CFG = TrainingConfig.defaults().withSeed(1);

    @TempDir
    Path dir;

    private Map<String, Finding> diagnose(PairDataset data) throws IOException {
        // Through the CSV, as the command reads a user's file.
        Path csv = dir.resolve("pairs-" + System.nanoTime() + ".csv");
        PairCsvWriter.write(data, csv);
        List<Finding> findings = new Diagnosis(PairCsvReader.read(csv), CFG).run();
        return findings.stream().collect(Collectors.toMap(Finding::id, f -> f));
    }

    /** Well-scaled synthetic pairs: balanced, no repeats, no constant columns (values about +-1). */
    private static PairDataset clean(int rows, long seed) {
        PairDataset d = SyntheticPairs.generate(SyntheticPairs.Spec.of(rows, 16, seed));
        return scaled(d, 12f);
    }

    private static PairDataset scaled(PairDataset d, float factor) {
        return new PairDataset(times(d.left(), factor), times(d.right(), factor), d.labels(), d.dim(), d.source());
    }

    private static float[][] times(float[][] rows, float f) {
        float[][] out = new float[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            out[i] = new float[rows[i].length];
            for (int j = 0; j < rows[i].length; j++) {
                out[i][j] = rows[i][j] * f;
            }
        }
        return out;
    }

    @Test
    void aCleanFileRaisesNoWarning() throws IOException {
        Map<String, Finding> f = diagnose(clean(400, 1));
        assertEquals(Severity.OK, f.get("class-balance").severity());
        assertTrue(f.containsKey("input-scale"), "no scale warning on values of about unit norm: " + f.keySet());
        assertEquals(Severity.OK, f.get("constant-columns").severity());
        assertEquals(Severity.OK, f.get("duplicate-columns").severity());
        assertEquals(Severity.OK, f.get("leakage").severity());
        assertEquals(0.0, f.get("leakage").values().get("sharedVectorShare").asDouble());
    }

    @Test
    void flagsAnUntrainedModelThatCallsEveryPairSame() throws IOException {
        // The user's value range: about +-0.01 per column, so every initial distance is tiny.
        Map<String, Finding> f = diagnose(scaled(clean(400, 2), 0.01f));
        Finding init = f.get("all-same-at-init");
        assertTrue(init != null, "flagged: " + f.keySet());
        assertEquals(Severity.WARN, init.severity());
        assertTrue(init.values().get("rawShareBelowThreshold").asDouble() >= 0.95);
        assertTrue(init.values().get("scaledMedianDistance").asDouble() > init.values().get("rawMedianDistance").asDouble());
        assertTrue(init.message().contains("positive rate"), init.message());
        assertTrue(init.suggestion().contains("--scaling global"), init.suggestion());
    }

    @Test
    void flagsConstantAndDuplicateColumns() throws IOException {
        PairDataset d = clean(300, 3);
        for (float[][] side : new float[][][] {d.left(), d.right()}) {
            for (float[] x : side) {
                x[3] = 0.25f;
                x[7] = x[5];
            }
        }
        Map<String, Finding> f = diagnose(d);
        Finding constant = f.get("constant-columns");
        assertEquals(Severity.NOTE, constant.severity());
        assertEquals(1, constant.values().get("count").asInt());
        assertEquals(3, constant.values().get("columns").get(0).asInt());
        Finding dup = f.get("duplicate-columns");
        assertEquals(1, dup.values().get("redundantColumns").asInt());
        assertEquals("[5, 7]", dup.values().get("groups").get(0).asText());
    }

    @Test
    void flagsALeakingSplitAndSaysWhatDisjointWouldKeep() throws IOException {
        // 60 distinct vectors in 400 pairs: a row split puts the same vectors on both sides.
        PairDataset base = clean(60, 4);
        Random r = new Random(4);
        int n = 400;
        float[][] left = new float[n][];
        float[][] right = new float[n][];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            int a = r.nextInt(60);
            int b = (a + 1 + r.nextInt(59)) % 60;
            left[i] = base.left()[a];
            right[i] = base.left()[b];
            labels[i] = i % 2;
        }
        Map<String, Finding> f = diagnose(new PairDataset(left, right, labels, base.dim(), "leaky"));
        Finding leak = f.get("leakage");
        assertEquals(Severity.WARN, leak.severity());
        assertTrue(leak.values().get("sharedVectorShare").asDouble() > 0.5);
        assertTrue(leak.suggestion().startsWith("--split disjoint"), leak.suggestion());
        assertEquals(Severity.NOTE, f.get("repeated-vectors").severity());
    }

    @Test
    void flagsClassImbalance() throws IOException {
        PairDataset d = SyntheticPairs.generate(new SyntheticPairs.Spec(400, 16, 5, 0.1, SyntheticPairs.Difficulty.EASY, 0));
        Finding balance = diagnose(scaled(d, 12f)).get("class-balance");
        assertEquals(Severity.WARN, balance.severity());
        assertTrue(balance.values().get("positiveRate").asDouble() < 0.25);
        assertTrue(balance.suggestion().contains("--calibrate f1"));
    }

    @Test
    void reportsTheSpectrumAndWritesJson() throws IOException {
        PairDataset steep = SyntheticPairs.generate(SyntheticPairs.Spec.of(300, 32, 6).withSpectrumDecay(12));
        Path out = dir.resolve("out");
        Files.createDirectories(out);
        List<String> text = new ArrayList<>();
        JsonNode json = DiagnoseJob.run(steep, CFG, out, text::add);
        JsonNode written = new com.fasterxml.jackson.databind.ObjectMapper().readTree(out.resolve(DiagnoseJob.DIAGNOSIS_FILE).toFile());
        assertEquals(json.toString(), written.toString());
        JsonNode spectrum = null;
        for (JsonNode finding : json.get("findings")) {
            if (finding.get("id").asText().equals("spectrum")) {
                spectrum = finding;
            }
        }
        assertEquals("NOTE", spectrum.get("severity").asText(), "a steep spectrum is pointed out");
        assertTrue(spectrum.get("values").get("columnEffectiveRank").asDouble() < 16, spectrum.toString());
        assertTrue(text.stream().anyMatch(l -> l.contains("variance spectrum")));
        // A flat one (same generator, no decay) is not.
        PairDataset flat = SyntheticPairs.generate(SyntheticPairs.Spec.of(300, 32, 6));
        Finding flatSpectrum = new Diagnosis(flat, CFG).run().stream().filter(x -> x.id().equals("spectrum")).findFirst()
                .orElseThrow();
        assertEquals(Severity.OK, flatSpectrum.severity(), flatSpectrum.message());
    }
}
