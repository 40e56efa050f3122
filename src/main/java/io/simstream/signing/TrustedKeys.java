package io.simstream.signing;

import io.simstream.UserInputException;
import io.simstream.model.ArtifactSignature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** The public keys whose signatures an instance accepts, by key id. */
public final class TrustedKeys {
    private final Map<String, PublicKey> byId;

    private TrustedKeys(Map<String, PublicKey> byId) {
        this.byId = Map.copyOf(byId);
    }

    public static TrustedKeys of(Collection<PublicKey> keys) {
        Map<String, PublicKey> m = new TreeMap<>();
        keys.forEach(k -> m.put(SigningKeys.keyId(k), k));
        return new TrustedKeys(m);
    }

    /**
     * Comma-separated public key files and directories (a directory contributes its *.pub and
     * *.pem files); blank = no keys. A path that does not exist, or a key file that is not an Ed25519
     * public key, is an error: a typo must not leave serve trusting fewer keys than meant.
     */
    public static TrustedKeys load(String paths) {
        List<PublicKey> keys = new ArrayList<>();
        if (paths == null || paths.isBlank()) {
            return of(keys);
        }
        for (String p : paths.split(",")) {
            if (p.isBlank()) {
                continue;
            }
            Path path = Path.of(p.strip());
            if (Files.isDirectory(path)) {
                List<Path> files;
                try (Stream<Path> s = Files.list(path)) {
                    files = s.filter(f -> f.toString().endsWith(".pub") || f.toString().endsWith(".pem"))
                            .filter(Files::isRegularFile).sorted().toList();
                } catch (IOException e) {
                    throw new UserInputException("cannot list trusted key directory " + path + ": " + e.getMessage(), e);
                }
                if (files.isEmpty()) {
                    throw new UserInputException("trusted key directory " + path + " holds no *.pub or *.pem file");
                }
                files.forEach(f -> keys.add(SigningKeys.publicKeyFile(f)));
            } else {
                keys.add(SigningKeys.publicKeyFile(path));
            }
        }
        return of(keys);
    }

    public int size() {
        return byId.size();
    }

    public List<String> keyIds() {
        return List.copyOf(new TreeMap<>(byId).keySet());
    }

    /**
     * Checks the signatures against the content digest. A matching signature by a trusted key
     * wins; otherwise a trusted key's signature that does not match makes it BAD_SIGNATURE (the
     * content changed after signing), and signatures only by unknown keys make it UNKNOWN_SIGNER.
     */
    public Verification verify(byte[] contentDigest, List<ArtifactSignature> signatures) {
        if (signatures.isEmpty()) {
            return new Verification(Verification.Status.UNSIGNED, null, "the artifact carries no signature");
        }
        String bad = null;
        List<String> unknown = new ArrayList<>();
        for (ArtifactSignature s : signatures) {
            PublicKey key = byId.get(s.keyId());
            if (key == null) {
                unknown.add(s.keyId());
                continue;
            }
            if (!SigningKeys.ALGORITHM.equals(s.algorithm())) {
                bad = "key " + s.keyId() + ": algorithm " + s.algorithm() + " is not " + SigningKeys.ALGORITHM;
                continue;
            }
            if (matches(key, contentDigest, s.signature())) {
                return new Verification(Verification.Status.VERIFIED, s.keyId(), "signature by trusted key " + s.keyId());
            }
            bad = "the signature by trusted key " + s.keyId() + " does not match the content (changed after signing?)";
        }
        if (bad != null) {
            return new Verification(Verification.Status.BAD_SIGNATURE, null, bad);
        }
        return new Verification(Verification.Status.UNKNOWN_SIGNER, String.join(",", unknown), "signed by "
                + String.join(",", unknown) + ", which is not among the " + byId.size() + " trusted key(s)"
                + (byId.isEmpty() ? "" : " " + keyIds()));
    }

    private static boolean matches(PublicKey key, byte[] digest, String base64) {
        try {
            byte[] sig = Base64.getDecoder().decode(base64);
            Signature v = Signature.getInstance(SigningKeys.ALGORITHM);
            v.initVerify(key);
            v.update(digest);
            return v.verify(sig);
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            return false;
        }
    }
}
