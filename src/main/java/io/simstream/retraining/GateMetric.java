package io.simstream.retraining;

import java.util.Locale;

/** What the promotion gate compares champion and challenger on. */
public enum GateMetric {
    AUC, ACCURACY, F1;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static GateMetric parse(String s) {
        return valueOf(s.trim().toUpperCase(Locale.ROOT));
    }
}
