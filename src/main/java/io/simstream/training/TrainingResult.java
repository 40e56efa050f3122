package io.simstream.training;

import io.simstream.data.InputScaling;
import io.simstream.evaluation.EpochRecord;
import io.simstream.evaluation.EvaluationReport;
import io.simstream.evaluation.ScoredPairs;
import io.simstream.model.ModelArtifact;
import java.util.List;

/**
 * What a training run produced: the exported model and how it was chosen.
 *
 * <p>Two phases, kept apart: the SELECTION run trains on the training part with early stopping
 * on validation, which picks each member's epoch count and the threshold (calibrated on the
 * members' averaged validation scores; {@link #validation()} and {@link #validationScores()}
 * are these). When {@link #refit()} is set, the final model was then trained on train +
 * validation for those epoch counts: it has seen the validation pairs, so only a test file can
 * judge it.
 *
 * @param history       the first member's selection epochs (the learning curves)
 * @param members       every member's selection run
 * @param finalPairs    the pairs the exported model was trained on
 * @param ensembleChoice how many members, and why (the user's number or the default's rule)
 */
public record TrainingResult(ModelArtifact artifact, List<EpochRecord> history, int bestEpoch, boolean stoppedEarly,
                             double trainingSeconds, int trainPairs, EvaluationReport validation,
                             ScoredPairs validationScores, SplitReport split, InputScaling scaling, boolean refit,
                             int finalPairs, List<MemberSummary> members, EnsemblePolicy.Choice ensembleChoice) {
    /** One member's seed and the epoch count its selection run chose. */
    public record MemberSummary(long seed, int bestEpoch, int epochsRun, double validationAuc) {
    }

    public TrainingResult {
        history = List.copyOf(history);
        members = List.copyOf(members);
    }

    public int epochsRun() {
        return history.size();
    }

    /** Share of validation pairs with a side identical to a training vector (0 for a disjoint split). */
    public double sharedVectorShare() {
        return split.sharedVectorShare();
    }
}
