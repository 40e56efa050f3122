package io.simstream.drift;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.simstream.model.ModelArtifact;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * What "no drift" looks like for one model: its scores and its scaled inputs on pairs it was not
 * trained on (or, when there were none, on pairs saying so with {@code heldOut = false}), captured
 * when the model was made and carried in the artifact header ({@code "driftReference"}).
 *
 * @param source   where the pairs came from ("test file test.csv", "retrain holdout", ...)
 * @param heldOut  whether the model never trained on these pairs; false after a refit on every
 *                 label without a test file (its scores are then a little optimistic: docs/drift.md)
 * @param pairs    how many pairs the statistics were computed from
 * @param scores   the model's scores on them, ascending: all of them, or evenly spaced order
 *                 statistics when there were more than {@link DriftReferences#MAX_SCORES}
 * @param inputs   statistics of the scaled inputs over all the pairs
 */
public record DriftReference(String source, boolean heldOut, int pairs, float[] scores, Inputs inputs) {
    /** Name of the artifact header field. */
    public static final String HEADER_FIELD = "driftReference";
    private static final int FORMAT = 1;

    /**
     * Label-free statistics of the model's scaled inputs (the normalizer applied), per pair:
     * u = (left + right) / 2 and energy e = |left|^2 + |right|^2. The pair, not the vector, is the
     * unit because its two sides are not independent ("same" pairs share a class).
     *
     * @param mean         mean of u
     * @param trace        tr(Cov u): mean squared distance of u from its mean
     * @param traceSquared tr(Cov(u)^2), unbiased estimate: with trace it fixes the null distribution of
     *                     a window's mean shift (Box's scaled chi-square)
     * @param energyMean   mean of e
     * @param energySd     standard deviation of e
     */
    public record Inputs(float[] mean, double trace, double traceSquared, double energyMean, double energySd) {
        public Inputs {
            Objects.requireNonNull(mean, "mean");
            if (mean.length == 0) {
                throw new IllegalArgumentException("drift reference: input mean has no dimensions");
            }
            for (float m : mean) {
                if (!Float.isFinite(m)) {
                    throw new IllegalArgumentException("drift reference: input mean is not finite");
                }
            }
            if (!(trace > 0) || !(traceSquared > 0) || !Double.isFinite(trace) || !Double.isFinite(traceSquared)) {
                throw new IllegalArgumentException("drift reference: input spread must be > 0 and finite (trace "
                        + trace + ", traceSquared " + traceSquared + ")");
            }
            if (!(energyMean > 0) || !(energySd >= 0) || !Double.isFinite(energyMean) || !Double.isFinite(energySd)) {
                throw new IllegalArgumentException("drift reference: energy mean must be > 0 and s.d. >= 0 (mean "
                        + energyMean + ", s.d. " + energySd + ")");
            }
        }

        public int dim() {
            return mean.length;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Inputs i && Arrays.equals(i.mean, mean) && i.trace == trace
                    && i.traceSquared == traceSquared && i.energyMean == energyMean && i.energySd == energySd;
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(mean) * 31 + Double.hashCode(trace);
        }
    }

    public DriftReference {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(scores, "scores");
        Objects.requireNonNull(inputs, "inputs");
        if (scores.length < 2) {
            throw new IllegalArgumentException("drift reference needs at least 2 scores, got " + scores.length);
        }
        if (pairs < scores.length) {
            throw new IllegalArgumentException("drift reference: " + scores.length + " scores from " + pairs + " pairs");
        }
        for (int i = 0; i < scores.length; i++) {
            if (!Float.isFinite(scores[i]) || (i > 0 && scores[i] < scores[i - 1])) {
                throw new IllegalArgumentException("drift reference scores must be finite and ascending (index " + i + ")");
            }
        }
    }

    public int dim() {
        return inputs.dim();
    }

    /** The reference in an artifact's header, if it has one. */
    public static Optional<DriftReference> of(ModelArtifact model) {
        JsonNode node = model.driftReference();
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        DriftReference ref = fromJson(node);
        if (ref.dim() != model.inputDim()) {
            throw new IllegalArgumentException("drift reference has dimension " + ref.dim() + " but " + model
                    + " takes " + model.inputDim());
        }
        return Optional.of(ref);
    }

    /** The artifact with this reference in its header (replacing any it had). */
    public ModelArtifact attachTo(ModelArtifact model) {
        if (dim() != model.inputDim()) {
            throw new IllegalArgumentException("drift reference has dimension " + dim() + " but " + model
                    + " takes " + model.inputDim());
        }
        return model.toBuilder().driftReference(toJson()).build();
    }

    public ObjectNode toJson() {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("format", FORMAT);
        n.put("source", source);
        n.put("heldOut", heldOut);
        n.put("pairs", pairs);
        ArrayNode s = n.putArray("scores");
        for (float x : scores) {
            s.add(x);
        }
        ObjectNode in = n.putObject("inputs");
        ArrayNode mean = in.putArray("mean");
        for (float x : inputs.mean()) {
            mean.add(x);
        }
        in.put("trace", inputs.trace());
        in.put("traceSquared", inputs.traceSquared());
        in.put("energyMean", inputs.energyMean());
        in.put("energySd", inputs.energySd());
        return n;
    }

    /** Reads a reference; anything missing or out of range is an IllegalArgumentException naming it. */
    public static DriftReference fromJson(JsonNode n) {
        int format = required(n, "format").asInt();
        if (format != FORMAT) {
            throw new IllegalArgumentException("drift reference format " + format + " is not supported (this build reads "
                    + FORMAT + ")");
        }
        JsonNode in = required(n, "inputs");
        return new DriftReference(required(n, "source").asText(), required(n, "heldOut").asBoolean(),
                required(n, "pairs").asInt(), floats(required(n, "scores")),
                new Inputs(floats(required(in, "mean")), required(in, "trace").asDouble(),
                        required(in, "traceSquared").asDouble(), required(in, "energyMean").asDouble(),
                        required(in, "energySd").asDouble()));
    }

    private static JsonNode required(JsonNode n, String field) {
        JsonNode v = n == null ? null : n.get(field);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException("drift reference: missing '" + field + "'");
        }
        return v;
    }

    private static float[] floats(JsonNode array) {
        if (!array.isArray()) {
            throw new IllegalArgumentException("drift reference: expected an array of numbers");
        }
        float[] out = new float[array.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode v = array.get(i);
            if (!v.isNumber()) {
                throw new IllegalArgumentException("drift reference: element " + i + " is not a number");
            }
            out[i] = v.floatValue();
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DriftReference r && r.source.equals(source) && r.heldOut == heldOut && r.pairs == pairs
                && Arrays.equals(r.scores, scores) && r.inputs.equals(inputs);
    }

    @Override
    public int hashCode() {
        return Objects.hash(source, heldOut, pairs, Arrays.hashCode(scores), inputs);
    }

    @Override
    public String toString() {
        return "drift reference (" + source + (heldOut ? "" : ", not held out") + ": " + pairs + " pairs, "
                + scores.length + " scores, dim " + dim() + ")";
    }
}
