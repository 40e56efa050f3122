package io.simstream.testkit;

import io.simstream.avro.VectorPair;
import io.simstream.model.DenseLayer;
import io.simstream.model.Head;
import io.simstream.model.ModelArtifact;
import io.simstream.model.Normalizer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Small random models and pairs for tests (no training needed). */
public final class TestModels {
    private TestModels() {
    }

    public static ModelArtifact random(int inputDim, long seed, Head head, float threshold) {
        Random rnd = new Random(seed);
        List<DenseLayer> layers = new ArrayList<>();
        int in = inputDim;
        for (int out : new int[] {16, 8}) {
            layers.add(layer(rnd, in, out));
            in = out;
        }
        return ModelArtifact.builder()
                .head(head)
                .threshold(threshold)
                .normalizer(Normalizer.identity(inputDim))
                .encoder(layers)
                .headLayer(head == Head.BCE ? layer(rnd, in, 1) : null)
                .build();
    }

    public static ModelArtifact random(int inputDim, long seed) {
        return random(inputDim, seed, Head.CONTRASTIVE, 1.0f);
    }

    static DenseLayer layer(Random rnd, int in, int out) {
        float[] w = new float[in * out];
        float scale = (float) Math.sqrt(2.0 / in);
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) rnd.nextGaussian() * scale;
        }
        float[] b = new float[out];
        for (int i = 0; i < out; i++) {
            b[i] = (float) rnd.nextGaussian() * 0.01f;
        }
        return new DenseLayer(in, out, w, b);
    }

    public static List<Float> vector(Random rnd, int dim) {
        List<Float> v = new ArrayList<>(dim);
        for (int i = 0; i < dim; i++) {
            v.add((float) rnd.nextGaussian());
        }
        return v;
    }

    /** A pair whose vectors are fixed by its id (the same id always gives the same pair). */
    public static VectorPair pair(String id, int dim) {
        return pair(id, new Random(id.hashCode()), dim);
    }

    public static VectorPair pair(String id, Random rnd, int dim) {
        return new VectorPair(id, vector(rnd, dim), vector(rnd, dim), Instant.ofEpochMilli(System.currentTimeMillis()), null);
    }
}
