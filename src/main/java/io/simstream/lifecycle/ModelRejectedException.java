package io.simstream.lifecycle;

/** A model record the service refuses to load; the previous model keeps serving. */
public final class ModelRejectedException extends Exception {
    /** Why a model record was refused (the metric tag and the log line say which). */
    public enum Reason {
        SHA_MISMATCH, CORRUPT_ARTIFACT, DIMENSION_MISMATCH, HEAD_MISMATCH, BAD_RECORD,
        /** A weight, bias, threshold or normaliser value is NaN or infinite. */
        NON_FINITE,
        /** The bytes on the models topic are not a ModelRecord at all. */
        UNDECODABLE,
        /** model.trust.mode=require and the artifact carries no signature. */
        UNSIGNED,
        /** model.trust.mode=require and no signature is by a trusted key. */
        UNKNOWN_SIGNER,
        /** A trusted key's signature does not match the artifact's content (changed after signing). */
        BAD_SIGNATURE,
        /** A chunk a manifest lists is not (or no longer) there: the manifest is not loaded. */
        CHUNK_MISSING,
        /** A chunk's bytes, size, SHA-256, name or version is not what its manifest lists. */
        CHUNK_MISMATCH,
        /** A reference's artifact could not be read (after retrying transport errors for model.reference.retry.ms). */
        REFERENCE_UNREADABLE
    }

    private final Reason reason;

    public ModelRejectedException(Reason reason, String message) {
        super(reason + ": " + message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
