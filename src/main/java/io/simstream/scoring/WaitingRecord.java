package io.simstream.scoring;

import io.simstream.avro.OriginalHeader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A pair waiting for a first model, as it arrived: key bytes, value bytes and headers. Stored as
 * plain bytes, so the waiting store needs no schema of its own in the registry and a pair that
 * leaves it (decision or dead letter) is exactly the pair that came in.
 */
record WaitingRecord(byte[] key, byte[] value, List<OriginalHeader> headers) {
    byte[] encode() {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + (value == null ? 0 : value.length));
            DataOutputStream out = new DataOutputStream(bytes);
            writeBytes(out, key);
            writeBytes(out, value);
            out.writeInt(headers.size());
            for (OriginalHeader h : headers) {
                out.writeUTF(h.getKey());
                writeBytes(out, h.getValue() == null ? null : copy(h.getValue()));
            }
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static WaitingRecord decode(byte[] stored) {
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(stored));
            byte[] key = readBytes(in);
            byte[] value = readBytes(in);
            int n = in.readInt();
            List<OriginalHeader> headers = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                String k = in.readUTF();
                byte[] v = readBytes(in);
                headers.add(new OriginalHeader(k, v == null ? null : ByteBuffer.wrap(v)));
            }
            return new WaitingRecord(key, value, headers);
        } catch (IOException e) {
            throw new UncheckedIOException("corrupt waiting-pairs store entry", e);
        }
    }

    private static byte[] copy(ByteBuffer b) {
        ByteBuffer d = b.duplicate();
        byte[] out = new byte[d.remaining()];
        d.get(out);
        return out;
    }

    private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
        out.writeInt(b == null ? -1 : b.length);
        if (b != null) {
            out.write(b);
        }
    }

    private static byte[] readBytes(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            return null;
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return b;
    }
}
