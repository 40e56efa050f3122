package io.simstream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.simstream.model.ModelArtifact;
import io.simstream.signing.TrustedKeys;
import io.simstream.signing.Verification;
import io.simstream.testkit.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `keys generate`, then `train --sign-key`: the model says what made it and is signed over all of it. */
class SignedTrainingTest {
    @TempDir
    Path dir;

    @Test
    void trainRecordsProvenanceAndSignsWithTheGeneratedKey() throws Exception {
        CliRun keys = CliRun.of("keys", "generate", "--out", dir.resolve("keys").toString(), "--name", "ci");
        assertEquals(0, keys.exit(), keys.err());
        String keyId = keys.out().lines().findFirst().orElseThrow().replace("key id ", "");
        CliRun id = CliRun.of("keys", "id", dir.resolve("keys/ci.pub").toString());
        assertEquals(keyId, id.out().strip());

        Path train = dir.resolve("train.csv");
        Path test = dir.resolve("test.csv");
        assertEquals(0, CliRun.of("generate", "--rows", "300", "--dim", "8", "--seed", "1", "--out", train.toString()).exit());
        assertEquals(0, CliRun.of("generate", "--rows", "100", "--dim", "8", "--seed", "2", "--out", test.toString()).exit());
        Path out = dir.resolve("run");
        CliRun t = CliRun.of("train", "--train", train.toString(), "--test", test.toString(), "--out", out.toString(),
                "--max-epochs", "2", "--layers", "8,4", "--seed", "5", "--sign-key", dir.resolve("keys/ci.key").toString());
        assertEquals(0, t.exit(), t.err());
        assertTrue(t.out().contains("signed with key " + keyId), t.out());
        assertTrue(t.out().contains("provenance: train.csv (sha256 "), t.out());

        ModelArtifact a = ModelArtifact.read(out.resolve("model.simstream"));
        JsonNode p = a.provenance();
        assertEquals("train", p.get("madeBy").asText());
        assertEquals("train.csv", p.at("/data/training/file").asText());
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(train))),
                p.at("/data/training/sha256").asText());
        assertEquals(300, p.at("/data/training/rows").asInt());
        assertEquals("test.csv", p.at("/data/test/file").asText());
        assertEquals(5, p.at("/settings/seed").asInt());
        assertEquals("[8,4]", p.at("/settings/hiddenSizes").toString());
        assertFalse(p.toString().contains(dir.toString()), "no machine paths in the artifact: " + p);
        Verification v = TrustedKeys.load(dir.resolve("keys/ci.pub").toString()).verify(a.contentDigest(), a.signatures());
        assertEquals(Verification.Status.VERIFIED, v.status());
        assertEquals(keyId, v.verifiedSigner());
    }

    @Test
    void aKeyThatCannotSignStopsTrainBeforeItStarts() throws Exception {
        Path train = dir.resolve("train.csv");
        assertEquals(0, CliRun.of("generate", "--rows", "50", "--dim", "4", "--seed", "1", "--out", train.toString()).exit());
        Path notAKey = Files.writeString(dir.resolve("id_ed25519"), "-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbg==\n"
                + "-----END OPENSSH PRIVATE KEY-----\n");
        Path out = dir.resolve("run");
        CliRun t = CliRun.of("train", "--train", train.toString(), "--out", out.toString(), "--sign-key", notAKey.toString());
        assertEquals(Main.EXIT_USER_ERROR, t.exit());
        assertTrue(t.err().contains("signing key file " + notAKey + " is an OpenSSH key"), t.err());
        assertFalse(Files.exists(out.resolve("model.simstream")), "nothing trained, nothing written");
    }
}
