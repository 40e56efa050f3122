package io.simstream.scoring;

import io.simstream.avro.DeadLetter;
import io.simstream.avro.PairDecision;

/** What the scoring processor emits for one pair: a decision or a dead letter, never both. */
public record ScoringOutcome(PairDecision decision, DeadLetter deadLetter) {
    public static ScoringOutcome of(PairDecision decision) {
        return new ScoringOutcome(decision, null);
    }

    public static ScoringOutcome of(DeadLetter deadLetter) {
        return new ScoringOutcome(null, deadLetter);
    }

    public boolean isDecision() {
        return decision != null;
    }
}
