package io.simstream.signing;

import io.simstream.UserInputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;

/**
 * The one loader of model-signing keys: Ed25519 from the JDK, private keys as PKCS#8 PEM
 * ("BEGIN PRIVATE KEY", what {@code keys generate} and {@code openssl genpkey -algorithm ed25519}
 * write), public keys as X.509 SubjectPublicKeyInfo PEM ("BEGIN PUBLIC KEY"). Every failure is a
 * {@link UserInputException} that says which file (or variable) and what is wrong with it, and
 * never echoes key material.
 */
public final class SigningKeys {
    public static final String ALGORITHM = "Ed25519";
    private static final String PRIVATE = "PRIVATE KEY";
    private static final String PUBLIC = "PUBLIC KEY";
    /** DER algorithm identifiers of keys people may pass by mistake, to name them in the error. */
    private static final Map<String, String> OTHER_ALGORITHMS = Map.of(
            "2a864886f70d010101", "an RSA key", "2a8648ce3d0201", "an EC (ECDSA) key", "2b6571", "an Ed448 key",
            "2b656e", "an X25519 key", "2b656f", "an X448 key");
    private static final byte[] ED25519_OID = {0x06, 0x03, 0x2b, 0x65, 0x70};

    private SigningKeys() {
    }

    /** A private key file; origin in messages is the path. */
    public static SigningKey privateKeyFile(Path file) {
        return privateKey(read(file, "signing key"), "signing key file " + file);
    }

    /** A private key given as PEM text (e.g. from an environment variable named in origin). */
    public static SigningKey privateKey(String pem, String origin) {
        byte[] der = decodePem(pem, PRIVATE, origin);
        PrivateKey key;
        try {
            key = KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new UserInputException(origin + " is " + notEd25519(der) + ": model signing needs an Ed25519 private"
                    + " key in PKCS#8 PEM (bin/simstream keys generate writes one)");
        }
        PublicKey pub = publicOf(key, origin);
        return new SigningKey(key, pub, keyId(pub));
    }

    /** A public key file (X.509 SubjectPublicKeyInfo PEM). */
    public static PublicKey publicKeyFile(Path file) {
        return publicKey(read(file, "public key"), "public key file " + file);
    }

