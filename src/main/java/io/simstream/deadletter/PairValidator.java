package io.simstream.deadletter;

import io.simstream.avro.VectorPair;
import java.util.List;

/** Checks a pair against the serving model before it reaches the kernel. */
public final class PairValidator {
    /** A pair that must not be scored, and why. */
    public record Violation(DeadLetterReason reason, String message) {
    }

    private PairValidator() {
    }

    /** Returns null when the pair can be scored by a model with this input dimension. */
    public static Violation check(VectorPair pair, int inputDim) {
        if (pair == null) {
            return new Violation(DeadLetterReason.MISSING_SIDE, "record has no value");
        }
        Violation v = checkSide("left", pair.getLeft(), inputDim);
        return v != null ? v : checkSide("right", pair.getRight(), inputDim);
    }

    private static Violation checkSide(String side, List<Float> values, int inputDim) {
        if (values == null || values.isEmpty()) {
            return new Violation(DeadLetterReason.MISSING_SIDE, side + " vector is missing or empty");
        }
        if (values.size() != inputDim) {
            return new Violation(DeadLetterReason.DIMENSION_MISMATCH,
                    side + " vector has " + values.size() + " values, the model expects " + inputDim);
        }
        for (int i = 0; i < values.size(); i++) {
            Float x = values.get(i);
            if (x == null || !Float.isFinite(x)) {
                return new Violation(DeadLetterReason.NON_FINITE, side + "[" + i + "] is " + x);
            }
        }
        return null;
    }
}
