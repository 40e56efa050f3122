package io.simstream.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.simstream.model.Head;
import org.junit.jupiter.api.Test;

class MetricsTest {
    @Test
    void aucMatchesHandComputedCase() {
        // Positives 0.9, 0.4, 0.6; negatives 0.5, 0.2, 0.4.
        // Pairs (pos > neg): 0.9 beats all 3; 0.6 beats 0.5, 0.2, 0.4 = 3; 0.4 beats 0.2 (1), ties 0.4 (1/2).
        // AUC = (3 + 3 + 1.5) / 9 = 7.5 / 9.
        double[] s = {0.9, 0.5, 0.4, 0.2, 0.6, 0.4};
        int[] y = {1, 0, 1, 0, 1, 0};
        assertEquals(7.5 / 9, RocAuc.of(s, y), 1e-12);
    }

    @Test
    void aucIsOneForPerfectRankingAndZeroForReversed() {
        assertEquals(1.0, RocAuc.of(new double[] {0.1, 0.2, 0.8, 0.9}, new int[] {0, 0, 1, 1}), 1e-12);
        assertEquals(0.0, RocAuc.of(new double[] {0.1, 0.2, 0.8, 0.9}, new int[] {1, 1, 0, 0}), 1e-12);
        assertTrue(Double.isNaN(RocAuc.of(new double[] {0.1, 0.2}, new int[] {1, 1})));
    }

    @Test
    void distanceHeadRanksSmallDistancesAsSame() {
        ScoredPairs s = new ScoredPairs(new float[] {0.1f, 0.2f, 0.9f, 1.3f}, new int[] {1, 1, 0, 0}, Head.CONTRASTIVE);
        assertEquals(1.0, s.auc(), 1e-12);
        assertEquals(1.0, s.confusionAt(0.5f).accuracy(), 1e-12);
    }

    @Test
    void confusionMatrixAndDerivedRates() {
        // probabilities, same when > 0.5: predictions 1,1,0,0,1 vs truth 1,0,1,0,1
        ScoredPairs s = new ScoredPairs(new float[] {0.9f, 0.7f, 0.2f, 0.1f, 0.6f}, new int[] {1, 0, 1, 0, 1}, Head.BCE);
        ConfusionMatrix cm = s.confusionAt(0.5f);
        assertEquals(new ConfusionMatrix(2, 1, 1, 1), cm);
        assertEquals(3.0 / 5, cm.accuracy(), 1e-12);
        assertEquals(2.0 / 3, cm.precision(), 1e-12);
        assertEquals(2.0 / 3, cm.recall(), 1e-12);
        assertEquals(2.0 / 3, cm.f1(), 1e-12);
        assertEquals(0.0, new ConfusionMatrix(0, 0, 3, 2).precision());
    }

    @Test
    void calibrationSeparatesSeparableScores() {
        // Distances: same pairs 0.1..0.3, different pairs 0.7..0.9. Any threshold in (0.3, 0.7)
        // is perfect; the calibrated one must be one of them, and central.
        float[] d = {0.1f, 0.2f, 0.3f, 0.7f, 0.8f, 0.9f};
        int[] y = {1, 1, 1, 0, 0, 0};
        ScoredPairs s = new ScoredPairs(d, y, Head.CONTRASTIVE);
        float t = ThresholdCalibrator.calibrate(s, ThresholdCalibrator.Objective.ACCURACY);
        assertTrue(t > 0.3f && t < 0.7f, "threshold " + t);
        assertEquals(1.0, s.confusionAt(t).accuracy(), 1e-12);
    }

    @Test
    void calibrationFindsTheBestAccuracyThreshold() {
        // Probabilities; the best cut is between 0.35 and 0.45 (one error: the 0.3 positive).
        float[] p = new float[200];
        int[] y = new int[200];
        for (int i = 0; i < 100; i++) {
            p[i] = 0.45f + 0.005f * i;   // positives 0.45..0.945
            y[i] = 1;
            p[100 + i] = 0.0035f * i;    // negatives 0..0.35
        }
        ScoredPairs s = new ScoredPairs(p, y, Head.BCE);
        float t = ThresholdCalibrator.calibrate(s, ThresholdCalibrator.Objective.ACCURACY);
        assertEquals(1.0, s.confusionAt(t).accuracy(), 1e-12, "threshold " + t);
        assertTrue(s.confusionAt(0.5f).accuracy() < 1.0, "0.5 is not optimal here");
    }

    @Test
    void f1ObjectiveDiffersFromAccuracyWhenClassesAreImbalanced() {
        // Few positives, overlapping: F1 prefers a looser threshold that catches more positives.
        float[] p = {0.9f, 0.6f, 0.55f, 0.5f, 0.45f, 0.4f, 0.3f, 0.2f, 0.1f, 0.05f};
        int[] y = {1, 0, 1, 0, 1, 0, 0, 0, 0, 0};
        ScoredPairs s = new ScoredPairs(p, y, Head.BCE);
        float tf1 = ThresholdCalibrator.calibrate(s, ThresholdCalibrator.Objective.F1);
        float tacc = ThresholdCalibrator.calibrate(s, ThresholdCalibrator.Objective.ACCURACY);
        assertTrue(s.confusionAt(tf1).f1() >= s.confusionAt(tacc).f1());
        assertTrue(s.confusionAt(tacc).accuracy() >= s.confusionAt(tf1).accuracy());
    }

    @Test
    void lossesMatchTheirFormulas() {
        assertEquals(0.04, PairLoss.of(Head.CONTRASTIVE, 0.2f, 1, 1f), 1e-6);
        assertEquals(0.64, PairLoss.of(Head.CONTRASTIVE, 0.2f, 0, 1f), 1e-6);
        assertEquals(0.0, PairLoss.of(Head.CONTRASTIVE, 1.5f, 0, 1f), 1e-12);
        assertEquals(-Math.log(0.8), PairLoss.of(Head.BCE, 0.8f, 1, 1f), 1e-6);
        assertEquals(-Math.log(0.2), PairLoss.of(Head.BCE, 0.8f, 0, 1f), 1e-6);
    }
}
