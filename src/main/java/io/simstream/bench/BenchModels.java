package io.simstream.bench;

import io.simstream.model.DenseLayer;
import io.simstream.model.EncoderMember;
import io.simstream.model.Head;
import io.simstream.model.ModelArtifact;
import io.simstream.model.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * Untrained models of the production shape (He-initialised dense layers): the kernel costs the
 * same whatever the weights, and the benchmark must not depend on training code.
 */
public final class BenchModels {
    private BenchModels() {
    }

    public static ModelArtifact random(int inputDim, int[] widths, long seed) {
        Random rnd = new Random(seed);
        List<DenseLayer> layers = new ArrayList<>();
        int in = inputDim;
        for (int out : widths) {
            float[] w = new float[in * out];
            float scale = (float) Math.sqrt(2.0 / in);
            for (int i = 0; i < w.length; i++) {
                w[i] = (float) rnd.nextGaussian() * scale;
            }
            layers.add(new DenseLayer(in, out, w, new float[out]));
            in = out;
        }
        return ModelArtifact.builder().head(Head.CONTRASTIVE).threshold(1f)
                .normalizer(Normalizer.identity(inputDim)).encoder(layers).build();
    }

    /**
     * An untrained wide ensemble of about targetBytes serialized: members of ~10 MB each
     * (inputDim -> h -> h -> 64, h chosen for the size), the shape of a large model whose record
     * does not fit a Kafka message. Weights are uniform in +-sqrt(6/in) (He-like), quick to draw.
     */
    public static ModelArtifact wideEnsemble(int inputDim, long targetBytes, long seed) {
        int members = (int) Math.max(1, Math.round(targetBytes / 10e6));
        double perMember = targetBytes / 4.0 / members;
        // h^2 + (inputDim + 64 + 2) h + 64 = perMember floats
        double b = inputDim + 66;
        int h = (int) Math.max(8, Math.round((-b + Math.sqrt(b * b + 4 * Math.max(0, perMember - 64))) / 2));
        SplittableRandom rnd = new SplittableRandom(seed);
        List<EncoderMember> all = new ArrayList<>();
        for (int m = 0; m < members; m++) {
            all.add(new EncoderMember(List.of(uniform(rnd, inputDim, h), uniform(rnd, h, h), uniform(rnd, h, 64)), null));
        }
        return ModelArtifact.builder().head(Head.CONTRASTIVE).threshold(1f)
                .normalizer(Normalizer.identity(inputDim)).members(all).build();
    }

    private static DenseLayer uniform(SplittableRandom rnd, int in, int out) {
        float[] w = new float[in * out];
        double bound = Math.sqrt(6.0 / in);
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) ((rnd.nextDouble() * 2 - 1) * bound);
        }
        return new DenseLayer(in, out, w, new float[out]);
    }

    /** An ensemble of k such encoders (seeds seed, seed + 1, ...) in one artifact; k = 1 is {@link #random}. */
    public static ModelArtifact ensemble(int inputDim, int[] widths, long seed, int k) {
        ModelArtifact first = random(inputDim, widths, seed);
        if (k == 1) {
            return first;
        }
        List<EncoderMember> members = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            members.add(new EncoderMember(random(inputDim, widths, seed + i).encoder(), null));
        }
        return first.toBuilder().members(members).build();
    }

    /** Bytes of float arrays a loaded model keeps on the heap (weights, biases, normalizer). */
    public static long weightBytes(ModelArtifact m) {
        return 4L * (m.parameterCount() + 2L * m.inputDim());
    }
}
