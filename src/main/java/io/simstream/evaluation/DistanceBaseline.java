package io.simstream.evaluation;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.simstream.data.PairDataset;
import io.simstream.model.Head;
import io.simstream.model.Normalizer;

/**
 * The model without a network: the L1 or L2 distance between the two scaled input vectors, with
 * one threshold fitted on the training file. What the encoder adds is the gap between this and
 * the trained model on the same test file.
 */
public final class DistanceBaseline {
    /** Which distance between the scaled inputs. */
    public enum Norm { L1, L2 }

    private DistanceBaseline() {
    }

    public static EvaluationReport evaluate(Norm norm, Normalizer normalizer, PairDataset fitOn, PairDataset test) {
        float threshold = ThresholdCalibrator.calibrate(distances(norm, normalizer, fitOn), ThresholdCalibrator.Objective.ACCURACY);
        return EvaluationReport.of(distances(norm, normalizer, test), threshold, 1f);
    }

    public static ObjectNode toJson(EvaluationReport r) {
        ObjectNode n = r.toJson();
        n.remove("loss");
        return n;
    }

    static ScoredPairs distances(Norm norm, Normalizer normalizer, PairDataset data) {
        float[] d = new float[data.size()];
        for (int i = 0; i < d.length; i++) {
            float[] a = normalizer.apply(data.left()[i]);
            float[] b = normalizer.apply(data.right()[i]);
            double s = 0;
            for (int j = 0; j < a.length; j++) {
                double diff = a[j] - b[j];
                s += norm == Norm.L1 ? Math.abs(diff) : diff * diff;
            }
            d[i] = (float) (norm == Norm.L1 ? s : Math.sqrt(s));
        }
        return new ScoredPairs(d, data.labels(), Head.CONTRASTIVE);
    }
}
