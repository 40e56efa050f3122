package io.simstream.scoring;

import io.simstream.avro.VectorPair;
import io.simstream.model.ModelArtifact;
import java.util.Random;

/** TestModels for tests outside this package. */
public final class TestModelsAccess {
    private TestModelsAccess() {
    }

    public static ModelArtifact random(int dim, long seed) {
        return TestModels.random(dim, seed);
    }

    public static VectorPair pair(String id, int dim) {
        return TestModels.pair(id, new Random(id.hashCode()), dim);
    }
}
