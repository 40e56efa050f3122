package io.simstream.training;

import io.simstream.model.DenseLayer;
import io.simstream.model.Head;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.constraint.NonNegativeConstraint;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.L2Vertex;
import org.deeplearning4j.nn.conf.graph.ScaleVertex;
import org.deeplearning4j.nn.conf.graph.StackVertex;
import org.deeplearning4j.nn.conf.graph.UnstackVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer.Builder;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.RmsProp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The Siamese network as a DL4J ComputationGraph with ONE encoder: the left and right batches
 * are stacked into one batch, run through the same Dense layers (one parameter set), and
 * unstacked into the two embeddings. Heads:
 * <ul>
 * <li>contrastive: L2 distance vertex -> loss layer with {@link ContrastiveLoss};</li>
 * <li>bce: |eL - eR| (as relu(eL - eR) + relu(eR - eL)) -> Dense(1) -> sigmoid, binary
 * cross-entropy. The Dense(1) weights act on -|eL - eR| and are constrained non-negative, so a
 * larger difference in any embedding coordinate can only lower the "same" probability: score(x, x)
 * is the most "same" score by construction.</li>
 * </ul>
 */
public final class SiameseNetwork {
    static final String LEFT = "left";
    static final String RIGHT = "right";
    static final String OUT = "out";
    /** The BCE head's auxiliary contrastive output (training only; the score is always OUT). */
    static final String AUX = "aux";
    /** The contrastive head's distance vertex (the loss layer's input). */
    static final String DISTANCE = "distance";
    /** The BCE head's -|eL - eR| vertex (the output layer's input). */
    static final String BCE_FEATURES = "negAbsDiff";
    /** Keras' Glorot-uniform initialisation, RMSprop rho and epsilon: the user's optimiser, faithfully. */
    private static final double RMS_DECAY = 0.9;
    private static final double RMS_EPSILON = 1e-7;

    private SiameseNetwork() {
    }

    static String encoderLayer(int i) {
        return "enc" + i;
    }

    /** A fresh, initialised graph for {@code inputDim}-dimensional sides. */
    public static ComputationGraph build(int inputDim, TrainingConfig cfg) {
        NativeRuntime.configure();
        IUpdater updater = cfg.optimizer() == TrainingConfig.Optimizer.ADAM ? new Adam(cfg.learningRate())
                : new RmsProp(cfg.learningRate(), RMS_DECAY, RMS_EPSILON);
        NeuralNetConfiguration.Builder base = new NeuralNetConfiguration.Builder()
                .seed(cfg.seed())
                .dataType(DataType.FLOAT)
                .weightInit(WeightInit.XAVIER_UNIFORM)
                .updater(updater);
        if (cfg.l2() > 0) {
            base.l2(cfg.l2());
        }
        ComputationGraphConfiguration.GraphBuilder g = base.graphBuilder()
                .addInputs(LEFT, RIGHT)
                .setInputTypes(InputType.feedForward(inputDim), InputType.feedForward(inputDim))
                .addVertex("stack", new StackVertex(), LEFT, RIGHT);
        String prev = "stack";
        List<Integer> sizes = cfg.hiddenSizes();
        for (int i = 0; i < sizes.size(); i++) {
            // DL4J's dense layer, by its builder: DenseLayer here names our exported weights.
            Builder dense = new Builder()
                    .nOut(sizes.get(i)).activation(Activation.RELU);
            if (i > 0 && cfg.dropout() > 0) {
                // Keras Dropout(rate) after layer i-1 == DL4J dropOut(keep = 1 - rate) on layer i's input.
                dense.dropOut(1.0 - cfg.dropout());
            }
            g.addLayer(encoderLayer(i), dense.build(), prev);
            prev = encoderLayer(i);
        }
        g.addVertex("eL", new UnstackVertex(0, 2), prev);
        g.addVertex("eR", new UnstackVertex(1, 2), prev);
        if (cfg.head() == Head.CONTRASTIVE) {
            g.addVertex(DISTANCE, new L2Vertex(), "eL", "eR");
            g.addLayer(OUT, new LossLayer.Builder().activation(Activation.IDENTITY)
                    .lossFunction(new ContrastiveLoss(cfg.margin())).build(), DISTANCE);
        } else {
            g.addVertex("diffLR", new ElementWiseVertex(ElementWiseVertex.Op.Subtract), "eL", "eR");
            g.addVertex("diffRL", new ElementWiseVertex(ElementWiseVertex.Op.Subtract), "eR", "eL");
            g.addLayer("posLR", new ActivationLayer.Builder().activation(Activation.RELU).build(), "diffLR");
            g.addLayer("posRL", new ActivationLayer.Builder().activation(Activation.RELU).build(), "diffRL");
            g.addVertex("absDiff", new ElementWiseVertex(ElementWiseVertex.Op.Add), "posLR", "posRL");
            g.addVertex(BCE_FEATURES, new ScaleVertex(-1.0), "absDiff");
            g.addLayer(OUT, new OutputLayer.Builder(LossFunctions.LossFunction.XENT).nOut(1)
                    .activation(Activation.SIGMOID).constrainWeights(new NonNegativeConstraint()).build(), BCE_FEATURES);
            if (cfg.bceAuxWeight() > 0) {
                // The auxiliary contrastive term shapes the embedding space itself (same pairs close,
                // different ones past the margin); BCE alone only needs the training pairs to be
                // separable by a weighted L1, which generalises worse to vectors it has not seen.
                g.addVertex("auxDistance", new L2Vertex(), "eL", "eR");
                g.addLayer(AUX, new LossLayer.Builder().activation(Activation.IDENTITY)
                        .lossFunction(new ContrastiveLoss(cfg.margin(), cfg.bceAuxWeight())).build(), "auxDistance");
                g.setOutputs(OUT, AUX);
                ComputationGraph graph = new ComputationGraph(g.build());
                graph.init();
                return graph;
            }
        }
        g.setOutputs(OUT);
        ComputationGraph graph = new ComputationGraph(g.build());
        graph.init();
        return graph;
    }

