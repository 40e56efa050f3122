package io.simstream.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.simstream.avro.ModelRecord;
import io.simstream.lifecycle.ModelLoader;
import io.simstream.lifecycle.ModelRecords;
import io.simstream.testkit.TestModels;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The content digest signatures cover: what it ignores, what it catches, and that it can be streamed. */
class ModelDigestTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static ModelArtifact model(long seed) {
        ObjectNode provenance = JSON.createObjectNode().put("madeBy", "train");
        provenance.putObject("data").putObject("training").put("file", "train.csv").put("rows", 100);
        return TestModels.random(8, seed).toBuilder().provenance(provenance).build();
    }

    @Test
    void nameAndVersionAreNotCoveredSoPublishingKeepsTheDigest() throws Exception {
        ModelArtifact a = model(1);
        byte[] digest = a.contentDigest();
        assertArrayEquals(digest, a.withName("other").withVersion(77).contentDigest());
        // What publish sends: re-stamped by ModelRecords.of, bytes different, digest the same.
        ModelRecord record = ModelRecords.of(a, "prod", 12, Map.of(), Instant.now());
        byte[] sent = ModelLoader.toArray(record.getArtifact());
        assertFalse(Arrays.equals(a.toBytes(), sent), "the record's bytes carry the new name and version");
        assertArrayEquals(digest, ModelDigest.of(sent));
        // ... and again after the scorer parses it and a rollback republishes it.
        ModelArtifact parsed = ModelArtifact.fromBytes(sent);
        assertArrayEquals(digest, ModelDigest.of(ModelLoader.toArray(
                ModelRecords.of(parsed, "prod", 13, Map.of(), Instant.now()).getArtifact())));
    }

    @Test
    void everyWeightThresholdNormalizerAndProvenanceChangeChangesTheDigest() throws Exception {
        ModelArtifact a = model(2);
        byte[] digest = a.contentDigest();
        // Each float of the body, one bit flipped at a time (every position in a small model).
        byte[] bytes = a.toBytes();
        int bodyStart = ModelDigest.Layout.of(bytes).bodyStart();
        for (int i = bodyStart; i < bytes.length - ModelArtifact.SHA_LEN; i++) {
            byte[] changed = bytes.clone();
            changed[i] ^= 1;
            assertFalse(Arrays.equals(digest, ModelDigest.of(changed)), "body byte " + i);
        }
        assertFalse(Arrays.equals(digest, a.toBuilder().threshold(Math.nextUp(a.threshold())).build().contentDigest()));
        assertFalse(Arrays.equals(digest, a.toBuilder().margin(2f).build().contentDigest()));
        assertFalse(Arrays.equals(digest, a.toBuilder().createdAt(a.createdAt().plusMillis(1)).build().contentDigest()));
        ObjectNode p = ((ObjectNode) a.provenance()).deepCopy();
        ((ObjectNode) p.get("data").get("training")).put("rows", 101);
        assertFalse(Arrays.equals(digest, a.toBuilder().provenance(p).build().contentDigest()));
        assertFalse(Arrays.equals(digest, a.toBuilder().trainingMetrics(JSON.createObjectNode().put("x", 1))
                .build().contentDigest()));
        float[] scale = a.normalizer().scale().clone();
        scale[0] += 1e-3f;
        assertFalse(Arrays.equals(digest, a.toBuilder().normalizer(new Normalizer(a.normalizer().mean(), scale))
                .build().contentDigest()));
    }

    @Test
    void headerFieldOrderDoesNotMatterButEveryHeaderValueDoes() throws Exception {
        ModelArtifact a = model(3);
        byte[] bytes = a.toBytes();
        ObjectNode header = (ObjectNode) ModelArtifact.header(bytes);
        ObjectNode reversed = JSON.createObjectNode();
        List<String> names = new ArrayList<>();
        header.fieldNames().forEachRemaining(names::add);
        for (int i = names.size() - 1; i >= 0; i--) {
            reversed.set(names.get(i), header.get(names.get(i)));
        }
        assertArrayEquals(ModelDigest.of(bytes), ModelDigest.of(withHeader(bytes, reversed)));
        ObjectNode changed = header.deepCopy().put("head", "bce");
        assertFalse(Arrays.equals(ModelDigest.of(bytes), ModelDigest.of(withHeader(bytes, changed))));
    }

    @Test
    void floatsThatPrintAwkwardlyKeepTheirDigestThroughParseAndRewrite() throws Exception {
        for (float t : new float[] {0.1f, 1e-7f, 3.4028235e38f, 1.17549435E-38f, 0.33333334f, -0f, 2.0E-3f, 123456.79f}) {
            ModelArtifact a = model(4).toBuilder().threshold(t).build();
            byte[] digest = a.contentDigest();
            ModelArtifact twice = ModelArtifact.fromBytes(ModelArtifact.fromBytes(a.toBytes()).withVersion(5).toBytes());
            assertArrayEquals(digest, twice.contentDigest(), "threshold " + t);
        }
    }

    @Test
    void unknownHeaderFieldsRoundTripAndAreCovered() throws Exception {
        ModelArtifact a = model(5);
        ObjectNode header = (ObjectNode) ModelArtifact.header(a.toBytes());
        header.putObject("calibrationCurve").put("mean", 0.25).putArray("bins").add(1).add(2);
        byte[] newer = withHeader(a.toBytes(), header);
        ModelArtifact read = ModelArtifact.fromBytes(newer);
        assertEquals(header.get("calibrationCurve"), read.otherHeaderFields().get("calibrationCurve"));
        byte[] republished = ModelLoader.toArray(ModelRecords.of(read, "x", 2, Map.of(), Instant.now()).getArtifact());
        assertEquals(header.get("calibrationCurve"), ModelArtifact.header(republished).get("calibrationCurve"));
        assertArrayEquals(ModelDigest.of(newer), ModelDigest.of(republished));
        assertFalse(Arrays.equals(a.contentDigest(), ModelDigest.of(newer)), "the unknown field is covered");
    }

    @Test
    void streamingGivesTheSameDigestInAnyPiecesAndChecksTheTrailer() throws Exception {
        ModelArtifact a = model(6).withSignature(new ArtifactSignature("0123456789abcdef", "Ed25519", "c2ln"));
        byte[] bytes = a.toBytes();
        byte[] expected = ModelDigest.of(bytes);
        Random rnd = new Random(1);
        for (int piece : new int[] {1, 7, 31, 32, 33, 1000, bytes.length, -1}) {
            ModelDigest.Stream s = new ModelDigest.Stream();
            for (int i = 0; i < bytes.length; ) {
                int n = Math.min(bytes.length - i, piece > 0 ? piece : 1 + rnd.nextInt(64));
                s.update(bytes, i, n);
                i += n;
            }
            assertArrayEquals(expected, s.finish(), "pieces of " + piece);
            assertEquals("Ed25519", s.header().get("signatures").get(0).get("algorithm").asText());
        }
        ModelDigest.Stream truncated = new ModelDigest.Stream().update(bytes, 0, bytes.length - 1);
        assertThrows(InvalidModelException.class, truncated::finish);
        byte[] corrupt = bytes.clone();
        corrupt[corrupt.length - 40] ^= 1;
        ModelDigest.Stream s = new ModelDigest.Stream().update(corrupt, 0, corrupt.length);
        assertTrue(assertThrows(InvalidModelException.class, s::finish).getMessage().contains("checksum"));
        byte[] notAModel = "definitely not a simstream model, but long enough".getBytes(StandardCharsets.US_ASCII);
        assertThrows(InvalidModelException.class, () -> new ModelDigest.Stream().update(notAModel, 0, notAModel.length));
    }

    @Test
    void theIncrementalApiIsTheDocumentedFormula() throws Exception {
        ModelArtifact a = model(7);
        byte[] bytes = a.toBytes();
        ModelDigest.Layout layout = ModelDigest.Layout.of(bytes);
        ObjectNode covered = ((ObjectNode) layout.header()).deepCopy();
        covered.remove(List.of("name", "version", "signatures"));
        byte[] canonical = CanonicalJson.bytes(covered);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update("simstream-model-content-v1\n".getBytes(StandardCharsets.US_ASCII));
        sha.update((byte) 1);
        sha.update(ByteBuffer.allocate(8).putLong(canonical.length).array());
        sha.update(canonical);
        sha.update(bytes, layout.bodyStart(), bytes.length - 32 - layout.bodyStart());
        assertArrayEquals(sha.digest(), a.contentDigest());
        assertTrue(new String(canonical, StandardCharsets.UTF_8).startsWith("{\"createdAt\":"), "keys sorted");
    }

    /** The artifact with another header, its length and checksum trailer made right again. */
    static byte[] withHeader(byte[] artifact, ObjectNode header) throws Exception {
        ModelDigest.Layout layout = ModelDigest.Layout.of(artifact);
        byte[] h = JSON.writeValueAsBytes(header);
        int body = artifact.length - ModelArtifact.SHA_LEN - layout.bodyStart();
        ByteBuffer out = ByteBuffer.allocate(ModelDigest.PRELUDE + h.length + body + ModelArtifact.SHA_LEN)
                .order(ByteOrder.LITTLE_ENDIAN);
        out.put(artifact, 0, ModelArtifact.MAGIC.length + 1).putInt(h.length).put(h).put(artifact, layout.bodyStart(), body);
        byte[] bytes = out.array();
        byte[] sum = MessageDigest.getInstance("SHA-256").digest(Arrays.copyOf(bytes, bytes.length - ModelArtifact.SHA_LEN));
        System.arraycopy(sum, 0, bytes, bytes.length - ModelArtifact.SHA_LEN, ModelArtifact.SHA_LEN);
        return bytes;
    }
}
