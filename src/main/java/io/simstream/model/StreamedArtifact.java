package io.simstream.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * An artifact read from a stream of bytes (the chunks of a large model, a file, an HTTP body)
 * straight into its float arrays: the bytes pass once through a 64 KiB buffer, the SHA-256 of the
 * whole artifact, the {@link ModelDigest content digest} and the checksum trailer are computed on
 * the way, and the artifact's bytes are never held whole. Peak heap is therefore the model's
 * floats (about the artifact's size) plus the buffer, not twice the artifact as
 * {@link ModelArtifact#fromBytes} needs.
 *
 * @param sha256        hex SHA-256 of every byte read (what a model record carries)
 * @param contentDigest what a signature covers
 * @param size          bytes read
 */
public record StreamedArtifact(ModelArtifact artifact, String sha256, byte[] contentDigest, long size) {
    private static final int BUFFER = 64 * 1024;

    /**
     * Reads one whole artifact of at most maxBytes from in (not closed here). Throws
     * InvalidModelException when the bytes are not a well-formed artifact (bad checksum trailer,
     * truncated, trailing bytes, too large), IOException when in does.
     */
    public static StreamedArtifact read(InputStream in, long maxBytes) throws IOException, InvalidModelException {
        try {
            return parse(in, maxBytes);
        } catch (WrappedInvalid e) {
            throw (InvalidModelException) e.getCause();
        } catch (EOFException e) {
            throw new InvalidModelException("artifact truncated: " + e.getMessage());
        }
    }

    private static StreamedArtifact parse(InputStream in, long maxBytes) throws IOException, InvalidModelException {
        Hashing hashing = new Hashing(in, maxBytes);
        byte[] prelude = hashing.readExactly(ModelDigest.PRELUDE);
        for (int i = 0; i < ModelArtifact.MAGIC.length; i++) {
            if (prelude[i] != ModelArtifact.MAGIC[i]) {
                throw new InvalidModelException("not a simstream model (bad magic)");
            }
        }
        int format = prelude[ModelArtifact.MAGIC.length];
        ModelArtifact.checkFormat(format);
        int headerLen = ByteBuffer.wrap(prelude, ModelArtifact.MAGIC.length + 1, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        if (headerLen <= 0 || headerLen > ModelArtifact.MAX_HEADER_BYTES || headerLen > maxBytes) {
            throw new InvalidModelException("bad header length " + headerLen);
        }
        JsonNode header = ModelDigest.parseHeader(hashing.readExactly(headerLen), 0, headerLen);
        ModelArtifact artifact;
        try {
            artifact = ModelArtifact.fromParts(format, header, hashing);
        } catch (InvalidModelException | IOException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new InvalidModelException("malformed artifact: " + e, e);
        }
        hashing.readExactly(ModelArtifact.SHA_LEN);
        if (hashing.read() >= 0) {
            throw new InvalidModelException("unexpected bytes after the artifact's checksum");
        }
        byte[] digest = hashing.content.finish();
        return new StreamedArtifact(artifact, HexFormat.of().formatHex(hashing.whole.digest()), digest, hashing.count);
    }

    /** Reads in, hashing every byte twice (whole artifact; content digest and trailer). */
    private static final class Hashing implements ModelArtifact.FloatSource {
        private final InputStream in;
        private final long maxBytes;
        private final MessageDigest whole = ModelDigest.sha256();
        private final ModelDigest.Stream content = new ModelDigest.Stream();
        private final byte[] buffer = new byte[BUFFER];
        private long count;

        Hashing(InputStream in, long maxBytes) {
            this.in = in;
            this.maxBytes = maxBytes;
        }

        int read() throws IOException, InvalidModelException {
            int b = in.read();
            if (b >= 0) {
                buffer[0] = (byte) b;
                passed(buffer, 0, 1);
            }
            return b;
        }

        byte[] readExactly(int n) throws IOException, InvalidModelException {
            byte[] out = new byte[n];
            fill(out, 0, n);
            return out;
        }

        private void fill(byte[] into, int offset, int n) throws IOException, InvalidModelException {
            int done = 0;
            while (done < n) {
                int r = in.read(into, offset + done, n - done);
                if (r < 0) {
                    throw new InvalidModelException("artifact truncated after " + (count + done) + " bytes");
                }
                done += r;
            }
            passed(into, offset, n);
        }

        private void passed(byte[] bytes, int offset, int n) throws InvalidModelException {
            count += n;
            if (count > maxBytes) {
                throw new InvalidModelException("artifact larger than " + maxBytes + " bytes");
            }
            whole.update(bytes, offset, n);
            content.update(bytes, offset, n);
        }

        @Override
        public float[] next(int n) throws IOException {
            float[] out = new float[n];
            int done = 0;
            while (done < n) {
                int take = Math.min(n - done, BUFFER / 4);
                try {
                    fill(buffer, 0, take * 4);
                } catch (InvalidModelException e) {
                    throw new WrappedInvalid(e);
                }
                ByteBuffer.wrap(buffer, 0, take * 4).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out, done, take);
                done += take;
            }
            return out;
        }

        @Override
        public long remainingBytes() {
            return maxBytes - count;
        }
    }

    /** An InvalidModelException thrown where only IOException may pass (the float source). */
    private static final class WrappedInvalid extends IOException {
        WrappedInvalid(InvalidModelException cause) {
            super(cause.getMessage(), cause);
        }
    }
}
