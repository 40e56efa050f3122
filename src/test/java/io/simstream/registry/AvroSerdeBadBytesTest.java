package io.simstream.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.simstream.avro.DeadLetter;
import io.simstream.avro.PairDecision;
import io.simstream.avro.VectorPair;
import io.simstream.testkit.SampleRecords;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/**
 * Every way bytes can be bad yields the typed SerdeException with the right kind, promptly (the
 * timeouts are hang guards, far above the milliseconds these take). In-memory registry: this is
 * about the wire format, not the registry.
 */
class AvroSerdeBadBytesTest {
    private static final Duration HANG_GUARD = Duration.ofSeconds(30);
    private static final String TOPIC = "pairs";

    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private final AvroSerde<VectorPair> serde = new AvroSerde<>(registry, VectorPair.getClassSchema(), false, true);
    private final byte[] valid = serde.serialize(TOPIC, SampleRecords.vectorPair("p-1"));
    private final int id = AvroSerde.schemaIdOf(valid);

    private SerdeException fails(byte[] bytes) {
        return assertTimeoutPreemptively(HANG_GUARD, () -> assertThrows(SerdeException.class, () -> serde.deserialize(bytes)));
    }

    private void assertKind(SerdeException.Kind kind, byte[] bytes) {
        SerdeException e = fails(bytes);
        assertEquals(kind, e.kind(), e.getMessage());
        assertTrue(e.getMessage().startsWith(kind.name()), "the message names the kind: " + e.getMessage());
    }

    /** header(id) + body bytes. */
    private static byte[] wire(int schemaId, byte[] body) {
        ByteBuffer b = ByteBuffer.allocate(5 + body.length).put((byte) 0).putInt(schemaId).put(body);
        return b.array();
    }

    /** Avro zig-zag varint. */
    private static byte[] varLong(long v) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long z = (v << 1) ^ (v >> 63);
        while ((z & ~0x7FL) != 0) {
            out.write((int) ((z & 0x7f) | 0x80));
            z >>>= 7;
        }
        out.write((int) z);
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** VectorPair body up to (excluding) the left array: id "a". */
    private static byte[] idA() {
        return concat(varLong(1), new byte[] {'a'});
    }

    @Test
    void validBytesRoundTripAndNullStaysNull() {
        assertEquals(SampleRecords.vectorPair("p-1"), serde.deserialize(valid));
        assertNull(serde.deserializer().deserialize(TOPIC, null));
        assertNull(serde.serializer().serialize(TOPIC, null));
    }

    @Test
    void unknownMagicByte() {
        byte[] bad = valid.clone();
        bad[0] = 1;
        assertKind(SerdeException.Kind.UNKNOWN_MAGIC_BYTE, bad);
        assertKind(SerdeException.Kind.UNKNOWN_MAGIC_BYTE, "{\"id\":\"p-1\"}".getBytes());
    }

    @Test
    void unknownSchemaId() {
        byte[] bad = valid.clone();
        ByteBuffer.wrap(bad).putInt(1, 4242);
        SerdeException e = fails(bad);
        assertEquals(SerdeException.Kind.UNKNOWN_SCHEMA_ID, e.kind());
        assertTrue(e.getMessage().contains("4242"), e.getMessage());
        assertKind(SerdeException.Kind.UNKNOWN_SCHEMA_ID, wire(0, new byte[] {2, 'a'}));
        assertKind(SerdeException.Kind.UNKNOWN_SCHEMA_ID, wire(-7, new byte[] {2, 'a'}));
    }

    @Test
    void shorterThanTheHeader() {
        assertKind(SerdeException.Kind.TRUNCATED, new byte[0]);
        assertKind(SerdeException.Kind.TRUNCATED, new byte[] {0, 0, 0});
    }

    @Test
    void everyStrictPrefixOfAValidRecordIsTruncated() {
        // Avro binary is prefix-free for a given schema, so each cut-short payload must be reported as such.
        for (int len = 5; len < valid.length; len++) {
            assertKind(SerdeException.Kind.TRUNCATED, Arrays.copyOf(valid, len));
        }
    }

