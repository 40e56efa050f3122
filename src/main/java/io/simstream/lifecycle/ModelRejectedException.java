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
        BAD_SIGNATURE
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
