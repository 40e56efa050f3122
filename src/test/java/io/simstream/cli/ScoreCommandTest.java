package io.simstream.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.simstream.data.PairCsvReader;
import io.simstream.data.PairDataset;
import io.simstream.evaluation.EvaluationReport;
import io.simstream.evaluation.PairScoring;
import io.simstream.evaluation.ScoredPairs;
import io.simstream.model.Head;
import io.simstream.model.ModelArtifact;
import io.simstream.model.PairScorer;
import io.simstream.model.PairScorers;
import io.simstream.testkit.CliRun;
import io.simstream.testkit.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** `score` through the CLI: decisions per row equal the kernel's, metrics when labels exist, errors name the line. */
class ScoreCommandTest {
    @TempDir
    Path dir;


    private CliRun run(String... args) {
        return CliRun.of(args);
    }

    private Path model(ModelArtifact artifact) throws Exception {
        Path f = dir.resolve("model.simstream");
        artifact.write(f);
        return f;
    }

    /** A CSV of n random pairs of dimension dim, with labels when labeled. */
    private Path csv(String name, int n, int dim, boolean labeled, long seed) throws Exception {
        Random rnd = new Random(seed);
        StringBuilder sb = new StringBuilder();
        for (int c = 0; c < 2 * dim; c++) {
            sb.append(c == 0 ? "" : ",").append('v').append(c);
        }
        sb.append(labeled ? ",class\n" : "\n");
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < 2 * dim; c++) {
                sb.append(c == 0 ? "" : ",").append((float) rnd.nextGaussian());
            }
            sb.append(labeled ? "," + rnd.nextInt(2) + "\n" : "\n");
        }
        Path f = dir.resolve(name);
        Files.writeString(f, sb.toString());
        return f;
    }

    @Test
    void unlabeledFileGetsOneDecisionPerRowFromTheServingKernel() throws Exception {
        ModelArtifact artifact = TestModels.random(6, 3, Head.CONTRASTIVE, 1.1f);
        Path data = csv("unlabeled.csv", 50, 6, false, 9);
        Path out = dir.resolve("out/decisions.csv");
        CliRun r = run("score", "--model", model(artifact).toString(), "--data", data.toString(), "--out", out.toString());
        assertEquals(0, r.exit(), r.err());
        List<String> lines = Files.readAllLines(out);
        assertEquals("row,score,same,threshold", lines.get(0));
        assertEquals(51, lines.size());
        PairScorer kernel = PairScorers.fastest(artifact);
        var rows = PairCsvReader.readForScoring(data);
        long same = 0;
        for (int i = 0; i < rows.size(); i++) {
            String[] cells = lines.get(i + 1).split(",");
            float expected = kernel.score(rows.left()[i], rows.right()[i]);
            assertEquals(String.valueOf(i), cells[0]);
            assertEquals(expected, Float.parseFloat(cells[1]), 0f, "row " + i);
            assertEquals(expected < 1.1f ? "1" : "0", cells[2], "row " + i);
            assertEquals(1.1f, Float.parseFloat(cells[3]));
            same += cells[2].equals("1") ? 1 : 0;
        }
        assertTrue(same > 0 && same < 50, "a random model on random pairs decides both ways: " + same);
        assertFalse(Files.exists(dir.resolve("out/decisions-metrics.json")), "no labels, no metrics");
        assertTrue(r.out().contains("scored 50 pairs"), r.out());
    }

    @Test
    void labeledFileAlsoGetsTheMetricsEvaluateReports() throws Exception {
        ModelArtifact artifact = TestModels.random(4, 5, Head.BCE, 0.5f);
        Path data = csv("labeled.csv", 80, 4, true, 11);
        Path out = dir.resolve("decisions.csv");
        CliRun r = run("score", "--model", model(artifact).toString(), "--data", data.toString(), "--out", out.toString());
        assertEquals(0, r.exit(), r.err());
        List<String> lines = Files.readAllLines(out);
        assertEquals("row,score,same,threshold,class", lines.get(0));
        PairDataset labeled = PairCsvReader.read(data);
        for (int i = 0; i < labeled.size(); i++) {
            assertEquals(String.valueOf(labeled.labels()[i]), lines.get(i + 1).split(",")[4]);
        }
        JsonNode m = new ObjectMapper().readTree(dir.resolve("decisions-metrics.json").toFile());
        ScoredPairs expected = PairScoring.score(PairScorers.fastest(artifact), labeled);
        EvaluationReport report = EvaluationReport.of(expected, 0.5f, artifact.margin());
        assertEquals(report.accuracy(), m.get("test").get("accuracy").asDouble(), 1e-12);
        assertEquals(report.auc(), m.get("test").get("auc").asDouble(), 1e-12);
        assertEquals(80, m.get("test").get("pairs").asInt());
    }

    @Test
    void badRowsAndWrongDimensionAreOneLineUserErrors() throws Exception {
        Path m = model(TestModels.random(2, 1));
        Path bad = dir.resolve("bad.csv");
        Files.writeString(bad, "v0,v1,v2,v3\n1,2,3,4\n1,2,oops,4\n");
        CliRun r = run("score", "--model", m.toString(), "--data", bad.toString(), "--out", dir.resolve("d.csv").toString());
        assertEquals(Main.EXIT_USER_ERROR, r.exit());
        assertTrue(r.err().strip().equals("error: " + bad + ": line 3, column 3 (v2): expected a number, found 'oops'"),
                r.err());
        Path wide = csv("wide.csv", 3, 5, false, 1);
        CliRun w = run("score", "--model", m.toString(), "--data", wide.toString(), "--out", dir.resolve("d.csv").toString());
        assertEquals(Main.EXIT_USER_ERROR, w.exit());
        assertTrue(w.err().contains("dimension 5 but the model expects 2"), w.err());
        assertEquals(0, run("score", "--help").exit());
    }
}
