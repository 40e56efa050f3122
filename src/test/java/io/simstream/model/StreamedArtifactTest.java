package io.simstream.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.simstream.bench.BenchModels;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Reading an artifact as a stream gives what reading its byte[] gives, and refuses what that refuses. */
class StreamedArtifactTest {
    /** Three members: the multi-member format, with a body of a few hundred KB. */
    private final ModelArtifact ensemble = BenchModels.ensemble(16, new int[] {256, 128}, 3, 3);
    private final byte[] bytes = ensemble.toBytes();

    /** Hands out at most n bytes per read, as a chunk boundary or a network would. */
    private static InputStream trickle(byte[] b, int n) {
        return new FilterInputStream(new ByteArrayInputStream(b)) {
            @Override
            public int read(byte[] buf, int off, int len) throws IOException {
                return super.read(buf, off, Math.min(len, n));
            }
        };
    }

    @Test
    void aStreamInOddPiecesReadsAsTheBytesDo() throws Exception {
        for (int piece : new int[] {1, 7, 4093, 1 << 20}) {
            InputStream in = trickle(bytes, piece);
            StreamedArtifact read = StreamedArtifact.read(in, bytes.length);
            ModelArtifact expected = ModelArtifact.fromBytes(bytes);
            assertArrayEquals(expected.toBytes(), read.artifact().toBytes(), "piece " + piece);
            assertEquals(ModelArtifact.sha256Hex(bytes), read.sha256());
            assertArrayEquals(ModelDigest.of(bytes), read.contentDigest());
            assertEquals(bytes.length, read.size());
        }
        assertEquals(3, ensemble.ensembleSize());
        assertEquals(3, ModelArtifact.fromBytes(bytes).ensembleSize());
    }

    @Test
    void truncatedCorruptLongerOrOversizedArtifactsAreRefused() {
        byte[] truncated = Arrays.copyOf(bytes, bytes.length - 10);
        assertThrows(InvalidModelException.class, () -> StreamedArtifact.read(new ByteArrayInputStream(truncated),
                bytes.length));
        byte[] flipped = bytes.clone();
        flipped[bytes.length / 2] ^= 1;
        InvalidModelException checksum = assertThrows(InvalidModelException.class,
                () -> StreamedArtifact.read(new ByteArrayInputStream(flipped), bytes.length));
        assertTrue(checksum.getMessage().contains("checksum"), checksum.getMessage());
        byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
        assertThrows(InvalidModelException.class, () -> StreamedArtifact.read(new ByteArrayInputStream(longer),
                bytes.length + 1));
        InvalidModelException tooLarge = assertThrows(InvalidModelException.class,
                () -> StreamedArtifact.read(new ByteArrayInputStream(bytes), bytes.length - 1));
        assertTrue(tooLarge.getMessage().contains("larger than") || tooLarge.getMessage().contains("does not fit"),
                tooLarge.getMessage());
    }
}
