package io.simstream.signing;

import io.simstream.UserInputException;
import io.simstream.model.ArtifactSignature;
import io.simstream.model.ModelArtifact;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.util.Base64;
import java.util.Map;

/**
 * Signs a model artifact: an Ed25519 signature over its content digest, added to its header
 * (replacing an earlier one by the same key). Name and version are not covered, so the artifact
 * stays signed whatever name and version a publisher gives it.
 */
public final class ArtifactSigner {
    /** The environment variable train, publish and retrain read a PEM private key from. */
    public static final String KEY_ENV = "SIMSTREAM_SIGNING_KEY";

    private final SigningKey key;

    public ArtifactSigner(SigningKey key) {
        this.key = key;
    }

    public String keyId() {
        return key.keyId();
    }

    public ModelArtifact sign(ModelArtifact artifact) {
        try {
            Signature s = Signature.getInstance(SigningKeys.ALGORITHM);
            s.initSign(key.privateKey());
            s.update(artifact.contentDigest());
            String sig = Base64.getEncoder().encodeToString(s.sign());
            return artifact.withSignature(new ArtifactSignature(key.keyId(), SigningKeys.ALGORITHM, sig));
        } catch (GeneralSecurityException e) {
            throw new UserInputException("cannot sign the model with key " + key.keyId() + ": " + e.getMessage(), e);
        }
    }

    /**
     * The signer a command was asked for: the key file when given, else the PEM in {@link #KEY_ENV}
     * when set, else null (do not sign). Anything unusable is a {@link UserInputException}: a command
     * asked to sign never goes on unsigned.
     */
    public static ArtifactSigner fromFileOrEnv(Path keyFile, Map<String, String> env) {
        if (keyFile != null) {
            return new ArtifactSigner(SigningKeys.privateKeyFile(keyFile));
        }
        String pem = env.get(KEY_ENV);
        if (pem != null) {
            return new ArtifactSigner(SigningKeys.privateKey(pem, "environment variable " + KEY_ENV));
        }
        return null;
    }

    @Override
    public String toString() {
        return "signer with key " + key.keyId();
    }
}
