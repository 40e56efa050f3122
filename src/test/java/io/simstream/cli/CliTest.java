package io.simstream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.simstream.model.ModelArtifact;
import io.simstream.testkit.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {
    @TempDir
    Path dir;


    private CliRun run(String... args) {
        return CliRun.of(args);
    }

    @Test
    void badCsvIsOneLineExitTwoWithoutStackTrace() throws Exception {
        Path bad = dir.resolve("bad.csv");
        Files.writeString(bad, "v0,v1,v2,v3,class\n1,2,3,4,1\n1,2,x,4,0\n");
        CliRun r = run("train", "--train", bad.toString(), "--out", dir.resolve("o").toString());
        assertEquals(Main.EXIT_USER_ERROR, r.exit());
        String err = r.err().strip();
        assertFalse(err.contains("\n"), "one line: " + err);
        assertFalse(err.contains("at io.simstream") || err.contains("Exception"), "no stack trace: " + err);
        assertTrue(err.contains(bad + ": line 3, column 3 (v2)"), err);
    }

    @Test
    void missingFilesAreUserErrors() {
        CliRun train = run("train", "--train", dir.resolve("none.csv").toString(), "--out", dir.toString());
        assertEquals(Main.EXIT_USER_ERROR, train.exit());
        assertTrue(train.err().contains("file does not exist"), train.err());
        CliRun eval = run("evaluate", "--model", dir.resolve("none.simstream").toString(), "--data", "x.csv");
        assertEquals(Main.EXIT_USER_ERROR, eval.exit());
        assertTrue(eval.err().contains("model file does not exist"), eval.err());
    }

    @Test
    void badOptionValueIsAUserError() {
        CliRun r = run("train", "--train", "a.csv", "--out", "o", "--head", "cosine");
        assertEquals(Main.EXIT_USER_ERROR, r.exit());
        assertTrue(r.err().contains("unknown head 'cosine'"), r.err());
    }

    @Test
    void everyCommandHasHelp() {
        for (String[] cmd : new String[][] {{"train"}, {"evaluate"}, {"generate"}, {"bench", "inference"},
                {"bench", "e2e"}, {"bench", "train"}, {"bench", "quality"}, {"bench", "retrain"}, {"score"}, {"models", "list"}, {"models", "show"}, {"models", "export"},
                {"models", "rollback"}, {"dlq", "replay"}, {"serve"}, {"publish"}}) {
            String[] args = java.util.Arrays.copyOf(cmd, cmd.length + 1);
            args[cmd.length] = "--help";
            CliRun r = run(args);
            assertEquals(0, r.exit(), String.join(" ", cmd));
            assertTrue(r.out().contains("Usage:"), r.out());
        }
    }

    @Test
    void generateTrainEvaluateEndToEnd() throws Exception {
        Path train = dir.resolve("train.csv");
        Path test = dir.resolve("test.csv");
        assertEquals(0, run("generate", "--rows", "400", "--dim", "200", "--seed", "1", "--out", train.toString()).exit());
        assertEquals(0, run("generate", "--rows", "200", "--dim", "200", "--seed", "2", "--difficulty", "easy",
                "--out", test.toString()).exit());
        Path out = dir.resolve("run");
        CliRun t = run("train", "--train", train.toString(), "--test", test.toString(), "--out", out.toString(),
                "--max-epochs", "8", "--layers", "32,32,16");
        assertEquals(0, t.exit(), t.err());
        assertTrue(t.out().contains("epoch   1"), t.out());
        for (String f : new String[] {"model.simstream", "metrics.json", "learning-curves.png", "score-histogram.png"}) {
            assertTrue(Files.size(out.resolve(f)) > 0, f);
        }
        JsonNode m = new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
        for (String part : new String[] {"test", "validation"}) {
            for (String k : new String[] {"accuracy", "auc", "precision", "recall", "f1", "confusionMatrix", "atFixedThreshold"}) {
                assertTrue(m.get(part).has(k), part + "." + k);
            }
        }
        assertTrue(m.get("training").get("epochsRun").asInt() >= 1);
        assertTrue(m.get("training").has("trainingSeconds"));
        // The default ensemble decided by the number of labels, and why, in metrics.json.
        JsonNode choice = m.get("training").get("ensembleChoice");
        assertTrue(choice.get("automatic").asBoolean(), choice.toString());
        assertEquals(3, choice.get("members").asInt(), "400 labelled pairs are few");
        assertTrue(choice.get("reason").asText().contains("400 labelled pairs are few"), choice.toString());
        assertEquals("auto", m.get("training").get("config").get("ensemble").asText());
        ModelArtifact model = ModelArtifact.read(out.resolve("model.simstream"));
        assertEquals(200, model.inputDim());
        assertEquals(3, model.ensembleSize());

        Path evalOut = dir.resolve("eval");
        CliRun e = run("evaluate", "--model", out.resolve("model.simstream").toString(), "--data", test.toString(),
                "--out", evalOut.toString());
        assertEquals(0, e.exit(), e.err());
        JsonNode em = new ObjectMapper().readTree(evalOut.resolve("metrics.json").toFile());
        assertEquals(m.get("test").get("accuracy").asDouble(), em.get("test").get("accuracy").asDouble(), 1e-12);
        assertEquals(m.get("test").get("auc").asDouble(), em.get("test").get("auc").asDouble(), 1e-12);
    }

    @Test
    void trainWithADisjointSplitRefitAndAnEnsembleRecordsHowTheModelWasMade() throws Exception {
        Path train = dir.resolve("train.csv");
        assertEquals(0, run("generate", "--rows", "300", "--dim", "16", "--seed", "3", "--out", train.toString()).exit());
        Path out = dir.resolve("ens");
        CliRun t = run("train", "--train", train.toString(), "--out", out.toString(), "--max-epochs", "4",
                "--layers", "16,16,8", "--split", "disjoint", "--ensemble", "2", "--seed", "1");
        assertEquals(0, t.exit(), t.err());
        assertTrue(t.out().contains("split disjoint:"), t.out());
        assertTrue(t.out().contains("[WARN]") || t.out().contains("[OK  ]"), "the diagnosis comes first");
        JsonNode m = new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
        JsonNode training = m.get("training");
        assertEquals("disjoint", training.get("split").asText());
        assertEquals(0.0, training.get("validationSharedVectorShare").asDouble());
        assertEquals("global", training.get("inputScaling").asText());
        assertTrue(training.get("refit").asBoolean());
        assertEquals(300, training.get("finalModelPairs").asInt());
        assertEquals(2, training.get("members").size());
        assertEquals("--ensemble 2", training.get("ensembleChoice").get("rule").asText());
        assertTrue(m.get("diagnosis").has("leakage"));
        assertTrue(Files.isRegularFile(out.resolve("diagnosis.json")));
        ModelArtifact model = ModelArtifact.read(out.resolve("model.simstream"));
        assertEquals(2, model.ensembleSize());
        assertEquals("global", model.inputScaling());

        CliRun noRefit = run("train", "--train", train.toString(), "--out", dir.resolve("plain").toString(),
                "--max-epochs", "3", "--layers", "16,16,8", "--no-refit", "--scaling", "per-column");
        assertEquals(0, noRefit.exit(), noRefit.err());
        JsonNode p = new ObjectMapper().readTree(dir.resolve("plain").resolve("metrics.json").toFile());
        assertFalse(p.get("training").get("refit").asBoolean());
        assertEquals(150, p.get("training").get("finalModelPairs").asInt());
        assertEquals("per-column", p.get("training").get("inputScaling").asText());
        assertEquals(Main.EXIT_USER_ERROR, run("train", "--train", train.toString(), "--out", dir.toString(),
                "--scaling", "sideways").exit());
    }

    @Test
    void diagnosePrintsTextOrJsonAndWritesTheFile() throws Exception {
        Path data = dir.resolve("d.csv");
        assertEquals(0, run("generate", "--rows", "200", "--dim", "8", "--seed", "4", "--out", data.toString()).exit());
        CliRun text = run("diagnose", "--data", data.toString(), "--out", dir.resolve("diag").toString());
        assertEquals(0, text.exit(), text.err());
        assertTrue(text.out().contains("class balance:"), text.out());
        assertTrue(text.out().contains("-> scale the inputs"), "tiny synthetic values start all-same: " + text.out());
        JsonNode file = new ObjectMapper().readTree(dir.resolve("diag").resolve("diagnosis.json").toFile());
        assertEquals(200, file.get("pairs").asInt());
        CliRun json = run("diagnose", "--data", data.toString(), "--json");
        assertEquals(0, json.exit(), json.err());
        assertEquals(file.get("findings").size(), new ObjectMapper().readTree(json.out()).get("findings").size());
    }

    @Test
    void benchTrainReportsEveryConfigurationAsRatiosToPlain() throws Exception {
        Path data = dir.resolve("b.csv");
        assertEquals(0, run("generate", "--rows", "120", "--dim", "8", "--seed", "5", "--out", data.toString()).exit());
        Path out = dir.resolve("bench.json");
        // Tiny on purpose: this checks the command, not the figures.
        CliRun r = run("bench", "train", "--train", data.toString(), "--test", data.toString(), "--ensembles", "2",
                "--out", out.toString());
        assertEquals(0, r.exit(), r.err());
        JsonNode b = new ObjectMapper().readTree(out.toFile());
        assertEquals(3, b.get("results").size(), "plain, refit, refit-ensemble-2");
        assertTrue(b.get("ratiosToPlain").has("refit-ensemble-2"));
        assertTrue(b.get("ratiosToPlain").get("refit").get("wallTime").asDouble() > 0);
        assertTrue(r.out().contains("wall time"), r.out());
    }
}
