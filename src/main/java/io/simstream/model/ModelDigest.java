package io.simstream.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Set;

/**
 * The content digest of a model artifact: what a model signature covers.
 *
 * <p>SHA-256 over, in order: the domain prefix {@value #DOMAIN_TEXT} (so the digest can never be
 * mistaken for any other SHA-256 the project computes), the format byte, the 8-byte big-endian
 * length of the canonical header, the canonical header ({@link CanonicalJson}) without the fields
 * in {@link #UNCOVERED_FIELDS}, and the body bytes exactly as the artifact holds them (normalizer,
 * then every layer's weights and biases). Left out: name and version, which every publisher
 * re-stamps (so a signed artifact stays signed when published under any name or version, and a
 * rollback republishes it as it was), the signatures themselves, and the checksum trailer (a
 * function of the rest).
 *
 * <p>Incremental: {@link #begin} with the header, {@link #update} with body bytes in any pieces,
 * {@link #finish}; or {@link Stream} over a whole artifact arriving in pieces (chunked records)
 * which also checks the trailer. Both give what {@link #of(byte[])} gives for the same bytes.
 */
public final class ModelDigest {
    static final String DOMAIN_TEXT = "simstream-model-content-v1\n";
    private static final byte[] DOMAIN = DOMAIN_TEXT.getBytes(StandardCharsets.US_ASCII);
    /** Header fields the digest leaves out: re-stamped by publishers, or the signatures themselves. */
    public static final Set<String> UNCOVERED_FIELDS = Set.of("name", "version", "signatures");
    /** magic, format byte, header length. */
    static final int PRELUDE = ModelArtifact.MAGIC.length + 1 + 4;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final MessageDigest sha = sha256();

