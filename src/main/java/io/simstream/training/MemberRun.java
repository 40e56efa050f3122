package io.simstream.training;

import io.simstream.evaluation.EpochRecord;
import io.simstream.evaluation.ScoredPairs;
import io.simstream.model.EncoderMember;
import java.util.List;

/**
 * One encoder's selection run: trained on the training part with early stopping on validation.
 *
 * @param member            the best epoch's weights
 * @param bestEpoch         the epoch count a refit trains for
 * @param learningRates     the learning rate each epoch up to the best ran with (plateau halvings
 *                          included), so a refit replays the same schedule without a validation set
 * @param validationScores  the best epoch's scores on the validation part
 */
record MemberRun(long seed, EncoderMember member, List<EpochRecord> history, int bestEpoch, boolean stoppedEarly,
                 List<Double> learningRates, ScoredPairs validationScores) {
    MemberRun {
        history = List.copyOf(history);
        learningRates = List.copyOf(learningRates);
    }
}
