package io.simstream.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.simstream.model.Normalizer;
import org.junit.jupiter.api.Test;

class StandardizerTest {
    private static PairDataset pairs(float[][] left, float[][] right) {
        return new PairDataset(left, right, new int[left.length], left[0].length, "test");
    }

    @Test
    void fitsOneInputSpaceOverBothSides() {
        // Column 0: left values 0,0 and right values 4,4 -> mean 2 over both sides.
        PairDataset d = pairs(new float[][] {{0, 1}, {0, 3}}, new float[][] {{4, 1}, {4, 3}});
        Normalizer n = Standardizer.fit(d);
        assertEquals(2f, n.mean()[0], 1e-6);
        assertEquals(2f, n.mean()[1], 1e-6);
        float[] a = n.apply(new float[] {4, 3});
        float[] b = n.apply(new float[] {0, 1});
        // Standardized columns are symmetric around 0 with equal spread.
        assertEquals(-a[0], b[0], 1e-6);
        assertEquals(-a[1], b[1], 1e-6);
    }

    @Test
    void constantColumnsNeverProduceNanOrInf() {
        PairDataset d = pairs(new float[][] {{0, 1, 5}, {0, 2, 5}}, new float[][] {{0, 3, 5}, {0, 4, 5}});
        Normalizer n = Standardizer.fit(d);
        for (float[] x : new float[][] {{0, 1, 5}, {1e6f, -3, 0}}) {
            for (float v : n.apply(x)) {
                assertTrue(Float.isFinite(v), "finite: " + v);
            }
        }
        assertEquals(0f, n.apply(new float[] {0, 1, 5})[0]);
        assertEquals(0f, n.apply(new float[] {0, 1, 5})[2]);
    }

    @Test
    void usesOnlyTheDataItIsGiven() {
        PairDataset all = SyntheticPairs.generate(SyntheticPairs.Spec.of(200, 4, 1));
        PairDataset firstHalf = all.slice(0, 100, "first");
        PairDataset shifted = firstHalf.select(new int[] {0}, "x");
        assertTrue(!Standardizer.fit(firstHalf).equals(Standardizer.fit(all)));
        assertTrue(!Standardizer.fit(shifted).equals(Standardizer.fit(firstHalf)));
    }
}
