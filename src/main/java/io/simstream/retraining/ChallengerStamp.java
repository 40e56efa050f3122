package io.simstream.retraining;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.simstream.model.ModelArtifact;
import io.simstream.provenance.Provenance;
import io.simstream.signing.ArtifactSigner;

/**
 * What a retrainer records on a challenger that passed the gate, as the last change before it is
 * published: its provenance (the labels it was trained and judged on, the code, the settings, the
 * gate's evidence) and then, when a key is configured, its signature over all of it.
 *
 * @param settings the retrainer's settings that shaped the round (written into the provenance)
 * @param signer   null: published unsigned
 */
public record ChallengerStamp(JsonNode settings, ArtifactSigner signer) {
    /** No settings recorded, no signature. */
    public static final ChallengerStamp NONE = new ChallengerStamp(Provenance.object(), null);

    ModelArtifact apply(ModelArtifact challenger, ObjectNode data, ObjectNode gate) {
        ObjectNode provenance = Provenance.of("retrain", data, settings);
        provenance.set("gate", gate);
        ModelArtifact stamped = challenger.toBuilder().provenance(provenance).build();
        // Nothing may change the artifact after this: the signature covers everything above.
        return signer == null ? stamped : signer.sign(stamped);
    }
}
