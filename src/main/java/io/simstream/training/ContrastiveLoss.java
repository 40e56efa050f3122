package io.simstream.training;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.ops.transforms.Transforms;

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
        INDArray d = distance(preOutput, activationFn);
        INDArray hinge = hinge(d);
        INDArray perPair = d.mul(d).muli(labels).addi(hinge.muli(hinge).muli(labels.rsub(1.0)));
        if (mask != null) {
            perPair.muli(mask);
        }
        return perPair.sum(1).muli(weight);
    }

    @Override
    public double computeScore(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask, boolean average) {
        // The per-pair losses without the row sum: the column's total is the same number, one op fewer.
        INDArray d = distance(preOutput, activationFn);
        INDArray hinge = hinge(d);
        INDArray perPair = d.mul(d).muli(labels).addi(hinge.muli(hinge).muli(labels.rsub(1.0)));
        if (mask != null) {
            perPair.muli(mask);
        }
        double sum = weight * perPair.sumNumber().doubleValue();
        return average ? sum / preOutput.size(0) : sum;
    }

    @Override
    public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        INDArray d = distance(preOutput, activationFn);
        // dL/dd = 2 w (y d - (1 - y) max(margin - d, 0))
        INDArray dLdd = labels.mul(d).subi(hinge(d).muli(labels.rsub(1.0))).muli(2.0 * weight);
        if (mask != null) {
            dLdd.muli(mask);
        }
        return isIdentity(activationFn) ? dLdd : activationFn.backprop(preOutput.dup(), dLdd).getFirst();
    }

    @Override
    public Pair<Double, INDArray> computeGradientAndScore(INDArray labels, INDArray preOutput, IActivation activationFn,
                                                          INDArray mask, boolean average) {
        return new Pair<>(computeScore(labels, preOutput, activationFn, mask, average),
                computeGradient(labels, preOutput, activationFn, mask));
    }

    /**
     * The distances. The network feeds them through an identity activation, so no copy is made:
     * each op here is a native call whose fixed cost outweighs its arithmetic at batch 32.
     */
    private static INDArray distance(INDArray preOutput, IActivation activationFn) {
        return isIdentity(activationFn) ? preOutput : activationFn.getActivation(preOutput.dup(), true);
    }

    private INDArray hinge(INDArray d) {
        return Transforms.relu(d.rsub(margin), false);
    }

    private static boolean isIdentity(IActivation activationFn) {
        return activationFn instanceof ActivationIdentity;
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
