package io.simstream.scoring;

import io.simstream.avro.DeadLetter;
import io.simstream.avro.PairDecision;

/**
 * What the scoring processor emits for one pair: a decision (and, while a candidate is out, the
 * other model's decision of the same pair for the shadow topic) or a dead letter, never both.
 */
public record ScoringOutcome(PairDecision decision, PairDecision shadow, DeadLetter deadLetter) {
    public static ScoringOutcome of(PairDecision decision) {
        return new ScoringOutcome(decision, null, null);
    }

    public static ScoringOutcome of(PairDecision decision, PairDecision shadow) {
        return new ScoringOutcome(decision, shadow, null);
    }

    public static ScoringOutcome of(DeadLetter deadLetter) {
        return new ScoringOutcome(null, null, deadLetter);
    }

    public boolean isDecision() {
        return decision != null;
    }

    public boolean hasShadow() {
        return shadow != null;
    }
}
