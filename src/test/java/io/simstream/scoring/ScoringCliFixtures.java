package io.simstream.scoring;

import io.simstream.model.ModelArtifact;

/** Test models for test classes outside this package. */
public final class ScoringCliFixtures {
    private ScoringCliFixtures() {
    }

    public static ModelArtifact model(int dim) {
        return TestModels.random(dim, 1);
    }
}
