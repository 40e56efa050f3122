package io.simstream.model;

import java.util.Locale;

/** The two pair heads on top of the shared encoder, and what their scores mean. */
public enum Head {
    /** Euclidean distance between embeddings, trained with contrastive loss: low score = same. */
    CONTRASTIVE,
    /** |eL - eR| -> Dense(1) -> sigmoid, trained with binary cross-entropy: high score = same. */
    BCE;

    /** The decision rule of this head at a threshold. */
    public boolean isSame(float score, float threshold) {
        return this == CONTRASTIVE ? score < threshold : score > threshold;
    }

    /** A score that ranks pairs so that larger = more alike, whatever the head (for AUC, calibration). */
    public double similarity(double score) {
        return this == CONTRASTIVE ? -score : score;
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Head parse(String text) {
        for (Head h : values()) {
            if (h.id().equalsIgnoreCase(text.trim())) {
                return h;
            }
        }
        throw new IllegalArgumentException("unknown head '" + text + "' (expected contrastive or bce)");
    }
}
