package io.simstream.retraining;

import java.time.Duration;
import java.time.Instant;

/**
 * Decides when to retrain: every {@code everyLabels} new labels or every {@code everyInterval},
 * whichever comes first, and never with fewer than {@code minLabels} in the window. Not
 * thread-safe: owned by the consuming thread.
 */
public final class RetrainTrigger {
    private final int everyLabels;
    private final Duration everyInterval;
    private final int minLabels;
    private int labelsSinceLastRun;
    private Instant lastRun;

    public RetrainTrigger(int everyLabels, Duration everyInterval, int minLabels, Instant start) {
        if (everyLabels <= 0 || minLabels <= 0 || everyInterval.isNegative() || everyInterval.isZero()) {
            throw new IllegalArgumentException("trigger needs positive label counts and interval");
        }
        this.everyLabels = everyLabels;
        this.everyInterval = everyInterval;
        this.minLabels = minLabels;
        this.lastRun = start;
    }

    public void onLabels(int count) {
        labelsSinceLastRun += count;
    }

    /** Why a run is due now, or null when it is not. */
    public String due(int windowSize, Instant now) {
        if (windowSize < minLabels || labelsSinceLastRun == 0) {
            return null;
        }
        if (labelsSinceLastRun >= everyLabels) {
            return labelsSinceLastRun + " new labels (every " + everyLabels + ")";
        }
        if (!now.isBefore(lastRun.plus(everyInterval))) {
            return "interval " + everyInterval + " elapsed with " + labelsSinceLastRun + " new labels";
        }
        return null;
    }

    public void started(Instant now) {
        labelsSinceLastRun = 0;
        lastRun = now;
    }

    public int labelsSinceLastRun() {
        return labelsSinceLastRun;
    }
}
