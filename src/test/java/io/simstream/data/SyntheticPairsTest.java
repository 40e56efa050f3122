package io.simstream.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.simstream.data.SyntheticPairs.Difficulty;
import io.simstream.data.SyntheticPairs.Spec;
import org.junit.jupiter.api.Test;

class SyntheticPairsTest {
    @Test
    void sameSpecGivesSameRowsAndRequestedShape() {
        Spec spec = new Spec(300, 200, 5, 0.3, Difficulty.HARD, 0);
        PairDataset a = SyntheticPairs.generate(spec);
        PairDataset b = SyntheticPairs.generate(spec);
        assertEquals(300, a.size());
        assertEquals(200, a.dim());
        assertArrayEquals(a.labels(), b.labels());
        assertArrayEquals(a.left()[17], b.left()[17]);
        double rate = a.positives() / 300.0;
        assertTrue(rate > 0.2 && rate < 0.4, "positive rate " + rate);
    }

    @Test
    void sameClassPairsAreCloserThanDifferentOnes() {
        // The structure the network must learn, visible even in raw Euclidean distance on easy data.
        PairDataset d = SyntheticPairs.generate(new Spec(400, 64, 1, 0.5, Difficulty.EASY, 0));
        double same = 0;
        double diff = 0;
        for (int i = 0; i < d.size(); i++) {
            double s = 0;
            for (int j = 0; j < d.dim(); j++) {
                double t = d.left()[i][j] - d.right()[i][j];
                s += t * t;
            }
            if (d.labels()[i] == 1) {
                same += Math.sqrt(s) / d.positives();
            } else {
                diff += Math.sqrt(s) / (d.size() - d.positives());
            }
        }
        assertTrue(same < 0.8 * diff, "mean distance same " + same + " vs different " + diff);
    }

    @Test
    void labelNoiseFlipsAboutItsShareOfLabelsAndLeavesTheVectors() {
        Spec clean = Spec.of(4000, 16, 3);
        PairDataset a = SyntheticPairs.generate(clean);
        PairDataset noisy = SyntheticPairs.generate(clean.withLabelNoise(0.1));
        int flipped = 0;
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(a.left()[i], noisy.left()[i]);
            assertArrayEquals(a.right()[i], noisy.right()[i]);
            flipped += a.labels()[i] != noisy.labels()[i] ? 1 : 0;
        }
        double share = flipped / 4000.0;
        assertTrue(share > 0.08 && share < 0.12, "flipped share " + share);
        assertArrayEquals(noisy.labels(), SyntheticPairs.generate(clean.withLabelNoise(0.1)).labels(), "repeatable");
        assertThrows(IllegalArgumentException.class, () -> clean.withLabelNoise(0.6));
    }

    @Test
    void shiftMovesTheDistribution() {
        PairDataset a = SyntheticPairs.generate(Spec.of(500, 32, 1));
        PairDataset b = SyntheticPairs.generate(Spec.of(500, 32, 1).withShift(1));
        float[] muA = Standardizer.fit(a).mean();
        float[] muB = Standardizer.fit(b).mean();
        double gap = 0;
        for (int j = 0; j < muA.length; j++) {
            gap += Math.abs(muA[j] - muB[j]);
        }
        assertTrue(gap / muA.length > 0.01, "per-feature means move by " + gap / muA.length);
    }

    @Test
    void rejectsBadSpecs() {
        assertThrows(IllegalArgumentException.class, () -> new Spec(0, 10, 1, 0.5, Difficulty.EASY, 0));
        assertThrows(IllegalArgumentException.class, () -> new Spec(10, 10, 1, 1.5, Difficulty.EASY, 0));
        assertThrows(IllegalArgumentException.class, () -> new Spec(10, 10, 1, 0.5, Difficulty.EASY, 2));
        assertThrows(IllegalArgumentException.class, () -> Difficulty.parse("extreme"));
    }
}
