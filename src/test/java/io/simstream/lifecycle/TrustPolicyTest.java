package io.simstream.lifecycle;

import io.simstream.UserInputException;
import io.simstream.avro.ModelRecord;
import io.simstream.config.ScoringConfig;
import io.simstream.model.DenseLayer;
import io.simstream.model.ModelArtifact;
import io.simstream.signing.ArtifactSigner;
import io.simstream.signing.KeyFiles;
import io.simstream.signing.TestKeys;
import io.simstream.signing.Verification.Status;
import io.simstream.testkit.TestModels;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** model.trust.mode off | warn | require, as the loader (serve's and the retrainer's) applies it. */
class TrustPolicyTest {
    @TempDir
    Path dir;
    private KeyFiles.Written trusted;
    private ArtifactSigner trustedSigner;
    private ArtifactSigner strangerSigner;
    private final List<Status> untrusted = new ArrayList<>();

    @BeforeEach
    void keys() {
        trusted = TestKeys.generate(dir, "trusted");
        trustedSigner = TestKeys.signer(trusted);
        strangerSigner = TestKeys.signer(TestKeys.generate(dir.resolve("elsewhere"), "stranger"));
    }

    private ModelLoader loader(String mode) {
        return new ModelLoader(PairScorerFactory.SCALAR, 0, Clock.systemUTC(),
                TrustPolicy.of(mode, trusted.publicKey().toString(), untrusted::add));
    }

    private static ModelRecord record(ModelArtifact a, long version) {
        return ModelRecords.of(a, "default", version, Map.of(), Instant.now());
    }

    /** Signed, then a weight changed: record SHA-256 and artifact checksum are recomputed, only the signature can tell. */
    static ModelArtifact tampered(ModelArtifact signed) {
        DenseLayer l = signed.encoder().get(0);
        float[] w = l.weights().clone();
        w[0] += 0.5f;
        List<DenseLayer> layers = new ArrayList<>(signed.encoder());
        layers.set(0, new DenseLayer(l.in(), l.out(), w, l.bias()));
        return signed.toBuilder().encoder(layers).members(null).headLayer(signed.headLayer())
                .signatures(signed.signatures()).build();
    }

    @Test
    void requireLoadsOnlyWhatATrustedKeySignedOverTheSameContent() throws Exception {
        ModelLoader loader = loader("require");
        ModelArtifact good = trustedSigner.sign(TestModels.random(8, 1));
        LoadedModel loaded = loader.load(record(good, 5));
        assertEquals(trusted.keyId(), loaded.signerKeyId());
        assertEquals(Status.VERIFIED, loaded.trust().status());

        assertRejected(loader, record(TestModels.random(8, 2), 6), ModelRejectedException.Reason.UNSIGNED);
        assertRejected(loader, record(strangerSigner.sign(TestModels.random(8, 3)), 7),
                ModelRejectedException.Reason.UNKNOWN_SIGNER);
        ModelRecord forged = record(tampered(good), 8);
        ModelRejectedException bad = assertRejected(loader, forged, ModelRejectedException.Reason.BAD_SIGNATURE);
        assertTrue(bad.getMessage().contains(trusted.keyId()), bad.getMessage());
        // A second, trusted signature over the same content is enough even beside an unknown one.
        ModelArtifact both = trustedSigner.sign(strangerSigner.sign(TestModels.random(8, 4)));
        assertEquals(trusted.keyId(), loader.load(record(both, 9)).signerKeyId());
        assertEquals(List.of(), untrusted, "require rejects; nothing is accepted untrusted");
    }

    @Test
    void warnAcceptsEverythingAndCountsEachUntrustedArtifactOnce() throws Exception {
        ModelLoader loader = loader("warn");
        ModelRecord unsigned = record(TestModels.random(8, 2), 1);
        LoadedModel a = loader.load(unsigned);
        loader.load(unsigned);
        assertEquals(Status.UNSIGNED, a.trust().status());
        assertNull(a.signerKeyId());
        LoadedModel b = loader.load(record(strangerSigner.sign(TestModels.random(8, 3)), 2));
        assertEquals(Status.UNKNOWN_SIGNER, b.trust().status());
        assertEquals(strangerSigner.keyId(), b.trust().keyId(), "the claimed signer is told, not verified");
        assertNull(b.signerKeyId());
        ModelArtifact good = trustedSigner.sign(TestModels.random(8, 1));
        assertEquals(Status.BAD_SIGNATURE, loader.load(record(tampered(good), 3)).trust().status());
        assertEquals(trusted.keyId(), loader.load(record(good, 4)).signerKeyId());
        assertEquals(List.of(Status.UNSIGNED, Status.UNKNOWN_SIGNER, Status.BAD_SIGNATURE), untrusted,
                "one count per untrusted artifact, none for the verified one");
    }

    @Test
    void offDoesNotLookAtSignatures() throws Exception {
        ModelLoader loader = loader("off");
        ModelArtifact good = trustedSigner.sign(TestModels.random(8, 1));
        LoadedModel t = loader.load(record(tampered(good), 1));
        assertEquals(Status.NOT_CHECKED, t.trust().status());
        assertNull(loader.load(record(good, 2)).signerKeyId(), "not checked, so not verified either");
        assertEquals(List.of(), untrusted);
        assertEquals(Status.NOT_CHECKED, new ModelLoader(PairScorerFactory.SCALAR, 0, Clock.systemUTC())
                .load(record(good, 3)).trust().status(), "the tools' loader does not check");
    }

    @Test
    void requireWithoutKeysIsRefusedAtStartup() {
        assertTrue(assertThrows(UserInputException.class, () -> TrustPolicy.of("require", "", s -> { }))
                .getMessage().contains("model.trust.keys"));
        UserInputException config = assertThrows(UserInputException.class, () -> ScoringConfig.of(Map.of(
                "bootstrap.servers", "x:1", "registry.url", "http://x", "model.trust.mode", "require")));
        assertTrue(config.getMessage().contains("model.trust.mode=require needs model.trust.keys"), config.getMessage());
        UserInputException mode = assertThrows(UserInputException.class, () -> ScoringConfig.of(Map.of(
                "bootstrap.servers", "x:1", "registry.url", "http://x", "model.trust.mode", "strict")));
        assertTrue(mode.getMessage().contains("must be one of [off, warn, require]"), mode.getMessage());
        assertEquals("warn", ScoringConfig.of(Map.of("bootstrap.servers", "x:1", "registry.url", "http://x"))
                .get(ScoringConfig.TRUST_MODE), "warn by default: unsigned deployments keep working");
    }

    private static ModelRejectedException assertRejected(ModelLoader loader, ModelRecord r, ModelRejectedException.Reason reason) {
        ModelRejectedException e = assertThrows(ModelRejectedException.class, () -> loader.load(r));
        assertEquals(reason, e.reason(), e.getMessage());
        return e;
    }
}
