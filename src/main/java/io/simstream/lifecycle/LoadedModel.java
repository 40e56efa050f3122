package io.simstream.lifecycle;

import io.simstream.model.ModelArtifact;
import io.simstream.model.PairScorer;
import io.simstream.signing.Verification;
import java.time.Instant;

/**
 * A verified model ready to score: what the service swaps in as one unit. trust: what checking its
 * signatures found (NOT_CHECKED when the loader does not check them).
 */
public record LoadedModel(String name, long version, String sha256, PairScorer scorer, Instant loadedAt,
                          Verification trust) {
    public ModelArtifact artifact() {
        return scorer.model();
    }

    public int inputDim() {
        return scorer.model().inputDim();
    }

    /** The key id that verifiably signed this model, or null (unsigned, untrusted or not checked). */
    public String signerKeyId() {
        return trust.verifiedSigner();
    }
}
