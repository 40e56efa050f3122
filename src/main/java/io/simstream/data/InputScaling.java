package io.simstream.data;

import java.util.Locale;

/**
 * How raw input vectors are brought to the network's scale. Both fit on the training part only,
 * over the vectors of both sides.
 */
public enum InputScaling {
    /**
     * Centre each column, then divide every column by ONE number so that the mean squared vector
     * norm is 1. Distances keep their geometry: an orthogonal rotation of the input space changes
     * nothing the network can see, and a column that carries ten times the variance of another
     * still does. The default.
     */
    GLOBAL,
    /**
     * Centre each column and divide it by max(its std, the pooled std), then by sqrt(d). Flattens
     * the variance spectrum: right when columns are on unrelated scales (mixed units), wrong for
     * embeddings whose leading directions carry the signal.
     */
    PER_COLUMN;

    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static InputScaling parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        for (InputScaling s : values()) {
            if (s.id().equals(t)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown scaling '" + text + "' (expected global or per-column)");
    }
}
