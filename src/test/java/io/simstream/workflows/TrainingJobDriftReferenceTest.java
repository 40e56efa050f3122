package io.simstream.workflows;

import io.simstream.data.PairCsvWriter;
import io.simstream.data.SyntheticPairs;
import io.simstream.drift.DriftReference;
import io.simstream.model.ModelArtifact;
import io.simstream.training.TrainingConfig;
import io.simstream.workflows.TrainingJob;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * `train` writes a model that carries its drift reference: from the test file when there is one,
 * else from the validation split, marked as not held out when the refit trained on it.
 */
class TrainingJobDriftReferenceTest {
    @TempDir
    Path dir;

    private static TrainingConfig tiny() {
        return TrainingConfig.defaults().withMaxEpochs(2).withHiddenSizes(List.of(8, 8, 4));
    }

    @Test
    void theReferenceComesFromTheTestFileElseTheValidationSplit() throws Exception {
        Path train = dir.resolve("train.csv");
        Path test = dir.resolve("test.csv");
        PairCsvWriter.write(SyntheticPairs.generate(SyntheticPairs.Spec.of(300, 8, 1)), train);
        PairCsvWriter.write(SyntheticPairs.generate(SyntheticPairs.Spec.of(120, 8, 2)), test);

        TrainingJob.run(train, test, dir.resolve("with-test"), tiny(), line -> { });
        DriftReference fromTest = DriftReference.of(ModelArtifact.read(dir.resolve("with-test").resolve(
                TrainingJob.MODEL_FILE))).orElseThrow();
        assertEquals("test file test.csv", fromTest.source());
        assertTrue(fromTest.heldOut());
        assertEquals(120, fromTest.pairs());

        TrainingJob.run(train, null, dir.resolve("refit"), tiny(), line -> { });
        DriftReference refit = DriftReference.of(ModelArtifact.read(dir.resolve("refit").resolve(
                TrainingJob.MODEL_FILE))).orElseThrow();
        assertEquals("validation split", refit.source());
        assertFalse(refit.heldOut(), "the refit trained on the validation pairs too");
        assertEquals(150, refit.pairs(), "the default validation half of 300 rows");

        TrainingJob.run(train, null, dir.resolve("no-refit"), tiny().withRefit(false), line -> { });
        DriftReference held = DriftReference.of(ModelArtifact.read(dir.resolve("no-refit").resolve(
                TrainingJob.MODEL_FILE))).orElseThrow();
        assertTrue(held.heldOut(), "without a refit the validation split was never trained on");
    }
}
