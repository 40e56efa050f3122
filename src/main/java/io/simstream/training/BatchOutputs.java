package io.simstream.training;

import io.simstream.model.Head;
import java.util.Map;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The network's scores on each mini-batch as the training forward pass computed them (dropout on),
 * so the epoch's training accuracy is the running accuracy over its batches, as Keras reports it,
 * instead of a second forward pass over the whole training part after every epoch.
 *
 * <p>DL4J's training forward pass stops before the output layer (the loss computes it), so the
 * listener reads the vertex that feeds it: the distance itself for the contrastive head; for the
 * BCE head, -|eL - eR|, through the output layer's weights and a sigmoid here (128 multiply-adds
 * a pair, in Java).
 */
final class BatchOutputs extends BaseTrainingListener {
    private final Head head;
    private float[] last;

    BatchOutputs(Head head) {
        this.head = head;
    }

    @Override
    public void onForwardPass(Model model, Map<String, INDArray> activations) {
        // Copied out now: the arrays live in a workspace that the next step reuses.
        if (head == Head.CONTRASTIVE) {
            INDArray d = activations.get(SiameseNetwork.DISTANCE);
            last = d == null ? null : d.reshape(d.length()).toFloatVector();
            return;
        }
        INDArray features = activations.get(SiameseNetwork.BCE_FEATURES);
        if (features == null) {
            last = null;
            return;
        }
        ComputationGraph graph = (ComputationGraph) model;
        float[] w = graph.getLayer(SiameseNetwork.OUT).getParam("W").reshape(-1).toFloatVector();
        float b = graph.getLayer(SiameseNetwork.OUT).getParam("b").getFloat(0);
        float[][] x = features.toFloatMatrix();
        float[] p = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            double z = b;
            for (int j = 0; j < w.length; j++) {
                z += w[j] * x[i][j];
            }
            p[i] = (float) (1 / (1 + Math.exp(-z)));
        }
        last = p;
    }

    /** The last batch's scores, or null when the forward pass did not reach the output. */
    float[] last() {
        return last;
    }
}
