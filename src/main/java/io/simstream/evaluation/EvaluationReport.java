package io.simstream.evaluation;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;

/**
 * A model's quality on one labeled set: AUC, loss, and the decision metrics at the calibrated
 * threshold and at the fixed 0.5 side by side.
 */
public record EvaluationReport(int pairs, int positives, double auc, double loss, float threshold,
                               ConfusionMatrix atThreshold, ConfusionMatrix atFixed) {
    public static final float FIXED_THRESHOLD = 0.5f;

    public static EvaluationReport of(ScoredPairs scored, float threshold, float margin) {
        int positives = 0;
        for (int y : scored.labels()) {
            positives += y;
        }
        return new EvaluationReport(scored.size(), positives, scored.auc(), scored.loss(margin), threshold,
                scored.confusionAt(threshold), scored.confusionAt(FIXED_THRESHOLD));
    }

    public double accuracy() {
        return atThreshold.accuracy();
    }

    /** {"accuracy","auc","precision","recall","f1","confusionMatrix",...,"atFixedThreshold":{...}}. */
    public ObjectNode toJson() {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("pairs", pairs);
        n.put("positives", positives);
        n.put("auc", auc);
        n.put("loss", loss);
        n.put("threshold", threshold);
        n.setAll(atThreshold.toJson());
        n.set("atFixedThreshold", atFixed.toJson().put("threshold", FIXED_THRESHOLD));
        return n;
    }

    /** One line for the console. */
    public String summary(String name) {
        return String.format(Locale.ROOT,
                "%s: %d pairs, accuracy %.4f (threshold %.4f), AUC %.4f, precision %.4f, recall %.4f, F1 %.4f;"
                        + " at 0.5: accuracy %.4f",
                name, pairs, atThreshold.accuracy(), threshold, auc, atThreshold.precision(), atThreshold.recall(),
                atThreshold.f1(), atFixed.accuracy());
    }
}
