package io.simstream.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Ensembles in one artifact: format, round trip, and the kernels averaging their members. */
class EnsembleArtifactTest {
    private static ModelArtifact ensemble(Head head, int k) {
        ModelArtifact base = ArtifactAndKernelTest.randomModel(24, head, 1);
        List<EncoderMember> members = new java.util.ArrayList<>();
        for (int i = 0; i < k; i++) {
            ModelArtifact m = ArtifactAndKernelTest.randomModel(24, head, 100 + i);
            members.add(new EncoderMember(m.encoder(), m.headLayer()));
        }
        return base.toBuilder().members(members).inputScaling("global").build();
    }

    @Test
    void aSingleEncoderIsStillFormatOneAndAnEnsembleFormatTwo() throws InvalidModelException {
        ModelArtifact single = ArtifactAndKernelTest.randomModel(24, Head.CONTRASTIVE, 1);
        assertEquals(1, single.toBytes()[7], "one encoder: the format older builds read");
        ModelArtifact three = ensemble(Head.CONTRASTIVE, 3);
        byte[] bytes = three.toBytes();
        assertEquals(2, bytes[7]);
        ModelArtifact back = ModelArtifact.fromBytes(bytes);
        assertEquals(3, back.ensembleSize());
        assertEquals(three.members(), back.members());
        assertEquals("global", back.inputScaling());
        assertEquals(three.parameterCount(), back.parameterCount());
    }

    @Test
    void kernelsAverageTheMembersScores() {
        for (Head head : Head.values()) {
            ModelArtifact three = ensemble(head, 3);
            PairScorer fast = PairScorers.fastest(three);
            PairScorer scalar = PairScorers.scalar(three);
            Random r = new Random(3);
            for (int n = 0; n < 200; n++) {
                float[] x = gaussian(r, 24);
                float[] y = gaussian(r, 24);
                float mean = 0;
                for (int i = 0; i < 3; i++) {
                    mean += new ScalarPairScorer(three.member(i)).score(x, y) / 3;
                }
                assertEquals(mean, scalar.score(x, y), 1e-6f * Math.max(1, Math.abs(mean)), head + " scalar");
                assertEquals(mean, fast.score(x, y), 1e-5f * Math.max(1, Math.abs(mean)), head + " fastest");
            }
            assertTrue(three.member(1).ensembleSize() == 1 && three.member(1).encoder().equals(three.members().get(1).encoder()));
        }
    }

    @Test
    void aSingleEncoderKernelRefusesAnEnsemble() {
        ModelArtifact two = ensemble(Head.CONTRASTIVE, 2);
        assertThrows(IllegalArgumentException.class, () -> new ScalarPairScorer(two));
        assertThrows(IllegalArgumentException.class, () -> new VectorPairScorer(two));
    }

    @Test
    void aMemberOfAnotherShapeIsRejectedWithItsIndex() {
        ModelArtifact base = ArtifactAndKernelTest.randomModel(24, Head.CONTRASTIVE, 1);
        ModelArtifact other = ArtifactAndKernelTest.randomModel(16, Head.CONTRASTIVE, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> base.toBuilder()
                .members(List.of(new EncoderMember(base.encoder(), null), new EncoderMember(other.encoder(), null))).build());
        assertTrue(e.getMessage().startsWith("ensemble member 1"), e.getMessage());
    }

    private static float[] gaussian(Random r, int d) {
        float[] x = new float[d];
        for (int i = 0; i < d; i++) {
            x[i] = (float) (0.1 * r.nextGaussian());
        }
        return x;
    }
}
