package io.simstream.retraining;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.simstream.lifecycle.Rollout;
import io.simstream.lifecycle.RolloutStage;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RolloutPolicyTest {
    private static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");
    private final RolloutPolicy policy = new RolloutPolicy(new RolloutPolicy.Settings(0.05, 0.1, 100,
            Duration.ofMinutes(10), 20, 50, Duration.ofMinutes(10)));

    private static RolloutPolicy.Position at(RolloutStage stage) {
        return new RolloutPolicy.Position(1, 2, stage, T0);
    }

    /** n labeled pairs: wins for the candidate, losses, the rest both right; servedByCandidate of them served by it. */
    private static Comparison evidence(long n, long wins, long losses, long servedByCandidate) {
        return new Comparison(1, 2, n - wins - losses, wins, losses, 0, servedByCandidate);
    }

    @Test
    void shadowMovesToCanaryOnlyWithEvidenceOfImprovementAndEnoughLabels() {
        RolloutPolicy.Step early = policy.decide(at(RolloutStage.SHADOW), evidence(60, 30, 0, 0), T0.plusSeconds(5));
        assertEquals(RolloutPolicy.Kind.STAY, early.kind(), "better, but fewer labels than shadowMinLabels");
        RolloutPolicy.Step step = policy.decide(at(RolloutStage.SHADOW), evidence(120, 30, 2, 0), T0.plusSeconds(9));
        assertEquals(RolloutPolicy.Kind.PROMOTE, step.kind());
        assertEquals(Rollout.canary(20), step.to());
        assertEquals("30", step.evidence().get("candidate_only"));
        assertEquals("shadow", step.evidence().get("stage"));
        assertTrue(Double.parseDouble(step.evidence().get("llr_better")) >= Math.log(20), step.evidence().toString());
        RolloutPolicy.Step undecided = policy.decide(at(RolloutStage.SHADOW), evidence(500, 10, 10, 0),
                T0.plusSeconds(60));
        assertEquals(RolloutPolicy.Kind.STAY, undecided.kind(), "equal so far: wait");
    }

    @Test
    void canaryGoesFullOnlyAfterEnoughDecisionsOfItsOwn() {
        assertEquals(RolloutPolicy.Kind.STAY, policy.decide(at(RolloutStage.CANARY), evidence(400, 40, 5, 49),
                T0.plusSeconds(30)).kind());
        RolloutPolicy.Step full = policy.decide(at(RolloutStage.CANARY), evidence(400, 40, 5, 50), T0.plusSeconds(31));
        assertEquals(RolloutPolicy.Kind.PROMOTE, full.kind());
        assertEquals(Rollout.FULL, full.to());
    }

    @Test
    void aWorseCandidateIsRolledBackInAnyStage() {
        for (RolloutStage stage : new RolloutStage[] {RolloutStage.SHADOW, RolloutStage.CANARY}) {
            RolloutPolicy.Step step = policy.decide(at(stage), evidence(200, 2, 30, 20), T0.plusSeconds(10));
            assertEquals(RolloutPolicy.Kind.ROLL_BACK, step.kind(), stage.id());
            assertNull(step.to());
            assertTrue(step.reason().contains("worse than v1"), step.reason());
        }
    }

    @Test
    void aStageThatRunsOutOfTimeWithoutEvidenceIsRolledBack() {
        RolloutPolicy.Step step = policy.decide(at(RolloutStage.SHADOW), evidence(5000, 100, 100, 0),
                T0.plus(Duration.ofMinutes(10)));
        assertEquals(RolloutPolicy.Kind.ROLL_BACK, step.kind());
        assertTrue(step.reason().contains("without the evidence"), step.reason());
    }

    @Test
    void evidenceAboutOtherVersionsCountsAsNone() {
        Comparison old = new Comparison(1, 7, 0, 500, 0, 0, 0);
        assertEquals(RolloutPolicy.Kind.STAY, policy.decide(at(RolloutStage.SHADOW), old, T0.plusSeconds(1)).kind());
        assertEquals(RolloutPolicy.Kind.STAY, policy.decide(at(RolloutStage.SHADOW), null, T0.plusSeconds(1)).kind());
    }
}
