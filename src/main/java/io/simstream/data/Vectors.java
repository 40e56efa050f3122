package io.simstream.data;

import java.util.ArrayList;
import java.util.List;

/** Between the Avro form of a vector (List&lt;Float&gt;) and the kernels' float[]. */
public final class Vectors {
    private Vectors() {
    }

    public static float[] toArray(List<Float> values) {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }

    public static List<Float> toList(float[] values) {
        List<Float> out = new ArrayList<>(values.length);
        for (float x : values) {
            out.add(x);
        }
        return out;
    }
}
