package io.simstream.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.simstream.data.PairDataset;
import io.simstream.data.SyntheticPairs;
import io.simstream.evaluation.EpochRecord;
import io.simstream.evaluation.PairScoring;
import io.simstream.evaluation.ScoredPairs;
import io.simstream.model.Head;
import io.simstream.model.PairScorers;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SiameseTrainerTest {
    private static final PairDataset TRAIN = SyntheticPairs.generate(SyntheticPairs.Spec.of(600, 32, 1));
    private static final PairDataset TEST = SyntheticPairs.generate(SyntheticPairs.Spec.of(400, 32, 2));

    private static TrainingConfig small(Head head) {
        // One model: these tests are about the training loop, not ensembles (RefitAndEnsembleTest).
        return TrainingConfig.defaults().withHead(head).withMaxEpochs(25).withHiddenSizes(List.of(48, 48, 32))
                .withEnsemble(1);
    }

    @Test
    void sameDataAndSeedGiveTheSameMetrics() {
        TrainingConfig cfg = small(Head.CONTRASTIVE).withMaxEpochs(5);
        TrainingResult a = new SiameseTrainer(cfg, l -> { }).train(TRAIN);
        TrainingResult b = new SiameseTrainer(cfg, l -> { }).train(TRAIN);
        assertEquals(a.validation(), b.validation());
        assertEquals(lossesOf(a.history()), lossesOf(b.history()));
        assertEquals(a.artifact().encoder(), b.artifact().encoder());
        TrainingResult c = new SiameseTrainer(cfg.withSeed(cfg.seed() + 1), l -> { }).train(TRAIN);
        assertNotEquals(lossesOf(a.history()), lossesOf(c.history()), "the seed matters");
    }

    private static List<Double> lossesOf(List<EpochRecord> h) {
        return h.stream().map(EpochRecord::validationLoss).toList();
    }

    @Test
    void bothHeadsLearnTheSyntheticStructure() {
        for (Head head : Head.values()) {
            List<String> progress = new ArrayList<>();
            TrainingResult r = new SiameseTrainer(small(head), progress::add).train(TRAIN);
            ScoredPairs test = PairScoring.score(PairScorers.fastest(r.artifact()), TEST);
            assertTrue(test.auc() > 0.9, head + " test AUC " + test.auc());
            assertTrue(test.confusionAt(r.artifact().threshold()).accuracy() > 0.8, head + " accuracy");
            assertTrue(progress.stream().filter(l -> l.startsWith("epoch")).count() == r.epochsRun(),
                    "one progress line per epoch");
            assertTrue(progress.get(0).startsWith("split row-order:"), "the split and its leakage come first");
            assertTrue(progress.stream().filter(l -> l.startsWith("epoch")).findFirst().orElseThrow().contains("val AUC"));
        }
    }

    @Test
    void earlyStoppingRestoresTheBestEpoch() {
        // Patience 1 with a high learning rate: stops soon after the validation loss turns up.
        TrainingConfig cfg = new TrainingConfig(Head.CONTRASTIVE, List.of(48, 48, 32), 0.1, 0, 5e-3,
                TrainingConfig.Optimizer.ADAM, 32, 40, 1, 1f, 3, 0.5, TrainingConfig.Split.ROW_ORDER,
                io.simstream.evaluation.ThresholdCalibrator.Objective.ACCURACY).withEnsemble(1);
        TrainingResult r = new SiameseTrainer(cfg, l -> { }).train(TRAIN);
        double best = r.history().stream().mapToDouble(EpochRecord::validationLoss).min().orElseThrow();
        assertEquals(best, r.history().get(r.bestEpoch() - 1).validationLoss());
        // The exported model is the best epoch's: its validation loss is the best one, not the last one.
        assertEquals(best, r.validation().loss(), 1e-4);
        if (r.stoppedEarly()) {
            assertEquals(r.bestEpoch() + cfg.patience(), r.epochsRun());
        }
    }

    @Test
    void splitsAndReportsLeakage() {
        TrainingConfig cfg = TrainingConfig.defaults();
        ValidationSplit rows = ValidationSplit.of(TRAIN, cfg);
        assertEquals(300, rows.train().size());
        assertEquals(300, rows.validation().size());
        assertTrue(rows.train().left()[0] == TRAIN.left()[0], "row order: first rows train");
        ValidationSplit random = ValidationSplit.of(TRAIN, cfg.withSplit(TrainingConfig.Split.RANDOM, 0.25));
        assertEquals(150, random.validation().size());
        assertEquals(0.0, rows.sharedVectorShare(), "synthetic vectors never repeat");

        // Reuse training vectors in half the validation pairs: the share is reported.
        PairDataset small = TRAIN.slice(0, 100, "x");
        float[][] left = small.left().clone();
        for (int i = 50; i < 75; i++) {
            left[i] = small.left()[i - 50];
        }
        PairDataset leaky = new PairDataset(left, small.right(), small.labels(), small.dim(), "leaky");
        assertEquals(0.5, ValidationSplit.of(leaky, cfg).sharedVectorShare(), 1e-12);
    }
}
