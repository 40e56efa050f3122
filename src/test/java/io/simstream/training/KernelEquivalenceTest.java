package io.simstream.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.simstream.data.PairDataset;
import io.simstream.data.SyntheticPairs;
import io.simstream.model.Head;
import io.simstream.model.InvalidModelException;
import io.simstream.model.ModelArtifact;
import io.simstream.model.PairScorer;
import io.simstream.model.PairScorers;
import io.simstream.model.ScalarPairScorer;
import io.simstream.model.VectorPairScorer;
import java.util.List;
import java.util.Random;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The plain-Java kernels compute what DL4J computes, on trained weights, for both heads; and the
 * network really is Siamese (one parameter set, symmetric, x vs x is the most "same").
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KernelEquivalenceTest {
    private static final int PAIRS = 3000;
    private static final float TOLERANCE = 1e-5f;
    private final java.util.Map<Head, TrainingResult> trained = new java.util.EnumMap<>(Head.class);
    private final java.util.Map<Head, ComputationGraph> graphs = new java.util.EnumMap<>(Head.class);

    @BeforeAll
    void trainSmallModels() {
        PairDataset data = SyntheticPairs.generate(SyntheticPairs.Spec.of(400, 24, 5));
        for (Head head : Head.values()) {
            TrainingConfig cfg = TrainingConfig.defaults().withHead(head).withMaxEpochs(4).withHiddenSizes(List.of(40, 36, 20))
                    .withEnsemble(1);
            TrainingResult r = new SiameseTrainer(cfg, line -> { }).train(data);
            trained.put(head, r);
        }
    }

    private static float[][] randomRows(Random r, int n, int d) {
        float[][] rows = new float[n][d];
        for (float[] row : rows) {
            for (int j = 0; j < d; j++) {
                row[j] = (float) (0.08 * r.nextGaussian());
            }
        }
        return rows;
    }

    @ParameterizedTest
    @EnumSource(Head.class)
    void kernelsMatchDl4jOutputOnThousandsOfPairs(Head head) {
        ModelArtifact model = trained.get(head).artifact();
        Dl4jPairScorer dl4j = Dl4jPairScorer.fromArtifact(model);
        Random r = new Random(11);
        float[][] left = randomRows(r, PAIRS, model.inputDim());
        float[][] right = randomRows(r, PAIRS, model.inputDim());
        float[] reference = dl4j.scoreBatch(left, right);
        PairScorer vector = new VectorPairScorer(model);
        PairScorer scalar = new ScalarPairScorer(model);
        float spread = 0;
        for (int i = 0; i < PAIRS; i++) {
            assertEquals(reference[i], vector.score(left[i], right[i]), TOLERANCE, "vector kernel, pair " + i);
            assertEquals(reference[i], scalar.score(left[i], right[i]), TOLERANCE, "scalar kernel, pair " + i);
            spread = Math.max(spread, Math.abs(reference[i] - reference[0]));
        }
        assertTrue(spread > 1e-3, "scores vary across pairs, so the comparison means something");
    }

    @ParameterizedTest
    @EnumSource(Head.class)
    void exportedWeightsReproduceTheTrainedGraph(Head head) throws InvalidModelException {
        // The artifact after a byte round trip scores like the trained network's own output().
        ModelArtifact model = ModelArtifact.fromBytes(trained.get(head).artifact().toBytes());
        PairDataset data = SyntheticPairs.generate(SyntheticPairs.Spec.of(300, 24, 9));
        float[] reference = Dl4jPairScorer.fromArtifact(trained.get(head).artifact()).scoreBatch(data.left(), data.right());
        PairScorer fast = PairScorers.fastest(model);
        for (int i = 0; i < data.size(); i++) {
            assertEquals(reference[i], fast.score(data.left()[i], data.right()[i]), TOLERANCE);
        }
    }

    @ParameterizedTest
    @EnumSource(Head.class)
    void oneParameterSetForBothSides(Head head) {
        ModelArtifact model = trained.get(head).artifact();
        ComputationGraph graph = Dl4jPairScorer.fromArtifact(model).graph();
        // Encoder 24->40->36->20 once (not twice), plus the bce head's Dense(20 -> 1).
        long encoder = 24 * 40 + 40 + 40 * 36 + 36 + 36 * 20 + 20;
        long expected = head == Head.BCE ? encoder + 21 : encoder;
        assertEquals(expected, graph.numParams());
        assertEquals(expected, model.parameterCount());
    }

    @ParameterizedTest
    @EnumSource(Head.class)
    void scoresAreSymmetricAndSelfPairsAreMostSame(Head head) {
        ModelArtifact model = trained.get(head).artifact();
        Random r = new Random(3);
        float[][] a = randomRows(r, 500, model.inputDim());
        float[][] b = randomRows(r, 500, model.inputDim());
        for (PairScorer s : List.of(new VectorPairScorer(model), new ScalarPairScorer(model), Dl4jPairScorer.fromArtifact(model))) {
            for (int i = 0; i < a.length; i++) {
                float ab = s.score(a[i], b[i]);
                assertEquals(ab, s.score(b[i], a[i]), 1e-6f, s.getClass().getSimpleName() + " symmetric");
                float self = s.score(a[i], a[i]);
                assertTrue(head.similarity(self) >= head.similarity(ab),
                        s.getClass().getSimpleName() + ": score(x,x)=" + self + " vs score(x,y)=" + ab);
            }
        }
    }
}
