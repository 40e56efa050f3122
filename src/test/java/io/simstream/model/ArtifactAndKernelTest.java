package io.simstream.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Artifact round trip, size, and the two kernels agreeing, on random weights (no ND4J needed). */
class ArtifactAndKernelTest {
    static ModelArtifact randomModel(int dim, Head head, long seed) {
        Random r = new Random(seed);
        List<DenseLayer> layers = new ArrayList<>();
        int in = dim;
        for (int out : new int[] {128, 128, 128}) {
            layers.add(randomLayer(r, in, out));
            in = out;
        }
        float[] mean = new float[dim];
        float[] scale = new float[dim];
        for (int i = 0; i < dim; i++) {
            mean[i] = (float) (0.01 * r.nextGaussian());
            scale[i] = (float) (0.5 + r.nextDouble());
        }
        return ModelArtifact.builder().head(head).threshold(0.4f).normalizer(new Normalizer(mean, scale)).encoder(layers)
                .headLayer(head == Head.BCE ? randomLayer(r, 128, 1) : null).build();
    }

    private static DenseLayer randomLayer(Random r, int in, int out) {
        float[] w = new float[in * out];
        float[] b = new float[out];
        double limit = Math.sqrt(6.0 / (in + out));
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (limit * (2 * r.nextDouble() - 1));
        }
        for (int i = 0; i < out; i++) {
            b[i] = (float) (0.05 * r.nextGaussian());
        }
        return new DenseLayer(in, out, w, b);
    }

    @Test
    void roundTripGivesTheSameModelAndScores() throws InvalidModelException {
        for (Head head : Head.values()) {
            ModelArtifact m = randomModel(200, head, 1);
            byte[] bytes = m.toBytes();
            ModelArtifact back = ModelArtifact.fromBytes(bytes);
            assertEquals(m.head(), back.head());
            assertEquals(m.threshold(), back.threshold());
            assertEquals(m.normalizer(), back.normalizer());
            assertEquals(m.encoder(), back.encoder());
            assertArrayEquals(bytes, back.toBytes());
            assertEquals(ModelArtifact.sha256Hex(bytes), ModelArtifact.sha256Hex(back.toBytes()));
            Random r = new Random(2);
            PairScorer a = PairScorers.fastest(m);
            PairScorer b = PairScorers.fastest(back);
            for (int i = 0; i < 200; i++) {
                float[] x = gaussian(r, 200);
                float[] y = gaussian(r, 200);
                assertEquals(a.score(x, y), b.score(x, y));
            }
        }
    }

    @Test
    void defaultSizeArtifactIsUnderOneMegabyte() {
        assertTrue(randomModel(200, Head.BCE, 3).toBytes().length < 1_000_000);
    }

    @Test
    void corruptedArtifactIsRejected() {
        byte[] bytes = randomModel(16, Head.CONTRASTIVE, 4).toBytes();
        bytes[bytes.length / 2] ^= 1;
        assertThrows(InvalidModelException.class, () -> ModelArtifact.fromBytes(bytes));
    }

    @Test
    void vectorKernelMatchesScalarKernelIncludingOddSizes() {
        assertTrue(PairScorers.vectorApiAvailable(), "tests run with --add-modules jdk.incubator.vector");
        for (Head head : Head.values()) {
            for (int dim : new int[] {64, 200, 13}) {
                ModelArtifact m = randomModel(dim, head, dim);
                PairScorer v = new VectorPairScorer(m);
                PairScorer s = new ScalarPairScorer(m);
                Random r = new Random(dim);
                for (int i = 0; i < 1000; i++) {
                    float[] x = gaussian(r, dim);
                    float[] y = gaussian(r, dim);
                    float expected = s.score(x, y);
                    assertEquals(expected, v.score(x, y), 1e-5f * Math.max(1f, Math.abs(expected)));
                }
            }
        }
    }

    @Test
    void fastestIsTheVectorKernelWhenTheModuleIsPresent() {
        assertTrue(PairScorers.fastest(randomModel(8, Head.CONTRASTIVE, 5)) instanceof VectorPairScorer);
        assertTrue(PairScorers.scalar(randomModel(8, Head.CONTRASTIVE, 5)) instanceof ScalarPairScorer);
    }

    private static float[] gaussian(Random r, int d) {
        float[] x = new float[d];
        for (int i = 0; i < d; i++) {
            x[i] = (float) (0.1 * r.nextGaussian());
        }
        return x;
    }
}
