package io.simstream.lifecycle;

import io.simstream.model.DenseLayer;
import io.simstream.model.EncoderMember;
import io.simstream.model.ModelArtifact;
import java.util.List;

/** Values in an artifact that would make every score NaN: found before the model may serve. */
final class ModelSanity {
    private ModelSanity() {
    }

    /** A description of the first NaN or infinite value, or null when all are finite. */
    static String firstNonFinite(ModelArtifact a) {
        if (!Float.isFinite(a.threshold())) {
            return "threshold is " + a.threshold();
        }
        if (!Float.isFinite(a.margin())) {
            return "margin is " + a.margin();
        }
        String n = first("normaliser mean", a.normalizer().mean());
        n = n != null ? n : first("normaliser scale", a.normalizer().scale());
        // Every member of an ensemble: the kernel averages their scores, so one bad member poisons all.
        List<EncoderMember> members = a.members();
        for (int m = 0; n == null && m < members.size(); m++) {
            n = member(members.size() == 1 ? "" : "ensemble member " + m + " ", members.get(m));
        }
        return n;
    }

    private static String member(String prefix, EncoderMember member) {
        String n = null;
        for (int i = 0; n == null && i < member.encoder().size(); i++) {
            n = layer(prefix + "encoder layer " + i, member.encoder().get(i));
        }
        if (n == null && member.headLayer() != null) {
            n = layer(prefix + "head layer", member.headLayer());
        }
        return n;
    }

    private static String layer(String what, DenseLayer l) {
        String w = first(what + " weights", l.weights());
        return w != null ? w : first(what + " bias", l.bias());
    }

    private static String first(String what, float[] values) {
        if (values == null) {
            return null;
        }
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                return what + "[" + i + "] is " + values[i];
            }
        }
        return null;
    }
}
