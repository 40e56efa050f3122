package io.simstream.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * `java -jar` cannot add the incubator module: without --add-modules jdk.incubator.vector the
 * factory must hand out the scalar kernel, and it must score the same as the vector kernel here.
 */
class VectorFallbackTest {
    /** Entry point of the child JVM: prints the kernel class and one score. */
    public static final class Probe {
        public static void main(String[] args) {
            ModelArtifact m = ArtifactAndKernelTest.randomModel(64, Head.BCE, 9);
            PairScorer s = PairScorers.fastest(m);
            float[] x = new float[64];
            float[] y = new float[64];
            for (int i = 0; i < 64; i++) {
                x[i] = 0.01f * i;
                y[i] = -0.02f * (i % 7);
            }
            System.out.println(s.getClass().getSimpleName() + " " + s.score(x, y));
        }
    }

    @Test
    void withoutTheModuleTheFactoryFallsBackToTheScalarKernel() throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(List.of(java.toString(), "-cp", System.getProperty("java.class.path"),
                Probe.class.getName())).redirectErrorStream(false).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), err);
        String[] parts = out.split(" ");
        assertEquals("ScalarPairScorer", parts[0], out + err);

        ModelArtifact m = ArtifactAndKernelTest.randomModel(64, Head.BCE, 9);
        float[] x = new float[64];
        float[] y = new float[64];
        for (int i = 0; i < 64; i++) {
            x[i] = 0.01f * i;
            y[i] = -0.02f * (i % 7);
        }
        assertEquals(new VectorPairScorer(m).score(x, y), Float.parseFloat(parts[1]), 1e-5f);
    }
}
