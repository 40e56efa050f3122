package io.simstream.retraining;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.simstream.avro.LabeledPair;
import io.simstream.data.PairDataset;
import io.simstream.deadletter.DeadLetterReason;
import io.simstream.deadletter.PairValidator;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Labeled pairs are checked exactly like pairs before they may enter the training window. */
class LabeledPairsTest {
    private static LabeledPair pair(List<Float> left, List<Float> right, boolean same) {
        return LabeledPair.newBuilder().setId("x").setLeft(left).setRight(right).setSame(same)
                .setLabeledAt(Instant.EPOCH).setSource("test").build();
    }

    @Test
    void eachInvalidShapeHasItsDeadLetterReason() {
        assertNull(LabeledPairs.check(pair(List.of(1f, 2f), List.of(3f, 4f), true), 2));
        PairValidator.Violation dims = LabeledPairs.check(pair(List.of(1f, 2f), List.of(3f), true), 2);
        assertEquals(DeadLetterReason.DIMENSION_MISMATCH, dims.reason());
        assertTrue(dims.message().contains("right"), dims.message());
        assertEquals(DeadLetterReason.DIMENSION_MISMATCH,
                LabeledPairs.check(pair(List.of(1f, 2f), List.of(3f, 4f), true), 3).reason(), "model expects 3");
        assertEquals(DeadLetterReason.NON_FINITE,
                LabeledPairs.check(pair(List.of(1f, Float.NaN), List.of(3f, 4f), true), 2).reason());
        assertEquals(DeadLetterReason.MISSING_SIDE, LabeledPairs.check(pair(List.of(), List.of(3f), true), 1).reason());
    }

    @Test
    void becomeADataSetWithLabelsAsOneAndZero() {
        PairDataset d = LabeledPairs.toDataset(List.of(pair(List.of(1f, 2f), List.of(3f, 4f), true),
                pair(List.of(5f, 6f), List.of(7f, 8f), false)), "window");
        assertEquals(2, d.dim());
        assertArrayEquals(new int[] {1, 0}, d.labels());
        assertArrayEquals(new float[] {7f, 8f}, d.right()[1]);
    }
}
