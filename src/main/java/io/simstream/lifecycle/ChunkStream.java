package io.simstream.lifecycle;

import io.simstream.avro.ModelChunk;
import io.simstream.avro.ModelRecord;
import io.simstream.lifecycle.ModelRejectedException.Reason;
import io.simstream.topics.ModelKeys;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The artifact of a MANIFEST record, read chunk by chunk from wherever the chunks are kept (the
 * scorer's store, a topic): each chunk is fetched only when the previous one is used up, and it is
 * checked against the manifest (key, kind, name, version, size, SHA-256) before any of its bytes
 * pass. So at most one chunk is held at a time, and a missing or changed chunk stops the read with
 * a {@link Problem} that says which reason to reject the manifest with.
 */
public final class ChunkStream extends InputStream {
    /** Where the chunk records are; null for a chunk that is not there. */
    @FunctionalInterface
    public interface Chunks {
        ModelRecord chunk(String key) throws IOException;
    }

    /** Why the chunks cannot make the manifest's artifact: the reason to reject it with. */
    public static final class Problem extends IOException {
        private final Reason reason;

        public Problem(Reason reason, String message) {
            super(message);
            this.reason = reason;
        }

        public Reason reason() {
            return reason;
        }
    }

    private final ModelRecord manifest;
    private final Chunks chunks;
    private final List<ModelChunk> listed;
    private int next;
    private ByteBuffer current = ByteBuffer.allocate(0);

    public ChunkStream(ModelRecord manifest, Chunks chunks) {
        this.manifest = manifest;
        this.chunks = chunks;
        this.listed = manifest.getChunks();
    }

    /**
     * A manifest that could describe an artifact at all: chunks listed under the keys of its own
     * name and version (so no manifest can point at chunks that another version's tombstones
     * remove), and sizes that add up to totalBytes.
     */
    public static String problemWith(ModelRecord manifest) {
        List<ModelChunk> listed = manifest.getChunks();
        if (listed == null || listed.isEmpty()) {
            return "manifest lists no chunks";
        }
        long sum = 0;
        for (int i = 0; i < listed.size(); i++) {
            ModelChunk c = listed.get(i);
            String expected = ModelKeys.chunk(manifest.getName(), manifest.getVersion(), i);
            if (!expected.equals(c.getKey())) {
                return "chunk " + i + " is listed under key '" + c.getKey() + "', expected '" + expected + "'";
            }
            if (c.getSize() <= 0) {
                return "chunk " + i + " has size " + c.getSize();
            }
            sum += c.getSize();
        }
        return sum == manifest.getTotalBytes() ? null
                : "chunk sizes add up to " + sum + " bytes, the manifest says " + manifest.getTotalBytes();
    }

    @Override
    public int read() throws IOException {
        if (!ensure()) {
            return -1;
        }
        return current.get() & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (!ensure()) {
            return -1;
        }
        int n = Math.min(len, current.remaining());
        current.get(b, off, n);
        return n;
    }

    private boolean ensure() throws IOException {
        while (!current.hasRemaining()) {
            if (next >= listed.size()) {
                return false;
            }
            current = fetch(next++);
        }
        return true;
    }

    private ByteBuffer fetch(int index) throws IOException {
        ModelChunk want = listed.get(index);
        String what = "chunk " + index + " of " + listed.size() + " ('" + want.getKey() + "') of model '"
                + manifest.getName() + "' v" + manifest.getVersion();
        ModelRecord chunk = chunks.chunk(want.getKey());
        if (chunk == null) {
            throw new Problem(Reason.CHUNK_MISSING, what + " is not on the topic");
        }
        if (RecordKind.of(chunk) != RecordKind.CHUNK || !manifest.getName().equals(chunk.getName())
                || chunk.getVersion() != manifest.getVersion()) {
            throw new Problem(Reason.CHUNK_MISMATCH, what + " is a " + chunk.getKind() + " record of '"
                    + chunk.getName() + "' v" + chunk.getVersion());
        }
        ByteBuffer bytes = chunk.getArtifact().duplicate();
        if (bytes.remaining() != want.getSize()) {
            throw new Problem(Reason.CHUNK_MISMATCH, what + " has " + bytes.remaining() + " bytes, the manifest lists "
                    + want.getSize());
        }
        String sha = sha256(bytes.duplicate());
        if (!sha.equalsIgnoreCase(want.getSha256()) || !sha.equalsIgnoreCase(chunk.getSha256())) {
            throw new Problem(Reason.CHUNK_MISMATCH, what + " hashes to " + sha + ", the manifest lists "
                    + want.getSha256());
        }
        return bytes;
    }

    static String sha256(ByteBuffer bytes) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(bytes);
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }
}
