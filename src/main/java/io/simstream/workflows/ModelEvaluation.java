package io.simstream.workflows;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.simstream.UserInputException;
import io.simstream.data.PairCsvReader;
import io.simstream.data.PairDataset;
import io.simstream.evaluation.EvaluationReport;
import io.simstream.evaluation.MetricsJson;
import io.simstream.evaluation.PairScoring;
import io.simstream.evaluation.Plots;
import io.simstream.evaluation.ScoredPairs;
import io.simstream.model.InvalidModelException;
import io.simstream.model.ModelArtifact;
import io.simstream.model.PairScorers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * The `evaluate` workflow: score a labeled file with a saved model (fast kernel, no ND4J) and
 * report the same metrics as training does, at the model's threshold and at 0.5.
 */
public final class ModelEvaluation {
    public static final String METRICS_FILE = "metrics.json";
    public static final String HISTOGRAM_FILE = "score-histogram.png";

    private ModelEvaluation() {
    }

    public static ModelArtifact loadModel(Path modelFile) {
        try {
            return ModelArtifact.read(modelFile);
        } catch (NoSuchFileException e) {
            throw new UserInputException(modelFile + ": model file does not exist");
        } catch (IOException e) {
            throw new UserInputException(modelFile + ": cannot read model (" + e.getMessage() + ")");
        } catch (InvalidModelException e) {
            throw new UserInputException(modelFile + ": not a valid simstream model (" + e.getMessage() + ")");
        }
    }

    /** Scores {@code dataFile}; writes metrics.json and score-histogram.png into {@code outDir} when it is not null. */
    public static ObjectNode run(Path modelFile, Path dataFile, Path outDir, Consumer<String> out) throws IOException {
        ModelArtifact model = loadModel(modelFile);
        PairDataset data = PairCsvReader.read(dataFile);
        ScoredPairs scored = PairScoring.score(PairScorers.fastest(model), data);
        EvaluationReport report = EvaluationReport.of(scored, model.threshold(), model.margin());
        ObjectNode metrics = JsonNodeFactory.instance.objectNode();
        metrics.put("model", model.toString());
        metrics.put("head", model.head().id());
        metrics.put("threshold", model.threshold());
        metrics.put("fixedThreshold", EvaluationReport.FIXED_THRESHOLD);
        ObjectNode test = report.toJson();
        test.put("source", dataFile.toString());
        metrics.set("test", test);
        out.accept(report.summary("evaluation of " + dataFile));
        if (outDir != null) {
            Files.createDirectories(outDir);
            MetricsJson.write(metrics, outDir.resolve(METRICS_FILE));
            Plots.scoreHistogram(scored, model.threshold(), "Scores on " + dataFile.getFileName(),
                    outDir.resolve(HISTOGRAM_FILE));
            out.accept("wrote " + METRICS_FILE + " and " + HISTOGRAM_FILE + " in " + outDir);
        } else {
            out.accept(MetricsJson.toPrettyString(metrics));
        }
        return metrics;
    }
}
