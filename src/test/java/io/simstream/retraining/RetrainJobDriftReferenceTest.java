package io.simstream.retraining;

import io.simstream.avro.LabeledPair;
import io.simstream.data.PairDataset;
import io.simstream.drift.DriftReference;
import io.simstream.model.ModelArtifact;
import io.simstream.model.PairScorers;
import io.simstream.testkit.TestModels;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A retrained model carries the drift reference of the holdout the gate judged it on, never of its training part. */
class RetrainJobDriftReferenceTest {
    private static final int DIM = 8;

    @Test
    void thePublishedChallengerCarriesItsScoresOnTheHoldout() {
        AtomicReference<ModelArtifact> published = new AtomicReference<>();
        ModelArtifact challenger = TestModels.random(DIM, 2);
        RetrainJob job = new RetrainJob("m", (data, champ) -> challenger, new PromotionGate(GateMetric.AUC, 1.0, 0.0),
                0.25, a -> {
                    published.set(a);
                    return 7;
                }, Clock.systemUTC());
        List<LabeledPair> window = LabeledWindows.synthetic(400, DIM);
        assertEquals("PUBLISHED", job.run(window, TestModels.random(DIM, 1)).getEventType());

        DriftReference ref = DriftReference.of(published.get()).orElseThrow();
        assertEquals("retrain holdout", ref.source());
        assertTrue(ref.heldOut());
        assertEquals(100, ref.pairs(), "the newest 25% of the window");
        PairDataset holdout = LabeledPairs.toDataset(TrainingWindow.split(window, 0.25).holdout(), "holdout");
        float[] expected = new float[holdout.size()];
        var scorer = PairScorers.fastest(challenger);
        for (int i = 0; i < expected.length; i++) {
            expected[i] = scorer.score(holdout.left()[i], holdout.right()[i]);
        }
        Arrays.sort(expected);
        assertArrayEquals(expected, ref.scores(), "the challenger's scores on exactly the holdout pairs");
    }
}
