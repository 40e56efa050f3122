package io.simstream.lifecycle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.simstream.avro.ModelChunk;
import io.simstream.avro.ModelRecord;
import io.simstream.bench.BenchModels;
import io.simstream.lifecycle.ModelRejectedException.Reason;
import io.simstream.model.ModelArtifact;
import io.simstream.signing.ArtifactSigner;
import io.simstream.signing.KeyFiles;
import io.simstream.signing.TestKeys;
import io.simstream.signing.TrustedKeys;
import io.simstream.topics.ModelKeys;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A manifest loads from its chunks only when every chunk is there and is what the manifest lists,
 * and the whole artifact then passes the same checks as a MODEL record (SHA-256, signature under
 * require). A reference loads from a file when its bytes are what the record says.
 */
class ChunkedAndReferencedModelsTest {
    @TempDir
    Path dir;

    private final ModelArtifact model = BenchModels.wideEnsemble(16, 300_000, 5);

    private static ModelLoader loader() {
        return new ModelLoader(PairScorerFactory.SCALAR, 0, Clock.systemUTC());
    }

    private static Map<String, ModelRecord> byKey(ModelRecords.Split split) {
        Map<String, ModelRecord> m = new HashMap<>();
        for (int i = 0; i < split.chunks().size(); i++) {
            m.put(split.manifest().getChunks().get(i).getKey(), split.chunks().get(i));
        }
        return m;
    }

    @Test
    void aManifestLoadsFromItsChunksAsTheWholeRecordWould() throws Exception {
        ModelRecord whole = ModelRecords.of(model, "default", 4, Map.of(), Instant.now());
        ModelRecords.Split split = ModelRecords.split(whole, 64 * 1024);
        ModelRecord manifest = split.manifest();
        assertEquals(RecordKind.MANIFEST, RecordKind.of(manifest));
        assertEquals(0, manifest.getArtifact().remaining());
        assertEquals(whole.getSha256(), manifest.getSha256());
        assertEquals(whole.getArtifact().remaining(), manifest.getTotalBytes());
        int expectedChunks = (int) ((manifest.getTotalBytes() + 65535) / 65536);
        assertEquals(expectedChunks, split.chunks().size());
        for (int i = 0; i < expectedChunks; i++) {
            assertEquals(ModelKeys.chunk("default", 4, i), manifest.getChunks().get(i).getKey());
            assertTrue(ModelKeys.isChunk(manifest.getChunks().get(i).getKey()));
        }
        Map<String, ModelRecord> chunks = byKey(split);
        AtomicInteger reads = new AtomicInteger();
        LoadedModel loaded = loader().load(manifest, 0, key -> {
            reads.incrementAndGet();
            return chunks.get(key);
        });
        assertEquals(4L, loaded.version());
        assertEquals(whole.getSha256(), loaded.sha256());
        assertArrayEquals(loader().load(whole).artifact().toBytes(), loaded.artifact().toBytes());
        assertEquals(expectedChunks, reads.get(), "each chunk read once");
    }

    @Test
    void aMissingOrChangedChunkRejectsTheManifest() {
        ModelRecords.Split split = ModelRecords.split(ModelRecords.of(model, "default", 4, Map.of(), Instant.now()),
                64 * 1024);
        Map<String, ModelRecord> missing = byKey(split);
        missing.remove(ModelKeys.chunk("default", 4, 2));
        assertEquals(Reason.CHUNK_MISSING, assertThrows(ModelRejectedException.class,
                () -> loader().load(split.manifest(), 0, missing::get)).reason());

        Map<String, ModelRecord> changed = byKey(split);
        ModelRecord c = changed.get(ModelKeys.chunk("default", 4, 1));
        byte[] b = ModelLoader.toArray(c.getArtifact());
        b[100] ^= 1;
        changed.put(ModelKeys.chunk("default", 4, 1), ModelRecord.newBuilder(c).setArtifact(ByteBuffer.wrap(b)).build());
        ModelRejectedException e = assertThrows(ModelRejectedException.class,
                () -> loader().load(split.manifest(), 0, changed::get));
        assertEquals(Reason.CHUNK_MISMATCH, e.reason());
        assertTrue(e.getMessage().contains("chunk 1 of"), e.getMessage());

        // A chunk of another version under the right key (e.g. left over from an aborted publish).
        Map<String, ModelRecord> stale = byKey(split);
        ModelRecord other = stale.get(ModelKeys.chunk("default", 4, 0));
        stale.put(ModelKeys.chunk("default", 4, 0), ModelRecord.newBuilder(other).setVersion(3).build());
        assertEquals(Reason.CHUNK_MISMATCH, assertThrows(ModelRejectedException.class,
                () -> loader().load(split.manifest(), 0, stale::get)).reason());

        // A manifest that names another version's chunks is refused unread.
        List<ModelChunk> foreign = new ArrayList<>(split.manifest().getChunks());
        foreign.set(0, new ModelChunk(ModelKeys.chunk("default", 3, 0), foreign.get(0).getSha256(), foreign.get(0).getSize()));
        ModelRecord pointsElsewhere = ModelRecord.newBuilder(split.manifest()).setChunks(foreign).build();
        assertEquals(Reason.BAD_RECORD, assertThrows(ModelRejectedException.class,
                () -> loader().load(pointsElsewhere, 0, byKey(split)::get)).reason());
        assertEquals(Reason.BAD_RECORD, assertThrows(ModelRejectedException.class,
                () -> loader().load(split.manifest())).reason(), "a manifest without its chunks");
    }

