package io.simstream.workflows;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.simstream.UserInputException;
import io.simstream.data.PairCsvReader;
import io.simstream.data.PairDataset;
import io.simstream.diagnose.DiagnoseJob;
import io.simstream.drift.DriftReferences;
import io.simstream.evaluation.DistanceBaseline;
import io.simstream.evaluation.EvaluationReport;
import io.simstream.evaluation.MetricsJson;
import io.simstream.evaluation.PairScoring;
import io.simstream.evaluation.Plots;
import io.simstream.evaluation.ScoredPairs;
import io.simstream.model.ModelArtifact;
import io.simstream.model.PairScorers;
import io.simstream.provenance.BuildInfo;
import io.simstream.provenance.Provenance;
import io.simstream.signing.ArtifactSigner;
import io.simstream.training.EnsemblePolicy;
import io.simstream.training.SiameseTrainer;
import io.simstream.training.TrainingConfig;
import io.simstream.training.TrainingResult;
import io.simstream.training.ValidationSplit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The `train` workflow end to end: read the CSVs, diagnose the training file, train, evaluate on the test file with the
 * fast kernel (the path the service will use), and write model.simstream, metrics.json,
 * learning-curves.png and score-histogram.png into the output directory.
 */
public final class TrainingJob {
    public static final String MODEL_FILE = "model.simstream";
    public static final String METRICS_FILE = "metrics.json";
    public static final String CURVES_FILE = "learning-curves.png";
    public static final String HISTOGRAM_FILE = "score-histogram.png";

    private TrainingJob() {
    }

    /** What the job wrote and measured. */
    public record Outcome(ModelArtifact artifact, ObjectNode metrics, TrainingResult training, EvaluationReport test) {
    }

    public static Outcome run(Path trainFile, Path testFile, Path outDir, TrainingConfig cfg, Consumer<String> progress)
            throws IOException {
        return run(trainFile, testFile, outDir, cfg, null, progress);
    }

    /** signer: signs the artifact as the last step before it is written; null leaves it unsigned. */
    public static Outcome run(Path trainFile, Path testFile, Path outDir, TrainingConfig cfg, ArtifactSigner signer,
                              Consumer<String> progress) throws IOException {
        PairDataset data = PairCsvReader.read(trainFile);
        PairDataset test = testFile == null ? null : PairCsvReader.read(testFile);
        if (test != null && test.dim() != data.dim()) {
            throw new UserInputException(testFile + ": pairs have dimension " + test.dim() + " but "
                    + trainFile + " has " + data.dim());
        }
        Files.createDirectories(outDir);
        ObjectNode diagnosis = DiagnoseJob.run(data, cfg, outDir, progress);
        progress.accept(String.format(Locale.ROOT, "training on %s: %d pairs of %d-d vectors (%d same), head %s",
                trainFile, data.size(), data.dim(), data.positives(), cfg.head().id()));
        TrainingResult result = new SiameseTrainer(cfg, progress).train(data);

        ObjectNode metrics = JsonNodeFactory.instance.objectNode();
        metrics.put("head", cfg.head().id());
        metrics.put("threshold", result.artifact().threshold());
        metrics.put("fixedThreshold", EvaluationReport.FIXED_THRESHOLD);
        metrics.put("calibration", cfg.calibration().name().toLowerCase(Locale.ROOT));
        // The selection run's validation figures: what picked the epochs and the threshold. With a
        // refit the final model has trained on these pairs, so only "test" judges it.
        ObjectNode validation = result.validation().toJson();
        validation.put("model", result.refit() ? "selection run (the final model was refit on these pairs too)"
                : "final model");
        metrics.set("validation", validation);
        metrics.set("training", trainingJson(result, cfg, data));
        metrics.set("epochs", MetricsJson.epochs(result.history()));
        ObjectNode flagged = metrics.putObject("diagnosis");
        diagnosis.get("findings").forEach(f -> flagged.put(f.get("id").asText(), f.get("severity").asText()));
        progress.accept(result.validation().summary("validation"));

        EvaluationReport testReport = null;
        ScoredPairs testScores = null;
        if (test != null) {
            testScores = PairScoring.score(PairScorers.fastest(result.artifact()), test);
            testReport = EvaluationReport.of(testScores, result.artifact().threshold(), cfg.margin());
            ObjectNode t = testReport.toJson();
            t.put("source", testFile.toString());
            t.put("model", "final model");
            metrics.set("test", t);
            progress.accept(testReport.summary("test"));
            // Without the network: how much of the test score the scaled inputs' own distances already reach.
            ObjectNode baselines = metrics.putObject("baselines");
            for (DistanceBaseline.Norm norm : DistanceBaseline.Norm.values()) {
                EvaluationReport b = DistanceBaseline.evaluate(norm, result.artifact().normalizer(), data, test);
                baselines.set("input" + norm.name() + "Distance", DistanceBaseline.toJson(b));
                progress.accept(b.summary("baseline: " + norm.name() + " distance of the scaled inputs, test"));
            }
        }
        ModelArtifact artifact = result.artifact().toBuilder().trainingMetrics(metrics.deepCopy())
                .provenance(Provenance.ofTraining(trainFile, data.size(), testFile, test == null ? 0 : test.size(), cfg))
                .build();
        // Drift reference: the test file, else the validation split (which a refit has trained on; docs/drift.md).
        artifact = test != null ? DriftReferences.capture(artifact, test, "test file " + testFile.getFileName(), true)
                : DriftReferences.capture(artifact, ValidationSplit.of(data, cfg).validation(), "validation split",
                        !result.refit());
        progress.accept("provenance: " + trainFile.getFileName() + " (sha256 "
                + artifact.provenance().at("/data/training/sha256").asText() + ", " + data.size() + " pairs), code "
                + BuildInfo.current().describe());
        // The signature covers everything above: nothing may change the artifact after this.
        if (signer != null) {
            artifact = signer.sign(artifact);
            progress.accept("signed with key " + signer.keyId());
        }

        Files.createDirectories(outDir);
        artifact.write(outDir.resolve(MODEL_FILE));
        MetricsJson.write(metrics, outDir.resolve(METRICS_FILE));
        Plots.learningCurves(result.history(), "Siamese (" + cfg.head().id() + ") on " + trainFile.getFileName(),
                outDir.resolve(CURVES_FILE));
        ScoredPairs shown = testScores != null ? testScores : result.validationScores();
        Plots.scoreHistogram(shown, artifact.threshold(), "Scores on " + (testScores != null ? "test" : "validation")
                + " pairs", outDir.resolve(HISTOGRAM_FILE));
        progress.accept("wrote " + outDir.resolve(MODEL_FILE) + " (" + Files.size(outDir.resolve(MODEL_FILE))
                + " bytes), " + METRICS_FILE + ", " + CURVES_FILE + ", " + HISTOGRAM_FILE + " in " + outDir);
        return new Outcome(artifact, metrics, result, testReport);
    }

