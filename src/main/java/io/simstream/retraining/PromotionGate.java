package io.simstream.retraining;

/**
 * Publishes a challenger only when it is not worse than the champion by more than
 * {@code tolerance} on the same holdout. Without a champion any valid challenger passes.
 */
public record PromotionGate(GateMetric metric, double tolerance) {
    public PromotionGate {
        if (tolerance < 0 || Double.isNaN(tolerance)) {
            throw new IllegalArgumentException("tolerance must be >= 0");
        }
    }

    public Verdict judge(Double championValue, double challengerValue) {
        if (Double.isNaN(challengerValue)) {
            return new Verdict(false, "challenger " + metric.id() + " is undefined on the holdout");
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
