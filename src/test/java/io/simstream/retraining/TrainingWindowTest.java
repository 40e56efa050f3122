package io.simstream.retraining;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.simstream.avro.LabeledPair;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TrainingWindowTest {
    static LabeledPair pair(int i) {
        return LabeledPair.newBuilder().setId("p" + i).setLeft(List.of(1f * i)).setRight(List.of(2f * i))
                .setSame(i % 2 == 0).setLabeledAt(java.time.Instant.ofEpochMilli(i)).setSource("test").build();
    }

    @Test
    void keepsOnlyTheNewestCapacityPairsOldestFirst() {
        TrainingWindow window = new TrainingWindow(5);
        IntStream.range(0, 12).forEach(i -> window.add(pair(i)));
        assertEquals(5, window.size());
        assertEquals(List.of("p7", "p8", "p9", "p10", "p11"),
                window.snapshot().stream().map(LabeledPair::getId).toList());
    }

    @Test
    void holdoutIsTheNewestPartAndNeverOverlapsTraining() {
        TrainingWindow window = new TrainingWindow(100);
        IntStream.range(0, 10).forEach(i -> window.add(pair(i)));
        TrainingWindow.Split split = TrainingWindow.split(window.snapshot(), 0.2);
        assertEquals(List.of("p0", "p1", "p2", "p3", "p4", "p5", "p6", "p7"),
                split.training().stream().map(LabeledPair::getId).toList());
        assertEquals(List.of("p8", "p9"), split.holdout().stream().map(LabeledPair::getId).toList());
    }

    @Test
    void snapshotIsACopy() {
        TrainingWindow window = new TrainingWindow(3);
        window.add(pair(1));
        List<LabeledPair> snap = window.snapshot();
        window.add(pair(2));
        assertEquals(1, snap.size());
        assertThrows(IllegalArgumentException.class, () -> TrainingWindow.split(snap, 1.0));
    }
}
