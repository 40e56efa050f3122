package io.simstream.training;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.simstream.data.PairCsvReader;
import io.simstream.data.PairDataset;
import io.simstream.metrics.EvaluationReport;
import io.simstream.metrics.PairScoring;
import io.simstream.model.PairScorers;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The quality bar on the user-format real data set, with DEFAULT settings: test accuracy >= 0.975
 * (the user's own model: 0.975 +- 0.003) and AUC >= 0.995. The data sits beside the clone
 * (../shared/data/digits64); -Dsimstream.digits64=DIR points elsewhere.
 */
class Digits64QualityTest {
    @Test
    void defaultTrainingMeetsTheQualityBar() {
        Path dir = Path.of(System.getProperty("simstream.digits64", "../shared/data/digits64"));
        assumeTrue(Files.isRegularFile(dir.resolve("train.csv")) && Files.isRegularFile(dir.resolve("test.csv")),
                "digits64 not found at " + dir.toAbsolutePath() + " (set -Dsimstream.digits64=DIR): skipped");
        PairDataset train = PairCsvReader.read(dir.resolve("train.csv"));
        PairDataset test = PairCsvReader.read(dir.resolve("test.csv"));
        TrainingResult r = new SiameseTrainer(TrainingConfig.defaults(), line -> { }).train(train);
        EvaluationReport report = EvaluationReport.of(PairScoring.score(PairScorers.fastest(r.artifact()), test),
                r.artifact().threshold(), r.artifact().margin());
        assertTrue(report.accuracy() >= 0.975, report.summary("test"));
        assertTrue(report.auc() >= 0.995, report.summary("test"));
    }
}
