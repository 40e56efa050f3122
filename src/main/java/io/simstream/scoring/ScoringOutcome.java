package io.simstream.scoring;

import io.simstream.avro.DeadLetter;
import io.simstream.avro.ModelEvent;
import io.simstream.avro.PairDecision;
import java.util.List;

/**
 * What the scoring processor emits for one pair: a decision (and, while a candidate is out, the
 * other model's decision of the same pair for the shadow topic) or a dead letter, never both; and
 * the model events the pair raised (a drift alarm closed by it), written in the same transaction.
 */
public record ScoringOutcome(PairDecision decision, PairDecision shadow, DeadLetter deadLetter, List<ModelEvent> events) {
    public ScoringOutcome {
        events = events == null ? List.of() : List.copyOf(events);
    }

    public static ScoringOutcome of(PairDecision decision) {
        return new ScoringOutcome(decision, null, null, List.of());
    }

    public static ScoringOutcome of(PairDecision decision, PairDecision shadow, List<ModelEvent> events) {
        return new ScoringOutcome(decision, shadow, null, events);
    }

    public static ScoringOutcome of(DeadLetter deadLetter) {
        return new ScoringOutcome(null, null, deadLetter, List.of());
    }

    public boolean hasEvents() {
        return !events.isEmpty();
    }

    public boolean isDecision() {
        return decision != null;
    }

    public boolean hasShadow() {
        return shadow != null;
    }
}
