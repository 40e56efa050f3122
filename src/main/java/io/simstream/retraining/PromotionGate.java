package io.simstream.retraining;

/**
 * Publishes a challenger only when it is useful in itself ({@code minimum} on the holdout) and not
 * worse than the champion by more than {@code tolerance} on that same holdout.
 *
 * <p>Why a floor as well as the comparison: labels that carry no signal (random, or a broken
 * labeling job) make the holdout just as meaningless for the champion, so champion and challenger
 * both score near chance and the comparison alone would wave the challenger through. Without a
 * champion, the floor is the only test.
 */
public record PromotionGate(GateMetric metric, double tolerance, double minimum) {
    public PromotionGate {
        if (tolerance < 0 || Double.isNaN(tolerance)) {
            throw new IllegalArgumentException("tolerance must be >= 0");
        }
        if (Double.isNaN(minimum)) {
            throw new IllegalArgumentException("minimum must be a number");
        }
    }

    public Verdict judge(Double championValue, double challengerValue) {
        if (Double.isNaN(challengerValue)) {
            return new Verdict(false, "challenger " + metric.id() + " is undefined on the holdout");
        }
        if (challengerValue < minimum) {
            return new Verdict(false, String.format("challenger %s %.4f is below the floor %.4f: the labels carry"
                    + " too little signal to trust it", metric.id(), challengerValue, minimum));
        }
        if (championValue == null || Double.isNaN(championValue)) {
            return new Verdict(true, "no champion to compare with");
        }
        double floor = championValue - tolerance;
        boolean pass = challengerValue >= floor;
        String cmp = String.format("challenger %s %.4f vs champion %.4f (tolerance %.4f)",
                metric.id(), challengerValue, championValue, tolerance);
        return new Verdict(pass, pass ? cmp : cmp + ": worse than allowed");
    }

    public record Verdict(boolean publish, String reason) {
    }
}
