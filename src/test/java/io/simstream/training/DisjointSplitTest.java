package io.simstream.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.simstream.data.PairCsvReader;
import io.simstream.data.PairDataset;
import io.simstream.data.SyntheticPairs;
import io.simstream.training.TrainingConfig.Split;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** `--split disjoint`: no vector on both sides of the boundary, on real data where vectors recur. */
class DisjointSplitTest {
    private static final PairDataset DIGITS = PairCsvReader.read(Path.of("data/digits64/train.csv"));

    @Test
    void aDisjointSplitSharesNoVectorAcrossTheBoundary() {
        TrainingConfig cfg = TrainingConfig.defaults().withSplit(Split.DISJOINT, 0.3);
        ValidationSplit split = ValidationSplit.of(DIGITS, cfg);
        Set<List<Float>> trainVectors = vectors(split.train());
        for (float[] v : split.validation().allVectors()) {
            assertTrue(!trainVectors.contains(boxed(v)), "a validation vector is also a training vector");
        }
        assertEquals(0.0, split.sharedVectorShare());
        SplitReport r = split.report();
        assertEquals(DIGITS.size(), r.trainPairs() + r.validationPairs() + r.droppedPairs(), "every pair accounted for");
        double share = (double) r.validationPairs() / (r.trainPairs() + r.validationPairs());
        assertTrue(share > 0.25 && share < 0.36, "validation is about the asked share of the pairs kept: " + share);
        assertEquals(DIGITS.size(), split.labelled().size(), "a refit still gets every pair");
        // Repeatable with the seed.
        assertEquals(r, ValidationSplit.of(DIGITS, cfg).report());
    }

    @Test
    void theUsersRowSplitLeaksOnTheSameFile() {
        double leak = ValidationSplit.of(DIGITS, TrainingConfig.defaults()).sharedVectorShare();
        assertTrue(leak > 0.9, "digits64's row split: " + leak);
    }

    @Test
    void separateComponentsMoveWholeAndCutNoPair() {
        // Synthetic vectors never repeat: every pair is its own component, so nothing is dropped.
        PairDataset data = SyntheticPairs.generate(SyntheticPairs.Spec.of(200, 8, 3));
        ValidationSplit split = ValidationSplit.of(data, TrainingConfig.defaults().withSplit(Split.DISJOINT, 0.5));
        assertEquals(0, split.report().droppedPairs());
        assertEquals(200, split.train().size() + split.validation().size());
        assertTrue(Math.abs(split.validation().size() - 100) <= 10, "about half: " + split.validation().size());
    }

    private static Set<List<Float>> vectors(PairDataset d) {
        Set<List<Float>> s = new HashSet<>();
        d.allVectors().forEach(v -> s.add(boxed(v)));
        return s;
    }

    private static List<Float> boxed(float[] v) {
        Float[] b = new Float[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = v[i];
        }
        return Arrays.asList(b);
    }
}
