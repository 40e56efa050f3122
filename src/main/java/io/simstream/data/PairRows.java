package io.simstream.data;

import io.simstream.UserInputException;
import java.util.Objects;

/**
 * Pairs read for scoring: left[i] and right[i] are one pair; labels is null when the file had no
 * {@code class} column (the unlabeled data an operator scores offline).
 */
public record PairRows(float[][] left, float[][] right, int[] labels, int dim, String source) {
    public PairRows {
        Objects.requireNonNull(source, "source");
        if (left.length != right.length || (labels != null && labels.length != left.length)) {
            throw new IllegalArgumentException("left, right and labels differ in length");
        }
    }

    public int size() {
        return left.length;
    }

    public boolean labeled() {
        return labels != null;
    }

    /** The labeled data set; only for rows that have labels. */
    public PairDataset toDataset() {
        if (labels == null) {
            throw new UserInputException(source + ": has no '" + PairCsvReader.LABEL_COLUMN + "' column");
        }
        return new PairDataset(left, right, labels, dim, source);
    }
}
