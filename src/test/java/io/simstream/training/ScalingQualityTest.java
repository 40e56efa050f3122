package io.simstream.training;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.simstream.data.InputScaling;
import io.simstream.data.PairDataset;
import io.simstream.data.SyntheticPairs;
import io.simstream.evaluation.EvaluationReport;
import io.simstream.evaluation.PairScoring;
import io.simstream.model.PairScorers;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The property behind the default scaling, on data made to have it: a steeply falling variance
 * spectrum whose tail columns are mostly noise (generate --spectrum-decay). Per-column
 * standardisation lifts those columns to the variance of the informative ones; global scaling
 * keeps them small. Same pairs, same network, same seed: only the scaling differs.
 */
@Tag("quality")
@Timeout(900)
class ScalingQualityTest {
    private static EvaluationReport run(InputScaling scaling, PairDataset train, PairDataset test) {
        TrainingConfig cfg = TrainingConfig.defaults().withSeed(1).withScaling(scaling).withMaxEpochs(40)
                .withHiddenSizes(List.of(64, 64, 32)).withEnsemble(1);
        TrainingResult r = new SiameseTrainer(cfg, line -> { }).train(train);
        return EvaluationReport.of(PairScoring.score(PairScorers.fastest(r.artifact()), test), r.artifact().threshold(),
                r.artifact().margin());
    }

    @Test
    void globalScalingBeatsPerColumnOnASteepSpectrum() {
        SyntheticPairs.Spec spec = SyntheticPairs.Spec.of(1200, 64, 1).withDifficulty(SyntheticPairs.Difficulty.EASY)
                .withSpectrumDecay(20);
        PairDataset train = SyntheticPairs.generate(spec);
        PairDataset test = SyntheticPairs.generate(new SyntheticPairs.Spec(1200, 64, 2, 0.5,
                SyntheticPairs.Difficulty.EASY, 0, 20));
        EvaluationReport global = run(InputScaling.GLOBAL, train, test);
        EvaluationReport perColumn = run(InputScaling.PER_COLUMN, train, test);
        String both = global.summary("global") + "\n" + perColumn.summary("per-column");
        assertTrue(global.accuracy() >= perColumn.accuracy() + 0.02, both);
        assertTrue(global.auc() >= perColumn.auc() + 0.01, both);
    }
}
