package io.simstream.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.simstream.data.PairDataset;
import io.simstream.data.SyntheticPairs;
import io.simstream.model.Head;
import io.simstream.model.ModelArtifact;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The refit on all labelled pairs and seed ensembles: what they train on, and that a seed repeats them. */
class RefitAndEnsembleTest {
    private static final PairDataset TRAIN = SyntheticPairs.generate(SyntheticPairs.Spec.of(400, 24, 11));

    private static TrainingConfig small() {
        return TrainingConfig.defaults().withMaxEpochs(8).withHiddenSizes(List.of(32, 32, 16)).withSeed(5).withEnsemble(1);
    }

    @Test
    void refitAndEnsembleAreRepeatableWithASeed() {
        TrainingConfig cfg = small().withEnsemble(2).withRefit(true);
        ModelArtifact a = new SiameseTrainer(cfg, l -> { }).train(TRAIN).artifact();
        ModelArtifact b = new SiameseTrainer(cfg, l -> { }).train(TRAIN).artifact();
        assertEquals(2, a.ensembleSize());
        assertEquals(a.members(), b.members(), "same data + seed = same weights");
        assertEquals(a.threshold(), b.threshold());
        assertEquals(a.normalizer(), b.normalizer());
        ModelArtifact c = new SiameseTrainer(cfg.withSeed(6), l -> { }).train(TRAIN).artifact();
        assertNotEquals(a.members(), c.members(), "the seed matters");
        assertNotEquals(a.members().get(0), a.members().get(1), "members start from different seeds");
    }

    @Test
    void theRefitTrainsOnEveryLabelledPairForTheChosenEpochs() {
        TrainingResult refit = new SiameseTrainer(small().withRefit(true), l -> { }).train(TRAIN);
        TrainingResult selection = new SiameseTrainer(small().withRefit(false), l -> { }).train(TRAIN);
        assertEquals(TRAIN.size(), refit.finalPairs());
        assertEquals(TRAIN.size() / 2, selection.finalPairs(), "the user's 50/50 split: half the labels");
        // Same selection run, so the same epoch count and threshold; different final weights.
        assertEquals(selection.bestEpoch(), refit.bestEpoch());
        assertEquals(selection.artifact().threshold(), refit.artifact().threshold());
        assertEquals(selection.validation(), refit.validation());
        assertNotEquals(selection.artifact().members(), refit.artifact().members());
        // The refit fits the normalizer on all pairs too.
        assertNotEquals(selection.artifact().normalizer(), refit.artifact().normalizer());
        assertEquals("global", refit.artifact().inputScaling());
    }

    @Test
    void theDefaultEnsembleFollowsTheNumberOfLabelsRepeatablyAndSaysWhy() {
        TrainingConfig auto = small().withEnsemble(EnsemblePolicy.AUTO);
        TrainingResult few = new SiameseTrainer(auto, l -> { }).train(TRAIN);
        assertEquals(EnsemblePolicy.FEW_LABELS_MEMBERS, few.artifact().ensembleSize(), "400 labelled pairs are few");
        assertTrue(few.ensembleChoice().automatic());
        assertTrue(few.ensembleChoice().reason().contains("400 labelled pairs"), few.ensembleChoice().reason());
        assertEquals(few.artifact().members(), new SiameseTrainer(auto, l -> { }).train(TRAIN).artifact().members(),
                "same data + seed = same members");
        assertEquals(1, EnsemblePolicy.choose(EnsemblePolicy.AUTO, EnsemblePolicy.FEW_LABELS + 1).members());
        assertEquals(EnsemblePolicy.FEW_LABELS_MEMBERS,
                EnsemblePolicy.choose(EnsemblePolicy.AUTO, EnsemblePolicy.FEW_LABELS).members());
        EnsemblePolicy.Choice explicit = EnsemblePolicy.choose(5, 100);
        assertEquals(5, explicit.members());
        assertFalse(explicit.automatic(), "the user's K wins");
    }

    @Test
    void weightAveragingIsRepeatableWithASeedAndChangesTheModel() {
        TrainingConfig averaged = small().withAverageEpochs(3);
        TrainingResult a = new SiameseTrainer(averaged, l -> { }).train(TRAIN);
        TrainingResult b = new SiameseTrainer(averaged, l -> { }).train(TRAIN);
        assertEquals(a.artifact().members(), b.artifact().members(), "same data + seed = same weights");
        assertEquals(a.artifact().threshold(), b.artifact().threshold());
        TrainingResult last = new SiameseTrainer(small(), l -> { }).train(TRAIN);
        // The same runs (the average changes no step of training), read out differently.
        assertEquals(last.bestEpoch(), a.bestEpoch());
        assertNotEquals(last.artifact().members(), a.artifact().members(), "the mean of the last 3 epochs' weights");
        assertNotEquals(last.validation(), a.validation(), "the threshold's scores come from the averaged weights too");
    }

    @Test
    void theBceHeadRefitsAndEnsemblesToo() {
        TrainingResult r = new SiameseTrainer(small().withHead(Head.BCE).withEnsemble(2), l -> { }).train(TRAIN);
        assertEquals(2, r.artifact().ensembleSize());
        r.artifact().members().forEach(m -> assertEquals(1, m.headLayer().out()));
        assertEquals(2, r.members().size());
    }

    @Test
    void theRetrainerTakesTheSamePathRefitIncluded() {
        TrainingConfig cfg = small().withSplit(TrainingConfig.Split.ROW_ORDER, 0.2);
        ModelArtifact challenger = new Dl4jChallengerTrainer(cfg, false).train(TRAIN, null);
        TrainingResult direct = new SiameseTrainer(cfg, l -> { }).train(TRAIN);
        assertEquals(TRAIN.size(), direct.finalPairs());
        assertEquals(direct.artifact().members(), challenger.members());
        assertEquals(direct.artifact().normalizer(), challenger.normalizer());
    }
}
