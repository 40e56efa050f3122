package io.simstream.model;

/**
 * One signature in an artifact's header: which key made it (its key id), with which algorithm,
 * over the artifact's {@link ModelDigest content digest} (base64).
 */
public record ArtifactSignature(String keyId, String algorithm, String signature) {
    public ArtifactSignature {
        if (keyId == null || keyId.isBlank() || algorithm == null || algorithm.isBlank()
                || signature == null || signature.isBlank()) {
            throw new IllegalArgumentException("a signature needs keyId, algorithm and signature");
        }
    }
}