    private ModelDigest(int format, JsonNode header) {
        ObjectNode covered = header.deepCopy();
        covered.remove(UNCOVERED_FIELDS);
        byte[] canonical = CanonicalJson.bytes(covered);
        sha.update(DOMAIN);
        sha.update((byte) format);
        sha.update(ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN).putLong(canonical.length).array());
        sha.update(canonical);
    }

    /** Starts with the artifact's format byte and its header as parsed from the artifact's bytes. */
    public static ModelDigest begin(int format, JsonNode header) throws InvalidModelException {
        if (header == null || !header.isObject()) {
            throw new InvalidModelException("artifact header is not a JSON object");
        }
        return new ModelDigest(format, header);
    }

    /** The next body bytes. */
    public ModelDigest update(byte[] bytes, int offset, int length) {
        sha.update(bytes, offset, length);
        return this;
    }

    public ModelDigest update(ByteBuffer bytes) {
        sha.update(bytes);
        return this;
    }

    /** The 32-byte digest; the instance is spent. */
    public byte[] finish() {
        return sha.digest();
    }

    /** The content digest of a whole serialized artifact (its trailer is not checked here). */
    public static byte[] of(byte[] artifact) throws InvalidModelException {
        Layout layout = Layout.of(artifact);
        return begin(layout.format(), layout.header())
                .update(artifact, layout.bodyStart(), artifact.length - ModelArtifact.SHA_LEN - layout.bodyStart())
                .finish();
    }

    public static String hex(byte[] digest) {
        return HexFormat.of().formatHex(digest);
    }

    /** Where the parts of a serialized artifact are, and its header parsed. */
    record Layout(int format, JsonNode header, int bodyStart) {
        static Layout of(byte[] bytes) throws InvalidModelException {
            if (bytes == null || bytes.length < PRELUDE + ModelArtifact.SHA_LEN) {
                throw new InvalidModelException("artifact too short (" + (bytes == null ? 0 : bytes.length) + " bytes)");
            }
            if (!Arrays.equals(bytes, 0, ModelArtifact.MAGIC.length, ModelArtifact.MAGIC, 0, ModelArtifact.MAGIC.length)) {
                throw new InvalidModelException("not a simstream model (bad magic)");
            }
            int headerLen = ByteBuffer.wrap(bytes, ModelArtifact.MAGIC.length + 1, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
            if (headerLen <= 0 || headerLen > bytes.length - PRELUDE - ModelArtifact.SHA_LEN) {
                throw new InvalidModelException("bad header length " + headerLen);
            }
            return new Layout(bytes[ModelArtifact.MAGIC.length], parseHeader(bytes, PRELUDE, headerLen), PRELUDE + headerLen);
        }
    }

    static JsonNode parseHeader(byte[] bytes, int offset, int length) throws InvalidModelException {
        try {
            JsonNode header = JSON.readTree(new String(bytes, offset, length, StandardCharsets.UTF_8));
            if (header == null || !header.isObject()) {
                throw new InvalidModelException("artifact header is not a JSON object");
            }
            return header;
        } catch (IOException e) {
            throw new InvalidModelException("artifact header is not JSON: " + e.getMessage(), e);
        }
    }

    /**
     * The content digest of an artifact that arrives in pieces (e.g. the chunks of a large model),
     * without holding it whole: the prelude and header are parsed as they complete, body bytes are
     * hashed as they pass, and the last 32 bytes are held back until {@link #finish()}, which checks
     * them against the artifact's checksum (everything before the trailer) as well.
     */
    public static final class Stream {
        private final MessageDigest checksum = sha256();
        private final byte[] tail = new byte[ModelArtifact.SHA_LEN];
        private int tailLength;
        private final byte[] prelude = new byte[PRELUDE];
        private long released;
        private byte[] headerBytes;
        private int headerFilled;
        private ModelDigest content;
        private JsonNode header;
        private int format;

        public Stream update(byte[] bytes, int offset, int length) throws InvalidModelException {
            int keep = Math.min(ModelArtifact.SHA_LEN, tailLength + length);
            int release = tailLength + length - keep;
            // Release the oldest held-back bytes first, then the oldest of the new ones.
            int fromTail = Math.min(release, tailLength);
            if (fromTail > 0) {
                consume(tail, 0, fromTail);
                System.arraycopy(tail, fromTail, tail, 0, tailLength - fromTail);
                tailLength -= fromTail;
            }
            int fromNew = release - fromTail;
            if (fromNew > 0) {
                consume(bytes, offset, fromNew);
            }
            System.arraycopy(bytes, offset + fromNew, tail, tailLength, length - fromNew);
            tailLength += length - fromNew;
            return this;
        }

        /** Bytes known not to be the trailer, in artifact order. */
        private void consume(byte[] bytes, int offset, int length) throws InvalidModelException {
            checksum.update(bytes, offset, length);
            int i = offset;
            int end = offset + length;
            while (i < end && released < PRELUDE) {
                prelude[(int) released++] = bytes[i++];
                if (released == PRELUDE) {
                    startHeader();
                }
            }
            if (i < end && header == null) {
                int n = Math.min(end - i, headerBytes.length - headerFilled);
                System.arraycopy(bytes, i, headerBytes, headerFilled, n);
                headerFilled += n;
                i += n;
                released += n;
                if (headerFilled == headerBytes.length) {
                    header = parseHeader(headerBytes, 0, headerBytes.length);
                    content = begin(format, header);
                    headerBytes = null;
                }
            }
            if (i < end) {
                content.update(bytes, i, end - i);
                released += end - i;
            }
        }

        private void startHeader() throws InvalidModelException {
            if (!Arrays.equals(prelude, 0, ModelArtifact.MAGIC.length, ModelArtifact.MAGIC, 0, ModelArtifact.MAGIC.length)) {
                throw new InvalidModelException("not a simstream model (bad magic)");
            }
            format = prelude[ModelArtifact.MAGIC.length];
            int headerLen = ByteBuffer.wrap(prelude, ModelArtifact.MAGIC.length + 1, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
            if (headerLen <= 0 || headerLen > ModelArtifact.MAX_HEADER_BYTES) {
                throw new InvalidModelException("bad header length " + headerLen);
            }
            headerBytes = new byte[headerLen];
        }

        /** The header once it has arrived, else null. */
        public JsonNode header() {
            return header;
        }

        /** The content digest; throws when the artifact was truncated or its checksum does not match. */
        public byte[] finish() throws InvalidModelException {
            if (content == null || tailLength < ModelArtifact.SHA_LEN) {
                throw new InvalidModelException("artifact truncated (" + (released + tailLength) + " bytes)");
            }
            if (!Arrays.equals(checksum.digest(), tail)) {
                throw new InvalidModelException("artifact checksum mismatch (corrupted or truncated)");
            }
            return content.finish();
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }
}
