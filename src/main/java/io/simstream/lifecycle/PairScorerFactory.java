package io.simstream.lifecycle;

import io.simstream.model.ModelArtifact;
import io.simstream.model.PairScorer;
import io.simstream.model.PairScorers;

/** Builds the kernel for a verified artifact; the benchmark swaps in a pass-through here. */
@FunctionalInterface
public interface PairScorerFactory {
    PairScorerFactory SCALAR = PairScorers::scalar;
    /** The Vector API kernel when the JVM has jdk.incubator.vector, else the scalar one. */
    PairScorerFactory FASTEST = PairScorers::fastest;

    PairScorer create(ModelArtifact artifact);
}