    @Test
    void giantArrayLengthFailsWithoutAllocating() {
        // The left array claims 2^30 floats (4 GiB) and 2^62; with 8 bytes following.
        for (long count : new long[] {1L << 30, Integer.MAX_VALUE, 1L << 62, Long.MAX_VALUE, -(1L << 40)}) {
            byte[] body = concat(idA(), varLong(count), varLong(8), new byte[8]);
            assertKind(SerdeException.Kind.SCHEMA_MISMATCH, wire(id, body));
        }
    }

    @Test
    void giantStringOrBytesLengthFails() {
        assertKind(SerdeException.Kind.SCHEMA_MISMATCH, wire(id, concat(varLong(1L << 40), new byte[16])));
        assertKind(SerdeException.Kind.SCHEMA_MISMATCH, wire(id, concat(varLong(Integer.MAX_VALUE), new byte[16])));
        // DeadLetter's originalKey is bytes: a length of 2 GiB in 3 bytes of payload.
        AvroSerde<DeadLetter> dl = new AvroSerde<>(registry, DeadLetter.getClassSchema(), false, true);
        int dlId = AvroSerde.schemaIdOf(dl.serialize("dlq", SampleRecords.deadLetter("k")));
        SerdeException e = assertTimeoutPreemptively(HANG_GUARD,
                () -> assertThrows(SerdeException.class, () -> dl.deserialize(wire(dlId, concat(varLong(1), varLong(Integer.MAX_VALUE - 8L), new byte[3])))));
        assertEquals(SerdeException.Kind.SCHEMA_MISMATCH, e.kind(), e.getMessage());
    }

    @Test
    void aPlausibleLengthBeyondTheEndIsTruncated() {
        // 100 floats need 400 bytes; 12 are there: a cut-short record, not garbage.
        assertKind(SerdeException.Kind.TRUNCATED, wire(id, concat(idA(), varLong(100), new byte[12])));
    }

    @Test
    void negativeLengthsBadUnionIndexAndOverlongVarints() {
        assertKind(SerdeException.Kind.SCHEMA_MISMATCH, wire(id, concat(varLong(-3), new byte[8])));
        byte[] emptyArrays = concat(idA(), varLong(0), varLong(0), varLong(1_000));
        assertKind(SerdeException.Kind.SCHEMA_MISMATCH, wire(id, concat(emptyArrays, varLong(5))));
        assertKind(SerdeException.Kind.SCHEMA_MISMATCH, wire(id, concat(emptyArrays, varLong(-1))));
        byte[] elevenByteVarint = new byte[11];
        Arrays.fill(elevenByteVarint, (byte) 0xff);
        assertKind(SerdeException.Kind.SCHEMA_MISMATCH, wire(id, elevenByteVarint));
        // A valid record without its union is truncated; with the union index 0 (null) it decodes.
        assertKind(SerdeException.Kind.TRUNCATED, wire(id, emptyArrays));
        assertEquals("a", serde.deserialize(wire(id, concat(emptyArrays, varLong(0)))).getId());
    }

    @Test
    void trailingBytesAreAMismatch() {
        assertKind(SerdeException.Kind.SCHEMA_MISMATCH, concat(valid, new byte[] {0}));
    }

    @Test
    void booleanOtherThanZeroOrOneIsAMismatch() {
        AvroSerde<PairDecision> pd = new AvroSerde<>(registry, PairDecision.getClassSchema(), false, true);
        byte[] ok = pd.serialize("decisions", SampleRecords.pairDecision("x"));
        // Layout: pairId "x" (2 bytes), score (4), then the boolean `same`.
        int sameAt = 5 + 2 + 4;
        assertEquals(0, ok[sameAt], "sample decision has same=false");
        byte[] bad = ok.clone();
        bad[sameAt] = 7;
        SerdeException e = assertThrows(SerdeException.class, () -> pd.deserialize(bad));
        assertEquals(SerdeException.Kind.SCHEMA_MISMATCH, e.kind(), e.getMessage());
        bad[sameAt] = 1;
        assertTrue(pd.deserialize(bad).getSame(), "flipping the byte to 1 is a valid record");
    }

