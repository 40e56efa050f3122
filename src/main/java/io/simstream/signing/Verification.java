package io.simstream.signing;

/**
 * What checking an artifact's signatures found. keyId: the verified signer (VERIFIED), else the
 * key id(s) the artifact claims, or null.
 */
public record Verification(Status status, String keyId, String detail) {
    public enum Status {
        /** A signature by a trusted key matches the content. */
        VERIFIED,
        /** The artifact carries no signature. */
        UNSIGNED,
        /** Signed, but by no key this instance trusts. */
        UNKNOWN_SIGNER,
        /** A trusted key's signature does not match the content: changed after signing, or forged. */
        BAD_SIGNATURE,
        /** Trust checking is off. */
        NOT_CHECKED
    }

    public static final Verification NOT_CHECKED = new Verification(Status.NOT_CHECKED, null, "model.trust.mode=off");

    /** The key id that verifiably signed the artifact, or null. */
    public String verifiedSigner() {
        return status == Status.VERIFIED ? keyId : null;
    }

    /** One phrase for logs and /ready: "signed by KEY", "unsigned", ... */
    public String describe() {
        return switch (status) {
            case VERIFIED -> "signed by " + keyId;
            case UNSIGNED -> "unsigned";
            case UNKNOWN_SIGNER -> "signed by untrusted key " + keyId;
            case BAD_SIGNATURE -> "bad signature (" + detail + ")";
            case NOT_CHECKED -> "signature not checked (model.trust.mode=off)";
        };
    }
}
