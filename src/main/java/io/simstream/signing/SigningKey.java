package io.simstream.signing;

import java.security.PrivateKey;
import java.security.PublicKey;

/** A private signing key with its public half and key id. toString never shows the key. */
public record SigningKey(PrivateKey privateKey, PublicKey publicKey, String keyId) {
    @Override
    public String toString() {
        return "Ed25519 signing key " + keyId;
    }
}
