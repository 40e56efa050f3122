package io.simstream.retraining;

import io.simstream.avro.LabeledPair;
import io.simstream.data.PairDataset;
import io.simstream.data.SyntheticPairs;
import io.simstream.data.Vectors;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Labeled pairs with learnable structure, as the retrainer's window holds them. */
final class LabeledWindows {
    private LabeledWindows() {
    }

    /** n synthetic pairs of dim values per side (seed 3), ids p0..p{n-1}. */
    static List<LabeledPair> synthetic(int n, int dim) {
        PairDataset d = SyntheticPairs.generate(SyntheticPairs.Spec.of(n, dim, 3));
        List<LabeledPair> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(LabeledPair.newBuilder().setId("p" + i).setLeft(Vectors.toList(d.left()[i]))
                    .setRight(Vectors.toList(d.right()[i])).setSame(d.labels()[i] == 1)
                    .setLabeledAt(Instant.ofEpochMilli(i)).setSource("test").build());
        }
        return out;
    }
}