    @Test
    void underRequireAChunkedModelIsVerifiedAgainstItsSignature() throws Exception {
        KeyFiles.Written team = TestKeys.generate(dir.resolve("team"), "team");
        ArtifactSigner signer = TestKeys.signer(team);
        TrustPolicy require = new TrustPolicy(TrustPolicy.Mode.REQUIRE, TrustedKeys.load(team.publicKey().toString()),
                s -> { });
        ModelLoader strict = new ModelLoader(PairScorerFactory.SCALAR, 0, Clock.systemUTC(), require);
        ModelRecords.Split signed = ModelRecords.split(ModelRecords.of(signer.sign(model), "default", 2, Map.of(),
                Instant.now()), 50_000);
        assertEquals(team.keyId(), strict.load(signed.manifest(), 0, byKey(signed)::get).signerKeyId());
        ModelRecords.Split unsigned = ModelRecords.split(ModelRecords.of(model, "default", 3, Map.of(), Instant.now()),
                50_000);
        assertEquals(Reason.UNSIGNED, assertThrows(ModelRejectedException.class,
                () -> strict.load(unsigned.manifest(), 0, byKey(unsigned)::get)).reason());
    }

    @Test
    void aReferenceLoadsFromAFileWhoseBytesMatchAndATamperedOneIsRejected() throws Exception {
        Path file = dir.resolve("m.simstream");
        byte[] bytes = model.toBytes();
        Files.write(file, bytes);
        ReferenceFetcher fetcher = new ReferenceFetcher(new ReferenceFetcher.Settings(Duration.ofSeconds(10),
                Duration.ofSeconds(1), 1L << 30), e -> { });
        ModelRecords.Reference ref = fetcher.inspect(file.toString());
        assertEquals(ModelArtifact.sha256Hex(bytes), ref.sha256());
        assertEquals(bytes.length, ref.totalBytes());
        ModelRecord record = ModelRecords.reference(ref, "default", 7, Map.of(), Instant.now(), Rollout.FULL);
        ModelLoader loader = new ModelLoader(PairScorerFactory.SCALAR, 0, Clock.systemUTC(), TrustPolicy.off(), fetcher);
        assertEquals(7L, loader.load(record).version());

        // Same size (same creation time, a threshold of the same printed length), other bytes.
        byte[] tampered = model.toBuilder().threshold(model.threshold() + 0.5f).build().toBytes();
        assertEquals(bytes.length, tampered.length);
        Files.write(file, tampered);
        assertEquals(Reason.SHA_MISMATCH, assertThrows(ModelRejectedException.class, () -> loader.load(record)).reason());
    }

    @Test
    void aMissingFileIsRetriedUntilTheRetryTimeThenRejectedAsUnreadable() {
        List<String> retried = new ArrayList<>();
        ReferenceFetcher fetcher = new ReferenceFetcher(new ReferenceFetcher.Settings(Duration.ofSeconds(5),
                Duration.ofSeconds(2), 1L << 30), retried::add);
        ModelRecord record = ModelRecords.reference(new ModelRecords.Reference(dir.resolve("absent").toString(),
                "00", 1000, "contrastive", 16, null), "default", 1, Map.of(), Instant.now(), Rollout.FULL);
        ModelLoader loader = new ModelLoader(PairScorerFactory.SCALAR, 0, Clock.systemUTC(), TrustPolicy.off(), fetcher);
        long start = System.nanoTime();
        ModelRejectedException e = assertThrows(ModelRejectedException.class, () -> loader.load(record));
        assertEquals(Reason.REFERENCE_UNREADABLE, e.reason());
        assertTrue(retried.size() >= 2, "retried: " + retried);
        assertTrue(System.nanoTime() - start >= Duration.ofMillis(1400).toNanos(), "waited before giving up");
        ModelRecord ftp = ModelRecord.newBuilder(record).setUri("ftp://example.invalid/m").build();
        assertEquals(Reason.BAD_RECORD, assertThrows(ModelRejectedException.class, () -> loader.load(ftp)).reason());
    }
}
