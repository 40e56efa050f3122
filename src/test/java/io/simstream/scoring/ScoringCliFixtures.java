package io.simstream.scoring;

import io.simstream.model.ModelArtifact;

/** Test models for test classes outside this package. */
public final class ScoringCliFixtures {
    private ScoringCliFixtures() {
    }

    public static ModelArtifact model(int dim) {
        return TestModels.random(dim, 1);
    }

    /** Another model of the same shape (other weights), e.g. a second version to publish. */
    public static ModelArtifact model(int dim, long seed) {
        return TestModels.random(dim, seed);
    }
}
