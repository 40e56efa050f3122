package io.simstream.drift;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.simstream.data.PairDataset;
import io.simstream.data.Standardizer;
import io.simstream.data.SyntheticPairs;
import io.simstream.model.EncoderMember;
import io.simstream.model.ModelArtifact;
import io.simstream.model.PairScorers;
import io.simstream.testkit.TestModels;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The reference: what capture computes, and its trip through the artifact header. */
class DriftReferenceTest {
    private static final int DIM = 16;

    static ModelArtifact model(PairDataset fitOn) {
        return TestModels.random(DIM, 3).toBuilder().normalizer(Standardizer.fit(fitOn)).build();
    }

    @Test
    void captureScoresWithTheServingKernelAndSummarizesTheScaledInputs() {
        PairDataset train = SyntheticPairs.generate(SyntheticPairs.Spec.of(500, DIM, 1));
        PairDataset heldOut = SyntheticPairs.generate(SyntheticPairs.Spec.of(300, DIM, 2));
        ModelArtifact m = model(train);
        DriftReference ref = DriftReferences.of(m, heldOut, "test file t.csv", true);

        assertEquals("test file t.csv", ref.source());
        assertTrue(ref.heldOut());
        assertEquals(300, ref.pairs());
        float[] expected = new float[300];
        var scorer = PairScorers.fastest(m);
        for (int i = 0; i < 300; i++) {
            expected[i] = scorer.score(heldOut.left()[i], heldOut.right()[i]);
        }
        Arrays.sort(expected);
        assertTrue(Arrays.equals(expected, ref.scores()), "every score, ascending");

        // The mean pair vector (left + right) / 2 and the mean energy, computed directly.
        double[] mean = new double[DIM];
        double energy = 0;
        for (int i = 0; i < 300; i++) {
            float[] l = m.normalizer().apply(heldOut.left()[i]);
            float[] r = m.normalizer().apply(heldOut.right()[i]);
            for (int j = 0; j < DIM; j++) {
                mean[j] += (l[j] + r[j]) / 2.0 / 300;
                energy += ((double) l[j] * l[j] + (double) r[j] * r[j]) / 300;
            }
        }
        for (int j = 0; j < DIM; j++) {
            assertEquals(mean[j], ref.inputs().mean()[j], 1e-5);
        }
        assertEquals(energy, ref.inputs().energyMean(), 1e-6 * energy);
        double t = ref.inputs().trace();
        assertTrue(ref.inputs().traceSquared() >= t * t / DIM && ref.inputs().traceSquared() <= t * t);
    }

    @Test
    void moreScoresThanKeptAreThinnedToEvenlySpacedOrderStatistics() {
        float[] many = new float[10_000];
        for (int i = 0; i < many.length; i++) {
            many[i] = many.length - i;
        }
        float[] kept = DriftReferences.orderStatistics(many, 2_000);
        assertEquals(2_000, kept.length);
        for (int i = 1; i < kept.length; i++) {
            assertTrue(kept[i] > kept[i - 1]);
        }
        // Kept value i is the (2i + 1) / 4000 quantile: 3, 8, ..., 9998 of the values 1..10000.
        assertEquals(3f, kept[0]);
        assertEquals(5_003f, kept[1_000]);
        assertEquals(9_998f, kept[1_999]);
    }