    /** The encoder's weights as exported layers (W row-major [in][out], as the kernels read them). */
    public static List<DenseLayer> exportEncoder(ComputationGraph graph, int layers) {
        List<DenseLayer> out = new ArrayList<>();
        for (int i = 0; i < layers; i++) {
            out.add(export(graph, encoderLayer(i), false));
        }
        return out;
    }

    /** The BCE head's layer, with the sign folded in: z = b + sum_i w_i |eL_i - eR_i|. */
    public static DenseLayer exportHead(ComputationGraph graph) {
        return export(graph, OUT, true);
    }

    private static DenseLayer export(ComputationGraph graph, String name, boolean negate) {
        INDArray w = graph.getLayer(name).getParam("W");
        INDArray b = graph.getLayer(name).getParam("b");
        int in = (int) w.size(0);
        int out = (int) w.size(1);
        float[][] rows = w.toFloatMatrix();
        float[] flat = new float[in * out];
        for (int i = 0; i < in; i++) {
            for (int j = 0; j < out; j++) {
                flat[i * out + j] = negate ? -rows[i][j] : rows[i][j];
            }
        }
        return new DenseLayer(in, out, flat, b.toFloatVector());
    }

    /** Loads exported layers into a graph of the same shape (the inverse of the export methods). */
    public static void importWeights(ComputationGraph graph, List<DenseLayer> encoder, DenseLayer head) {
        for (int i = 0; i < encoder.size(); i++) {
            load(graph, encoderLayer(i), encoder.get(i), false);
        }
        if (head != null) {
            load(graph, OUT, head, true);
        }
    }

    private static void load(ComputationGraph graph, String name, DenseLayer layer, boolean negate) {
        float[][] rows = new float[layer.in()][layer.out()];
        for (int i = 0; i < layer.in(); i++) {
            for (int j = 0; j < layer.out(); j++) {
                float v = layer.weight(i, j);
                rows[i][j] = negate ? -v : v;
            }
        }
        graph.getLayer(name).getParam("W").assign(Nd4j.create(rows));
        graph.getLayer(name).getParam("b").assign(Nd4j.create(layer.bias()).reshape(1, layer.out()));
    }
}