    @Test
    void recordOfAnotherTypeIsAMismatch() {
        AvroSerde<DeadLetter> dl = new AvroSerde<>(registry, DeadLetter.getClassSchema(), false, true);
        byte[] deadLetterBytes = dl.serialize("dlq", SampleRecords.deadLetter("k"));
        SerdeException e = fails(deadLetterBytes);
        assertEquals(SerdeException.Kind.SCHEMA_MISMATCH, e.kind());
        assertTrue(e.getMessage().contains("DeadLetter") && e.getMessage().contains("VectorPair"), e.getMessage());
    }

    @Test
    void randomGarbageNeverHangsNorEscapesAsAnotherException() {
        Random rnd = new Random(42);
        assertTimeoutPreemptively(HANG_GUARD, () -> {
            for (int i = 0; i < 20_000; i++) {
                byte[] body = new byte[rnd.nextInt(64)];
                rnd.nextBytes(body);
                byte[] bytes = wire(id, body);
                try {
                    serde.deserialize(bytes);
                } catch (SerdeException e) {
                    assertTrue(e.kind() == SerdeException.Kind.TRUNCATED || e.kind() == SerdeException.Kind.SCHEMA_MISMATCH, e.getMessage());
                } catch (RuntimeException e) {
                    throw new AssertionError("garbage " + Arrays.toString(bytes) + " escaped as " + e, e);
                }
            }
        });
    }

    @Test
    void randomlyCorruptedValidRecordsNeverHang() {
        Random rnd = new Random(7);
        assertTimeoutPreemptively(HANG_GUARD, () -> {
            for (int i = 0; i < 20_000; i++) {
                byte[] bytes = valid.clone();
                for (int flips = 1 + rnd.nextInt(3); flips > 0; flips--) {
                    bytes[5 + rnd.nextInt(bytes.length - 5)] = (byte) rnd.nextInt(256);
                }
                try {
                    serde.deserialize(bytes);
                } catch (SerdeException e) {
                    assertTrue(e.kind() == SerdeException.Kind.TRUNCATED || e.kind() == SerdeException.Kind.SCHEMA_MISMATCH, e.getMessage());
                }
            }
        });
    }

    @Test
    void encodeFailuresAreTyped() {
        VectorPair missingId = SampleRecords.vectorPair("x");
        missingId.setId(null);
        SerdeException e = assertThrows(SerdeException.class, () -> serde.serialize(TOPIC, missingId));
        assertEquals(SerdeException.Kind.ENCODE, e.kind());

        AvroSerde<VectorPair> noAutoRegister = new AvroSerde<>(new InMemorySchemaRegistry(), VectorPair.getClassSchema(), false, false);
        SerdeException unregistered = assertThrows(SerdeException.class, () -> noAutoRegister.serialize(TOPIC, SampleRecords.vectorPair("x")));
        assertEquals(SerdeException.Kind.ENCODE, unregistered.kind());
        assertTrue(unregistered.getMessage().contains("pairs-value") && unregistered.getMessage().contains("auto.register.schemas is false"),
                unregistered.getMessage());

        AvroSerde<VectorPair> input = AvroSerde.forInput(new InMemorySchemaRegistry(), VectorPair.getClassSchema(), TOPIC);
        SerdeException neverWritten = assertThrows(SerdeException.class, () -> input.serialize(TOPIC, SampleRecords.vectorPair("x")));
        assertTrue(neverWritten.getMessage().contains("never writes the subject of a topic it reads"), neverWritten.getMessage());
        // Other subjects (a changelog's) follow the settings.
        input.serialize("app-store-changelog", SampleRecords.vectorPair("x"));
    }

    @Test
    void everyRecordTypeRoundTripsWithTopicNameSubjects() {
        for (SpecificRecord record : SampleRecords.all("r-1")) {
            @SuppressWarnings("unchecked")
            AvroSerde<SpecificRecord> s = new AvroSerde<>(registry, record.getSchema(), false, true);
            byte[] bytes = s.serialize("topic-" + record.getSchema().getName(), record);
            assertEquals(record, s.deserialize(bytes));
            assertEquals(AvroSerde.schemaIdOf(bytes), registry.lookupId("topic-" + record.getSchema().getName() + "-value", record.getSchema()));
            assertArrayEquals(bytes, s.serialize("topic-" + record.getSchema().getName(), record), "deterministic encoding");
        }
    }
}