    public static PublicKey publicKey(String pem, String origin) {
        byte[] der = decodePem(pem, PUBLIC, origin);
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new UserInputException(origin + " is " + notEd25519(der) + ": model trust needs Ed25519 public keys"
                    + " in X.509 PEM (the .pub file bin/simstream keys generate writes)");
        }
    }

    /** The first 16 hex digits of the SHA-256 of the key's X.509 encoding: how signatures name their key. */
    public static String keyId(PublicKey key) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
            return HexFormat.of().formatHex(h, 0, 8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }

    public static KeyPair generate() {
        try {
            return KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK has no Ed25519", e);
        }
    }

    public static String privatePem(PrivateKey key) {
        return pem(PRIVATE, key.getEncoded());
    }

    public static String publicPem(PublicKey key) {
        return pem(PUBLIC, key.getEncoded());
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static String read(Path file, String what) {
        if (!Files.isRegularFile(file)) {
            throw new UserInputException(what + " file " + file + " does not exist or is not a file");
        }
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UserInputException("cannot read " + what + " file " + file + ": " + e.getMessage(), e);
        }
    }

    /** The DER inside one PEM block of the given type; clear errors for the other kinds people keep keys in. */
    static byte[] decodePem(String text, String type, String origin) {
        if (text == null || text.isBlank()) {
            throw new UserInputException(origin + " is empty");
        }
        // An environment variable or a one-line properties value may carry the newlines as "\n".
        String pem = text.replace("\\n", "\n").strip();
        String begin = "-----BEGIN " + type + "-----";
        String end = "-----END " + type + "-----";
        int from = pem.indexOf(begin);
        int to = pem.indexOf(end);
        if (from < 0 || to < from) {
            throw new UserInputException(origin + " " + whatItIs(pem, type));
        }
        try {
            return Base64.getDecoder().decode(pem.substring(from + begin.length(), to).replaceAll("\\s", ""));
        } catch (IllegalArgumentException e) {
            throw new UserInputException(origin + ": the " + type + " block is not valid base64");
        }
    }

    private static String whatItIs(String pem, String wanted) {
        String upper = pem.toUpperCase(Locale.ROOT);
        if (upper.contains("BEGIN OPENSSH PRIVATE KEY")) {
            return "is an OpenSSH key: model signing needs PKCS#8 PEM (bin/simstream keys generate, or openssl genpkey"
                    + " -algorithm ed25519)";
        }
        if (upper.contains("BEGIN ENCRYPTED PRIVATE KEY")) {
            return "is an encrypted private key, which is not supported: keep it unencrypted in a file only its owner"
                    + " can read (mode 600) or in a secret";
        }
        if (wanted.equals(PRIVATE) && upper.contains("BEGIN PUBLIC KEY")) {
            return "is a public key: signing needs the private key (the .key file)";
        }
        if (wanted.equals(PUBLIC) && upper.contains("PRIVATE KEY")) {
            return "is a private key: give serve only public keys (the .pub file), never the private one";
        }
        if (upper.contains("-----BEGIN ")) {
            return "holds no '-----BEGIN " + wanted + "-----' block (found "
                    + pem.substring(upper.indexOf("-----BEGIN "), Math.min(pem.length(), upper.indexOf("-----BEGIN ") + 40))
                    .split("\n")[0] + ")";
        }
        return "is not PEM: expected a '-----BEGIN " + wanted + "-----' block";
    }

    private static String notEd25519(byte[] der) {
        String hex = HexFormat.of().formatHex(der);
        for (var e : OTHER_ALGORITHMS.entrySet()) {
            if (hex.contains(e.getKey())) {
                return e.getValue() + ", not Ed25519";
            }
        }
        return indexOf(der, ED25519_OID) >= 0 ? "a malformed Ed25519 key" : "not an Ed25519 key";
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        for (int i = 0; i + needle.length <= hay.length; i++) {
            if (Arrays.equals(hay, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The JDK has no call that derives an Ed25519 public key from a private one, but its key pair
     * generator takes the private key's 32 bytes from the SecureRandom it is given: feeding it
     * exactly those bytes yields the matching pair. A test signature checks the result, so a JDK
     * that derived differently fails here, loudly, not at every scorer.
     */
    private static PublicKey publicOf(PrivateKey key, String origin) {
        byte[] seed = ((EdECPrivateKey) key).getBytes()
                .orElseThrow(() -> new UserInputException(origin + ": the private key's bytes are not available"));
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance(ALGORITHM);
            g.initialize(NamedParameterSpec.ED25519, new FixedBytes(seed));
            KeyPair pair = g.generateKeyPair();
            byte[] probe = "simstream key check".getBytes(StandardCharsets.US_ASCII);
            Signature s = Signature.getInstance(ALGORITHM);
            s.initSign(key);
            s.update(probe);
            byte[] sig = s.sign();
            Signature v = Signature.getInstance(ALGORITHM);
            v.initVerify(pair.getPublic());
            v.update(probe);
            if (!v.verify(sig)) {
                throw new IllegalStateException("derived public key does not verify the private key's signature");
            }
            return pair.getPublic();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot derive the public key of " + origin + ": " + e.getMessage(), e);
        } finally {
            Arrays.fill(seed, (byte) 0);
        }
    }

    /** A "random" source that returns the given bytes: see {@link #publicOf}. */
    private static final class FixedBytes extends SecureRandom {
        private final byte[] bytes;

        FixedBytes(byte[] bytes) {
            this.bytes = bytes.clone();
        }

        @Override
        public void nextBytes(byte[] out) {
            if (out.length != bytes.length) {
                throw new IllegalStateException("expected a request for " + bytes.length + " bytes, got " + out.length);
            }
            System.arraycopy(bytes, 0, out, 0, out.length);
        }
    }
}
