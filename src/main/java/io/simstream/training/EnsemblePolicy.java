package io.simstream.training;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;

/**
 * How many seed-ensemble members a run trains when the user did not say (--ensemble auto, the
 * default): an ensemble where labels are few, one model where they are many. Chosen from the
 * measured table in docs/training.md ("Quality against cost"): averaging members pays where a
 * single model's variance is large, which is small data, and there training is cheap; with many
 * labels a single model's variance is small and each member costs a full run.
 */
public final class EnsemblePolicy {
    /** TrainingConfig.ensemble() value that asks for this policy. */
    public static final int AUTO = 0;
    /** At most this many labelled pairs count as few. */
    public static final int FEW_LABELS = 2_500;
    /** Members when labels are few. */
    public static final int FEW_LABELS_MEMBERS = 3;

    /** The decision, with the rule and the reason metrics.json records. */
    public record Choice(int members, boolean automatic, String rule, String reason) {
        public ObjectNode toJson() {
            return JsonNodeFactory.instance.objectNode().put("members", members).put("automatic", automatic)
                    .put("rule", rule).put("reason", reason);
        }
    }

    private EnsemblePolicy() {
    }

    /**
     * @param configured    the configured ensemble size, or {@link #AUTO}
     * @param labelledPairs every labelled pair of the training file (what the refit trains on)
     */
    public static Choice choose(int configured, int labelledPairs) {
        String rule = String.format(Locale.ROOT, "auto: %d members up to %,d labelled pairs, 1 above",
                FEW_LABELS_MEMBERS, FEW_LABELS);
        if (configured != AUTO) {
            return new Choice(configured, false, "--ensemble " + configured, "set by the user");
        }
        if (labelledPairs <= FEW_LABELS) {
            return new Choice(FEW_LABELS_MEMBERS, true, rule, String.format(Locale.ROOT, "%,d labelled pairs are few:"
                    + " on small sets of this size the ensemble of %d beat a single model by more than seed noise, at"
                    + " %d times a single run's cost, which is small here (docs/training.md, quality against cost)",
                    labelledPairs, FEW_LABELS_MEMBERS, FEW_LABELS_MEMBERS));
        }
        return new Choice(1, true, rule, String.format(Locale.ROOT, "%,d labelled pairs are many: a single"
                + " model's variance is small, and each extra member would cost a full run (docs/training.md, quality"
                + " against cost)", labelledPairs));
    }
}
