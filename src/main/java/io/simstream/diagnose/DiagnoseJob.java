package io.simstream.diagnose;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.simstream.data.PairCsvReader;
import io.simstream.data.PairDataset;
import io.simstream.evaluation.MetricsJson;
import io.simstream.training.TrainingConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/** The `diagnose` workflow (also the first step of `train`): findings as text lines and as diagnosis.json. */
public final class DiagnoseJob {
    public static final String DIAGNOSIS_FILE = "diagnosis.json";

    private DiagnoseJob() {
    }

    public static ObjectNode run(Path dataFile, TrainingConfig cfg, Path outDir, Consumer<String> text)
            throws IOException {
        return run(PairCsvReader.read(dataFile), cfg, outDir, text);
    }

    public static ObjectNode run(PairDataset data, TrainingConfig cfg, Path outDir, Consumer<String> text)
            throws IOException {
        List<Finding> findings = new Diagnosis(data, cfg).run();
        text.accept("diagnosis of " + data.source() + " (" + data.size() + " pairs, " + data.dim() + "-d sides):");
        findings.forEach(f -> text.accept(f.toText()));
        ObjectNode json = Diagnosis.toJson(data, findings);
        if (outDir != null) {
            MetricsJson.write(json, outDir.resolve(DIAGNOSIS_FILE));
        }
        return json;
    }
}
