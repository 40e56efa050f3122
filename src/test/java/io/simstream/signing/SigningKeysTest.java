package io.simstream.signing;

import io.simstream.UserInputException;
import io.simstream.model.ModelArtifact;
import io.simstream.testkit.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Key files: what `keys generate` writes, what the one loader accepts, and how it says no. */
class SigningKeysTest {
    @TempDir
    Path dir;

    @Test
    void generatedPairLoadsWithOneKeyIdAndAPrivateFileOnlyTheOwnerCanRead() throws Exception {
        KeyFiles.Written w = KeyFiles.generate(dir, "team");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(w.privateKey())));
        assertTrue(Files.readString(w.privateKey()).startsWith("-----BEGIN PRIVATE KEY-----"));
        assertTrue(Files.readString(w.publicKey()).startsWith("-----BEGIN PUBLIC KEY-----"));
        SigningKey key = SigningKeys.privateKeyFile(w.privateKey());
        assertEquals(w.keyId(), key.keyId());
        assertEquals(w.keyId(), SigningKeys.keyId(SigningKeys.publicKeyFile(w.publicKey())));
        assertTrue(w.keyId().matches("[0-9a-f]{16}"), w.keyId());
        assertEquals("Ed25519 signing key " + w.keyId(), key.toString(), "no key material in toString");
        UserInputException again = assertThrows(UserInputException.class, () -> KeyFiles.generate(dir, "team"));
        assertTrue(again.getMessage().contains("already exists"), again.getMessage());
    }

    @Test
    void aSignatureVerifiesWithTheTrustedPublicKeyOnly() {
        KeyFiles.Written mine = KeyFiles.generate(dir, "mine");
        KeyFiles.Written other = KeyFiles.generate(dir, "other");
        ModelArtifact signed = new ArtifactSigner(SigningKeys.privateKeyFile(mine.privateKey())).sign(TestModels.random(4, 1));
        TrustedKeys trusted = TrustedKeys.load(mine.publicKey().toString());
        Verification ok = trusted.verify(signed.contentDigest(), signed.signatures());
        assertEquals(Verification.Status.VERIFIED, ok.status());
        assertEquals(mine.keyId(), ok.verifiedSigner());
        Verification unknown = TrustedKeys.load(other.publicKey().toString()).verify(signed.contentDigest(), signed.signatures());
        assertEquals(Verification.Status.UNKNOWN_SIGNER, unknown.status());
        assertNull(unknown.verifiedSigner());
        assertEquals(Verification.Status.UNSIGNED,
                trusted.verify(signed.contentDigest(), TestModels.random(4, 1).signatures()).status());
        assertEquals(Verification.Status.BAD_SIGNATURE,
                trusted.verify(TestModels.random(4, 2).contentDigest(), signed.signatures()).status());
    }

    @Test
    void pemFromAnEnvironmentVariableWithEscapedNewlinesLoads() throws Exception {
        KeyFiles.Written w = KeyFiles.generate(dir, "env");
        String oneLine = Files.readString(w.privateKey()).replace("\n", "\\n");
        ArtifactSigner s = ArtifactSigner.fromFileOrEnv(null, Map.of(ArtifactSigner.KEY_ENV, oneLine));
        assertEquals(w.keyId(), s.keyId());
        assertNull(ArtifactSigner.fromFileOrEnv(null, Map.of()), "nothing asked, nothing signed");
        assertEquals(w.keyId(), ArtifactSigner.fromFileOrEnv(w.privateKey(), Map.of(ArtifactSigner.KEY_ENV, "junk")).keyId(),
                "the file wins over the variable");
    }

    @Test
    void unusableKeysAreClearErrorsThatNeverEchoTheKey() throws Exception {
        KeyFiles.Written w = KeyFiles.generate(dir, "k");
        String privatePem = Files.readString(w.privateKey());
        String secretBody = privatePem.split("\n")[1];

        assertError(() -> SigningKeys.privateKeyFile(dir.resolve("missing.key")), "does not exist");
        assertError(() -> SigningKeys.privateKeyFile(w.publicKey()), "is a public key: signing needs the private key");
        assertError(() -> SigningKeys.publicKeyFile(w.privateKey()), "is a private key: give serve only public keys");
        assertError(() -> SigningKeys.privateKey("hello", "variable X"), "variable X is not PEM");
        assertError(() -> SigningKeys.privateKey("", "variable X"), "variable X is empty");
        assertError(() -> SigningKeys.privateKey("-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----",
                "f"), "is an OpenSSH key");
        assertError(() -> SigningKeys.privateKey("-----BEGIN ENCRYPTED PRIVATE KEY-----\nabc\n-----END ENCRYPTED PRIVATE KEY-----",
                "f"), "encrypted private key, which is not supported");
        assertError(() -> SigningKeys.privateKey("-----BEGIN PRIVATE KEY-----\n!!!\n-----END PRIVATE KEY-----", "f"),
                "not valid base64");
        for (String alg : List.of("RSA", "EC", "Ed448")) {
            var pair = KeyPairGenerator.getInstance(alg).generateKeyPair();
            String pem = "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder().encodeToString(pair.getPrivate().getEncoded())
                    + "\n-----END PRIVATE KEY-----\n";
            UserInputException e = assertError(() -> SigningKeys.privateKey(pem, "key file x"), ", not Ed25519");
            assertFalse(e.getMessage().contains(pem.split("\n")[1]), "no key material: " + e.getMessage());
            String pub = "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(pair.getPublic().getEncoded())
                    + "\n-----END PUBLIC KEY-----\n";
            assertError(() -> SigningKeys.publicKey(pub, "key file y"), ", not Ed25519");
        }
        UserInputException wrong = assertError(() -> SigningKeys.publicKeyFile(w.privateKey()), "private key");
        assertFalse(wrong.getMessage().contains(secretBody), wrong.getMessage());
    }

    @Test
    void trustedKeyDirectoriesAndListsLoadAndMistakesFail() throws Exception {
        Path keys = Files.createDirectories(dir.resolve("trusted"));
        KeyFiles.Written a = KeyFiles.generate(keys, "a");
        KeyFiles.Written b = KeyFiles.generate(dir, "b");
        Files.delete(a.privateKey());
        TrustedKeys t = TrustedKeys.load(keys + " , " + b.publicKey());
        assertEquals(List.of(a.keyId(), b.keyId()).stream().sorted().toList(), t.keyIds());
        assertEquals(0, TrustedKeys.load(" ").size());
        assertError(() -> TrustedKeys.load(dir.resolve("nope.pub").toString()), "does not exist");
        assertError(() -> TrustedKeys.load(Files.createDirectories(dir.resolve("empty")).toString()), "holds no *.pub");
        Files.copy(b.privateKey(), keys.resolve("b.pem"));
        assertError(() -> TrustedKeys.load(keys.toString()), "is a private key");
    }

    @Test
    void anOpensslEd25519KeyIsAcceptedWithTheSameKeyId() throws Exception {
        assumeTrue(new ProcessBuilder("sh", "-c", "command -v openssl").start().waitFor() == 0, "openssl not installed");
        Path priv = dir.resolve("ossl.key");
        Path pub = dir.resolve("ossl.pub");
        assertEquals(0, new ProcessBuilder("openssl", "genpkey", "-algorithm", "ed25519", "-out", priv.toString())
                .inheritIO().start().waitFor());
        assertEquals(0, new ProcessBuilder("openssl", "pkey", "-in", priv.toString(), "-pubout", "-out", pub.toString())
                .inheritIO().start().waitFor());
        assertEquals(SigningKeys.keyId(SigningKeys.publicKeyFile(pub)), SigningKeys.privateKeyFile(priv).keyId(),
                "the public key derived from openssl's private key is openssl's public key");
    }

    private static UserInputException assertError(org.junit.jupiter.api.function.Executable call, String fragment) {
        UserInputException e = assertThrows(UserInputException.class, call);
        assertTrue(e.getMessage().contains(fragment), "'" + e.getMessage() + "' should say '" + fragment + "'");
        return e;
    }
}
