package io.simstream.retraining;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PromotionGateTest {
    private final PromotionGate gate = new PromotionGate(GateMetric.AUC, 0.01, 0.6);

    @Test
    void passesABetterOrSlightlyWorseChallenger() {
        assertTrue(gate.judge(0.90, 0.95).publish());
        assertTrue(gate.judge(0.90, 0.895).publish(), "within tolerance");
    }

    @Test
    void rejectsAChallengerWorseThanTheTolerance() {
        PromotionGate.Verdict v = gate.judge(0.90, 0.85);
        assertFalse(v.publish());
        assertTrue(v.reason().contains("0.8500") && v.reason().contains("0.9000"), v.reason());
    }

    @Test
    void withoutAChampionAnyChallengerAboveTheFloorPasses() {
        assertTrue(gate.judge(null, 0.61).publish());
        assertFalse(gate.judge(null, Double.NaN).publish(), "an undefined metric never passes");
    }

    @Test
    void aChallengerNearChanceIsRejectedEvenWhenTheChampionLooksAsBadOnTheSameLabels() {
        PromotionGate.Verdict v = gate.judge(0.50, 0.52);
        assertFalse(v.publish(), "random labels make both look like chance: " + v.reason());
        assertTrue(v.reason().contains("floor"), v.reason());
    }
}
