package io.simstream.training;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.simstream.data.PairCsvReader;
import io.simstream.data.PairDataset;
import io.simstream.evaluation.EvaluationReport;
import io.simstream.evaluation.PairScoring;
import io.simstream.model.PairScorers;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The quality bar on real data of the user's shape, with DEFAULT settings and seed 1: digits64
 * and digits64-pca (the same pairs under an orthogonal rotation, with an embedding-like variance
 * spectrum) both reach test accuracy >= 0.98, within 0.01 of each other. The user's own model:
 * 0.975 +- 0.003 on digits64, 0.979 on digits64-pca.
 */
@Tag("quality")
@Timeout(1200)
class RealDataQualityTest {
    static EvaluationReport trainAndTest(String set, TrainingConfig cfg) {
        Path dir = Path.of("data", set);
        PairDataset train = PairCsvReader.read(dir.resolve("train.csv"));
        PairDataset test = PairCsvReader.read(dir.resolve("test.csv"));
        TrainingResult r = new SiameseTrainer(cfg, line -> { }).train(train);
        return EvaluationReport.of(PairScoring.score(PairScorers.fastest(r.artifact()), test), r.artifact().threshold(),
                r.artifact().margin());
    }

    @Test
    void defaultsScoreTheSameOnARotatedInputSpaceAndBeatTheUsersModel() {
        TrainingConfig defaults = TrainingConfig.defaults().withSeed(1);
        EvaluationReport digits = trainAndTest("digits64", defaults);
        EvaluationReport rotated = trainAndTest("digits64-pca", defaults);
        String both = digits.summary("digits64") + "\n" + rotated.summary("digits64-pca");
        assertTrue(digits.accuracy() >= 0.98, both);
        assertTrue(rotated.accuracy() >= 0.98, both);
        assertTrue(Math.abs(digits.accuracy() - rotated.accuracy()) <= 0.01,
                String.format(Locale.ROOT, "rotation changed test accuracy by %.4f%n%s",
                        Math.abs(digits.accuracy() - rotated.accuracy()), both));
        assertTrue(digits.auc() >= 0.995 && rotated.auc() >= 0.995, both);
    }
}