    @Test
    void traceOfTheSquaredCovarianceIsEstimatedWithoutThePlugInBias() {
        // Isotropic Gaussian pairs: u = (l + r) / 2 has covariance I/2, so tr S = d/2 and tr S^2 = d/4.
        // The plug-in |S|_F^2 would add about tr(S)^2 / N = (d/2)^2 / N: 20% here.
        int d = 100;
        int n = 500;
        Random rnd = new Random(9);
        float[][] l = new float[n][d];
        float[][] r = new float[n][d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                l[i][j] = (float) rnd.nextGaussian();
                r[i][j] = (float) rnd.nextGaussian();
            }
        }
        var in = DriftReferences.inputs(io.simstream.model.Normalizer.identity(d), new PairDataset(l, r, new int[n], d, "iso"));
        assertEquals(d / 2.0, in.trace(), 0.03 * d / 2);
        assertEquals(d / 4.0, in.traceSquared(), 0.05 * d / 4, "unbiased tr(S^2)");
        assertEquals(2.0 * d, in.energyMean(), 0.02 * 2 * d);
    }

    @Test
    void theReferenceRoundTripsThroughTheArtifactAndSurvivesRenamesAndVersions() throws Exception {
        PairDataset data = SyntheticPairs.generate(SyntheticPairs.Spec.of(3_000, DIM, 4));
        ModelArtifact plain = model(data);
        ModelArtifact withRef = DriftReferences.capture(plain, data, "retrain holdout", true);
        DriftReference ref = DriftReference.of(withRef).orElseThrow();
        assertEquals(DriftReferences.MAX_SCORES, ref.scores().length, "3,000 scores thinned to 2,000");
        assertEquals(3_000, ref.pairs());

        ModelArtifact back = ModelArtifact.fromBytes(withRef.toBytes());
        assertEquals(ref, DriftReference.of(back).orElseThrow(), "identical after toBytes/fromBytes");
        assertEquals(ref, DriftReference.of(back.withVersion(9).withName("other")).orElseThrow(),
                "a publish (new version, name) keeps it");
        assertTrue(Arrays.equals(withRef.toBytes(), back.toBytes()), "the bytes are stable");

        // An ensemble artifact (format 2) carries it too.
        ModelArtifact ensemble = withRef.toBuilder().members(List.of(new EncoderMember(plain.encoder(), null),
                new EncoderMember(TestModels.random(DIM, 4).encoder(), null))).build();
        assertEquals(ref, DriftReference.of(ModelArtifact.fromBytes(ensemble.toBytes())).orElseThrow());
    }

    @Test
    void anArtifactWithoutAReferenceLoadsAsBeforeAndHasNone() throws Exception {
        ModelArtifact plain = TestModels.random(DIM, 5);
        ModelArtifact back = ModelArtifact.fromBytes(plain.toBytes());
        assertNull(back.driftReference());
        assertTrue(DriftReference.of(back).isEmpty());
        assertTrue(DriftDetector.forModel(back, DriftSettings.DEFAULTS).isEmpty(), "no reference, no detector");
        assertFalse(new String(plain.toBytes(), java.nio.charset.StandardCharsets.ISO_8859_1).contains("driftReference"),
                "nothing added to artifacts without one: old readers see the same header");
    }

    @Test
    void tooFewPairsLeaveTheModelWithoutAReference() {
        ModelArtifact m = TestModels.random(DIM, 6);
        PairDataset few = SyntheticPairs.generate(SyntheticPairs.Spec.of(DriftReferences.MIN_PAIRS - 1, DIM, 1));
        assertSame(m, DriftReferences.capture(m, few, "tiny holdout", true));
    }

    @Test
    void aBrokenReferenceIsAnErrorNamingWhatIsWrong() {
        PairDataset data = SyntheticPairs.generate(SyntheticPairs.Spec.of(200, DIM, 4));
        ModelArtifact m = DriftReferences.capture(model(data), data, "x", true);
        ObjectNode json = ((ObjectNode) m.driftReference()).deepCopy();
        json.remove("scores");
        var e = assertThrows(IllegalArgumentException.class, () -> DriftReference.fromJson(json));
        assertTrue(e.getMessage().contains("'scores'"), e.getMessage());

        ObjectNode unsorted = ((ObjectNode) m.driftReference()).deepCopy();
        unsorted.withArray("scores").insert(0, 1e9);
        assertThrows(IllegalArgumentException.class, () -> DriftReference.fromJson(unsorted));

        ModelArtifact otherDim = TestModels.random(DIM + 1, 1).toBuilder().driftReference(m.driftReference()).build();
        var dim = assertThrows(IllegalArgumentException.class, () -> DriftReference.of(otherDim));
        assertTrue(dim.getMessage().contains("dimension"), dim.getMessage());
    }
}
