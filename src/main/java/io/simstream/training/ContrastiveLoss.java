package io.simstream.training;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * Contrastive loss on a distance column [batch, 1]: w (y d^2 + (1 - y) max(margin - d, 0)^2), with
 * its analytic gradient (a SameDiffLoss on [batch, 1] fails in backprop in DL4J 1.0.0-M2.1). The
 * weight w is 1 for the contrastive head; the BCE head uses it as an auxiliary term.
 */
public final class ContrastiveLoss implements ILossFunction {
    private final double margin;
    private final double weight;

    public ContrastiveLoss(double margin) {
        this(margin, 1.0);
    }

    public ContrastiveLoss(double margin, double weight) {
        this.margin = margin;
        this.weight = weight;
    }

    @Override
    public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        INDArray d = activationFn.getActivation(preOutput.dup(), true);
        INDArray hinge = Transforms.relu(d.rsub(margin), false);
        INDArray same = labels.mul(d.mul(d));
        INDArray diff = labels.rsub(1.0).muli(hinge.muli(hinge));
        INDArray perPair = same.addi(diff);
        if (mask != null) {
            perPair.muli(mask);
        }
        return perPair.sum(1).muli(weight);
    }

    @Override
    public double computeScore(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask, boolean average) {
        double sum = computeScoreArray(labels, preOutput, activationFn, mask).sumNumber().doubleValue();
        return average ? sum / preOutput.size(0) : sum;
    }

    @Override
    public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        INDArray d = activationFn.getActivation(preOutput.dup(), true);
        // dL/dd = 2 y d - 2 (1 - y) max(margin - d, 0)
        INDArray hinge = Transforms.relu(d.rsub(margin), false);
        INDArray dLdd = labels.mul(d).muli(2.0).subi(labels.rsub(1.0).muli(hinge).muli(2.0)).muli(weight);
        if (mask != null) {
            dLdd.muli(mask);
        }
        return activationFn.backprop(preOutput.dup(), dLdd).getFirst();
    }

    @Override
    public Pair<Double, INDArray> computeGradientAndScore(INDArray labels, INDArray preOutput, IActivation activationFn,
                                                          INDArray mask, boolean average) {
        return new Pair<>(computeScore(labels, preOutput, activationFn, mask, average),
                computeGradient(labels, preOutput, activationFn, mask));
    }

    @Override
    public String name() {
        return "contrastive(margin=" + margin + (weight == 1.0 ? "" : ", weight=" + weight) + ")";
    }

    @Override
    public String toString() {
        return name();
    }
}
