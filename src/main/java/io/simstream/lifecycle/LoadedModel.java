package io.simstream.lifecycle;

import io.simstream.model.ModelArtifact;
import io.simstream.model.PairScorer;
import java.time.Instant;

/** A verified model ready to score: what the service swaps in as one unit. */
public record LoadedModel(String name, long version, String sha256, PairScorer scorer, Instant loadedAt) {
    public ModelArtifact artifact() {
        return scorer.model();
    }

    public int inputDim() {
        return scorer.model().inputDim();
    }
}
