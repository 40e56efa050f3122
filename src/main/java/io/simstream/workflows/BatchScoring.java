package io.simstream.workflows;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.simstream.UserInputException;
import io.simstream.data.PairCsvReader;
import io.simstream.data.PairRows;
import io.simstream.evaluation.EvaluationReport;
import io.simstream.evaluation.MetricsJson;
import io.simstream.evaluation.ScoredPairs;
import io.simstream.model.ModelArtifact;
import io.simstream.model.PairScorer;
import io.simstream.model.PairScorers;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The `score` workflow: offline batch scoring of a pair CSV, labeled or not, with the kernel the
 * service serves with ({@link PairScorers#fastest}), so an operator gets the decisions the
 * service would have made. With labels it also writes the metrics `evaluate` reports.
 */
public final class BatchScoring {
    /** Columns of the decisions file; {@code class} is appended when the input had it. */
    public static final String HEADER = "row,score,same,threshold";

    /** What was written. */
    public record Result(int pairs, long same, Path decisions, Path metrics) {
    }

    private BatchScoring() {
    }

    /** The metrics file written beside {@code decisions}: decisions.csv -> decisions-metrics.json. */
    public static Path defaultMetricsFile(Path decisions) {
        String name = decisions.getFileName().toString();
        String stem = name.toLowerCase(Locale.ROOT).endsWith(".csv") ? name.substring(0, name.length() - 4) : name;
        return decisions.resolveSibling(stem + "-metrics.json");
    }

    public static Result run(ModelArtifact model, Path dataFile, Path out, Path metricsFile, Consumer<String> log)
            throws IOException {
        PairRows rows = PairCsvReader.readForScoring(dataFile);
        if (rows.dim() != model.inputDim()) {
            throw new UserInputException(dataFile + ": pairs have dimension " + rows.dim() + " but the model expects "
                    + model.inputDim());
        }
        PairScorer scorer = PairScorers.fastest(model);
        float threshold = model.threshold();
        float[] scores = new float[rows.size()];
        long same = 0;
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            w.write(rows.labeled() ? HEADER + "," + PairCsvReader.LABEL_COLUMN : HEADER);
            w.newLine();
            for (int i = 0; i < scores.length; i++) {
                scores[i] = scorer.score(rows.left()[i], rows.right()[i]);
                boolean isSame = scorer.isSame(scores[i]);
                same += isSame ? 1 : 0;
                w.write(i + "," + scores[i] + "," + (isSame ? 1 : 0) + "," + threshold
                        + (rows.labeled() ? "," + rows.labels()[i] : ""));
                w.newLine();
            }
        }
        log.accept(String.format(Locale.ROOT, "scored %d pairs of %s with %s (%s kernel): %d same, %d different -> %s",
                scores.length, dataFile, model, PairScorers.vectorApiAvailable() ? "Vector API" : "plain-loop",
                same, scores.length - same, out));
        if (!rows.labeled()) {
            return new Result(scores.length, same, out, null);
        }
        ScoredPairs scored = new ScoredPairs(scores, rows.labels(), model.head());
        EvaluationReport report = EvaluationReport.of(scored, threshold, model.margin());
        ObjectNode metrics = JsonNodeFactory.instance.objectNode();
        metrics.put("model", model.toString());
        metrics.put("head", model.head().id());
        metrics.put("threshold", threshold);
        ObjectNode test = report.toJson();
        test.put("source", dataFile.toString());
        metrics.set("test", test);
        Path metricsOut = metricsFile != null ? metricsFile : defaultMetricsFile(out);
        MetricsJson.write(metrics, metricsOut);
        log.accept(report.summary("labels in " + dataFile));
        log.accept("wrote " + metricsOut);
        return new Result(scores.length, same, out, metricsOut);
    }
}
