package io.simstream.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.simstream.data.InputScaling;
import io.simstream.model.Head;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** Each with* copy changes exactly the components it names and is validated like a new config. */
class TrainingConfigTest {
    private static final TrainingConfig BASE = TrainingConfig.defaults();

    @Test
    void eachCopyChangesOnlyItsOwnComponents() throws Exception {
        Map<List<String>, UnaryOperator<TrainingConfig>> copies = Map.ofEntries(
                Map.entry(List.of("head"), c -> c.withHead(Head.BCE)),
                Map.entry(List.of("seed"), c -> c.withSeed(7)),
                Map.entry(List.of("maxEpochs"), c -> c.withMaxEpochs(9)),
                Map.entry(List.of("hiddenSizes"), c -> c.withHiddenSizes(List.of(8, 4))),
                Map.entry(List.of("validationFraction", "split"), c -> c.withSplit(TrainingConfig.Split.DISJOINT, 0.3)),
                Map.entry(List.of("scaling"), c -> c.withScaling(InputScaling.PER_COLUMN)),
                Map.entry(List.of("refit"), c -> c.withRefit(false)),
                Map.entry(List.of("ensemble"), c -> c.withEnsemble(3)),
                Map.entry(List.of("dropout"), c -> c.withDropout(0.25)),
                Map.entry(List.of("patience"), c -> c.withPatience(5)),
                Map.entry(List.of("bceAuxWeight"), c -> c.withBceAuxWeight(0.5)),
                Map.entry(List.of("learningRate"), c -> c.withLearningRate(0.01)),
                Map.entry(List.of("optimizer"), c -> c.withOptimizer(TrainingConfig.Optimizer.ADAM)),
                Map.entry(List.of("averageEpochs"), c -> c.withAverageEpochs(5)));
        for (var copy : copies.entrySet()) {
            assertEquals(copy.getKey(), changed(BASE, copy.getValue().apply(BASE)), "components changed by " + copy.getKey());
        }
    }

    @Test
    void aCopyIsValidatedLikeANewConfig() {
        assertThrows(IllegalArgumentException.class, () -> BASE.withEnsemble(TrainingConfig.MAX_ENSEMBLE + 1));
        assertThrows(IllegalArgumentException.class, () -> BASE.withDropout(1.0));
        assertThrows(IllegalArgumentException.class, () -> BASE.withAverageEpochs(0));
        assertThrows(IllegalArgumentException.class, () -> BASE.withSplit(TrainingConfig.Split.RANDOM, 1.0));
        List<Integer> sizes = new ArrayList<>(List.of(3));
        TrainingConfig copy = BASE.withHiddenSizes(sizes);
        sizes.add(5);
        assertEquals(List.of(3), copy.hiddenSizes(), "the copy keeps its own layer sizes");
        assertThrows(UnsupportedOperationException.class, () -> copy.hiddenSizes().add(1));
    }

    private static List<String> changed(TrainingConfig a, TrainingConfig b) throws Exception {
        List<String> names = new ArrayList<>();
        for (RecordComponent rc : TrainingConfig.class.getRecordComponents()) {
            if (!rc.getAccessor().invoke(a).equals(rc.getAccessor().invoke(b))) {
                names.add(rc.getName());
            }
        }
        return names;
    }
}
