package io.simstream.evaluation;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Counts of a binary decision against the truth, "positive" = "same". */
public record ConfusionMatrix(long truePositives, long falsePositives, long trueNegatives, long falseNegatives) {
    public long total() {
        return truePositives + falsePositives + trueNegatives + falseNegatives;
    }

    public double accuracy() {
        return ratio(truePositives + trueNegatives, total());
    }

    public double precision() {
        return ratio(truePositives, truePositives + falsePositives);
    }

    public double recall() {
        return ratio(truePositives, truePositives + falseNegatives);
    }

    public double f1() {
        double p = precision();
        double r = recall();
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }

    /** 0 rather than NaN for an empty denominator: no predicted positives means no precision to claim. */
    private static double ratio(long num, long den) {
        return den == 0 ? 0 : (double) num / den;
    }

    /** accuracy, precision, recall, f1 and the four counts. */
    public ObjectNode toJson() {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("accuracy", accuracy());
        n.put("precision", precision());
        n.put("recall", recall());
        n.put("f1", f1());
        n.putObject("confusionMatrix")
                .put("truePositives", truePositives)
                .put("falsePositives", falsePositives)
                .put("trueNegatives", trueNegatives)
                .put("falseNegatives", falseNegatives);
        return n;
    }
}