    private static ObjectNode trainingJson(TrainingResult r, TrainingConfig cfg, PairDataset data) {
        ObjectNode t = JsonNodeFactory.instance.objectNode();
        t.put("source", data.source());
        t.put("epochsRun", r.epochsRun());
        t.put("bestEpoch", r.bestEpoch());
        t.put("stoppedEarly", r.stoppedEarly());
        t.put("trainingSeconds", r.trainingSeconds());
        t.put("trainPairs", r.trainPairs());
        t.put("validationPairs", r.validation().pairs());
        t.put("split", cfg.split().id());
        t.put("validationFraction", cfg.validationFraction());
        t.put("validationSharedVectorShare", r.sharedVectorShare());
        t.put("droppedPairs", r.split().droppedPairs());
        if (r.sharedVectorShare() > SiameseTrainer.LEAKAGE_WARN_SHARE) {
            t.put("warning", String.format(Locale.ROOT, "%.1f%% of validation pairs share a vector with training pairs:"
                    + " validation metrics are optimistic", 100 * r.sharedVectorShare()));
        }
        t.put("inputScaling", r.scaling().id());
        t.put("refit", r.refit());
        t.put("finalModelPairs", r.finalPairs());
        t.put("ensemble", r.members().size());
        // The choice and its reason: the default decides by the number of labels (EnsemblePolicy).
        t.set("ensembleChoice", r.ensembleChoice().toJson());
        ArrayNode members = t.putArray("members");
        for (TrainingResult.MemberSummary m : r.members()) {
            members.addObject().put("seed", m.seed()).put("bestEpoch", m.bestEpoch()).put("epochsRun", m.epochsRun())
                    .put("validationAuc", m.validationAuc());
        }
        ObjectNode c = t.putObject("config");
        c.put("head", cfg.head().id());
        cfg.hiddenSizes().forEach(c.putArray("hiddenSizes")::add);
        c.put("dropout", cfg.dropout());
        c.put("l2", cfg.l2());
        c.put("learningRate", cfg.learningRate());
        c.put("optimizer", cfg.optimizer().name().toLowerCase(Locale.ROOT));
        c.put("batchSize", cfg.batchSize());
        c.put("maxEpochs", cfg.maxEpochs());
        c.put("patience", cfg.patience());
        c.put("margin", cfg.margin());
        c.put("seed", cfg.seed());
        c.put("inputScaling", cfg.scaling().id());
        c.put("refit", cfg.refit());
        c.put("ensemble", cfg.ensemble() == EnsemblePolicy.AUTO ? "auto" : Integer.toString(cfg.ensemble()));
        c.put("averageEpochs", cfg.averageEpochs());
        return t;
    }
}
