package io.simstream.training;

import io.simstream.model.DenseLayer;
import io.simstream.model.ModelArtifact;
import io.simstream.model.PairScorer;
import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The reference scorer: DL4J's own output() on a graph holding the artifact's weights. Used to
 * prove the plain-Java kernels compute the same thing and as the benchmark baseline; not for
 * the service (it needs ND4J's native libraries and output() is synchronized).
 */
public final class Dl4jPairScorer implements PairScorer {
    private final ModelArtifact model;
    private final ComputationGraph graph;

    private Dl4jPairScorer(ModelArtifact model, ComputationGraph graph) {
        this.model = model;
        this.graph = graph;
    }

    /** A fresh graph of the artifact's shape with the artifact's weights imported. */
    public static Dl4jPairScorer fromArtifact(ModelArtifact model) {
        if (model.ensembleSize() != 1) {
            throw new IllegalArgumentException("the DL4J reference scores one encoder; pass model.member(i)");
        }
        List<Integer> sizes = model.encoder().stream().map(DenseLayer::out).toList();
        TrainingConfig shape = TrainingConfig.defaults().withHead(model.head()).withHiddenSizes(sizes);
        ComputationGraph graph = SiameseNetwork.build(model.inputDim(), shape);
        SiameseNetwork.importWeights(graph, model.encoder(), model.headLayer());
        return new Dl4jPairScorer(model, graph);
    }

    /** Wraps a trained graph directly (the artifact supplies the normalizer and head). */
    public static Dl4jPairScorer ofTrainedGraph(ModelArtifact model, ComputationGraph graph) {
        return new Dl4jPairScorer(model, graph);
    }

    @Override
    public ModelArtifact model() {
        return model;
    }

    @Override
    public float score(float[] left, float[] right) {
        return scoreBatch(new float[][] {left}, new float[][] {right})[0];
    }

    /** Normalizes in Java, then one output() call for the whole batch. */
    public float[] scoreBatch(float[][] left, float[][] right) {
        return output(normalized(left), normalized(right));
    }

    /** Raw vectors -> a normalized [n, d] matrix, the network's input. */
    public INDArray normalized(float[][] rows) {
        float[][] out = new float[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            out[i] = model.normalizer().apply(rows[i]);
        }
        return Nd4j.create(out);
    }

    /** DL4J's inference forward pass on already-normalized inputs. */
    public float[] output(INDArray left, INDArray right) {
        return graph.output(false, left, right)[0].reshape(left.size(0)).toFloatVector();
    }

    public ComputationGraph graph() {
        return graph;
    }
}
