package io.simstream.model;

/**
 * Scores one pair with a loaded model. Implementations are thread-safe and never touch ND4J, so
 * the scoring service needs no native libraries.
 */
public interface PairScorer {
    /** The raw head output: a distance for CONTRASTIVE, a probability for BCE. */
    float score(float[] left, float[] right);

    ModelArtifact model();

    default boolean isSame(float score) {
        return model().head().isSame(score, model().threshold());
    }
}
