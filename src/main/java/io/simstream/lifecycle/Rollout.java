package io.simstream.lifecycle;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** The traffic a published version takes: all of it, a shadow of it, or a canary's share of the keys. */
public record Rollout(RolloutStage stage, double canaryPercent) {
    public static final Rollout FULL = new Rollout(RolloutStage.FULL, 0);
    public static final Rollout SHADOW = new Rollout(RolloutStage.SHADOW, 0);

    public Rollout {
        if (stage == null) {
            throw new IllegalArgumentException("a rollout needs a stage");
        }
        if (stage != RolloutStage.CANARY) {
            canaryPercent = 0;
        } else if (!(canaryPercent > 0 && canaryPercent <= 100)) {
            throw new IllegalArgumentException("a canary serves more than 0% and at most 100% of the keys, not "
                    + canaryPercent + "%");
        }
    }

    public static Rollout canary(double percent) {
        return new Rollout(RolloutStage.CANARY, percent);
    }

    public boolean isCandidate() {
        return stage != RolloutStage.FULL;
    }

    @Override
    public String toString() {
        return stage == RolloutStage.CANARY ? "canary " + percent(canaryPercent) : stage.id();
    }

    /** "20%", "12.5%", "0.01%". */
    public static String percent(double p) {
        return BigDecimal.valueOf(p).setScale(2, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString() + "%";
    }
}
