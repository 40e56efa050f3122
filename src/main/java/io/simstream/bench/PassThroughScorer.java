package io.simstream.bench;

import io.simstream.model.ModelArtifact;
import io.simstream.model.PairScorer;

/** Scores nothing: the baseline that keeps everything else of the topology (decode, validate, encode). */
public record PassThroughScorer(ModelArtifact model) implements PairScorer {
    @Override
    public float score(float[] left, float[] right) {
        return 0f;
    }
}
