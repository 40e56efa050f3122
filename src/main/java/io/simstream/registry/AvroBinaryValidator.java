package io.simstream.registry;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;

/**
 * Walks Avro binary against its writer schema before Avro decodes it, so that bad bytes fail fast
 * with a typed {@link SerdeException} instead of making Avro allocate what a garbage length
 * declares (a float array "of 2 billion items" would be 8 GB) or read far past the record.
 *
 * <p>Every declared length and block count is checked against the bytes actually left: a string of
 * n bytes needs n bytes, an array of n items needs n times its items' minimum encoded size. Every
 * loop step consumes at least one byte, so no input can make it spin. Running out of bytes is
 * {@link SerdeException.Kind#TRUNCATED}; anything the schema forbids (negative length, union or
 * enum index out of range, a boolean that is not 0/1, a varint too long, trailing bytes, a
 * declared size beyond what any Kafka record can carry) is {@link SerdeException.Kind#SCHEMA_MISMATCH}.
 */
final class AvroBinaryValidator {
    /** Deeper nesting only happens with recursive schemas fed garbage; stop before the stack does. */
    static final int MAX_DEPTH = 200;
    /** A declared size this large cannot come from a record cut short: Kafka records are far smaller. */
    static final long IMPLAUSIBLE_BYTES = 256L * 1024 * 1024;
    /** Items that encode in zero bytes (null, empty records) cannot be bounded by the payload size. */
    static final long MAX_ZERO_BYTE_ITEMS = 1L << 20;

    private final byte[] buf;
    private final int end;
    private final int schemaId;
    private final Map<Schema, Long> minSizes = new IdentityHashMap<>();
    private int pos;

    private AvroBinaryValidator(byte[] buf, int offset, int schemaId) {
        this.buf = buf;
        this.pos = offset;
        this.end = buf.length;
        this.schemaId = schemaId;
    }

    /** Checks that bytes[offset..] is exactly one datum of writer, or throws SerdeException. */
    static void validate(Schema writer, byte[] bytes, int offset, int schemaId) {
        AvroBinaryValidator v = new AvroBinaryValidator(bytes, offset, schemaId);
        v.datum(writer, 0);
        if (v.pos != v.end) {
            throw v.mismatch((v.end - v.pos) + " trailing bytes after the record");
        }
    }

    private void datum(Schema s, int depth) {
        if (depth > MAX_DEPTH) {
            throw mismatch("nesting deeper than " + MAX_DEPTH + " levels");
        }
        switch (s.getType()) {
            case NULL -> { }
            case BOOLEAN -> {
                int b = take(1, "boolean");
                if (b != 0 && b != 1) {
                    throw mismatch("boolean byte " + b + " at offset " + (pos - 1));
                }
            }
            case INT -> intValue("int");
            case LONG -> varLong("long");
            case FLOAT -> skip(4, "float");
            case DOUBLE -> skip(8, "double");
            case STRING, BYTES -> {
                long len = varLong(s.getType().getName() + " length");
                if (len < 0) {
                    throw mismatch("negative " + s.getType().getName() + " length " + len);
                }
                skip(len, s.getType().getName());
            }
            case FIXED -> skip(s.getFixedSize(), "fixed " + s.getFullName());
            case ENUM -> {
                int i = intValue("enum index");
                if (i < 0 || i >= s.getEnumSymbols().size()) {
                    throw mismatch("enum index " + i + " out of range for " + s.getFullName());
                }
            }
            case UNION -> {
                List<Schema> branches = s.getTypes();
                int i = intValue("union index");
                if (i < 0 || i >= branches.size()) {
                    throw mismatch("union index " + i + " out of range (" + branches.size() + " branches)");
                }
                datum(branches.get(i), depth + 1);
            }
            case ARRAY -> blocks(s.getElementType(), null, depth);
            case MAP -> blocks(s.getValueType(), Schema.create(Schema.Type.STRING), depth);
            case RECORD -> {
                for (Schema.Field f : s.getFields()) {
                    datum(f.schema(), depth + 1);
                }
            }
        }
    }

    /** Array or map blocks: count, [byte size if count < 0], items; a zero count ends them. */
    private void blocks(Schema item, Schema key, int depth) {
        String what = key == null ? "array" : "map";
        long itemMin = minSize(item) + (key == null ? 0 : 1);
        while (true) {
            long count = varLong(what + " block count");
            if (count == 0) {
                return;
            }
            if (count < 0) {
                if (count == Long.MIN_VALUE) {
                    throw mismatch(what + " block count out of range");
                }
                count = -count;
                long blockBytes = varLong(what + " block size");
                if (blockBytes < 0) {
                    throw mismatch("negative " + what + " block size " + blockBytes);
                }
            }
            if (itemMin > 0) {
                need(saturatingMultiply(count, itemMin), what + " of " + count + " items");
            } else if (count > MAX_ZERO_BYTE_ITEMS) {
                throw mismatch(what + " block of " + count + " zero-byte items");
            }
            if (key == null && (item.getType() == Schema.Type.FLOAT || item.getType() == Schema.Type.DOUBLE)) {
                // Fixed-size items with nothing to check inside: skip the block at once (vectors are long).
                skip(count * itemMin, what + " of " + count + " items");
                continue;
            }
            for (long i = 0; i < count; i++) {
                if (key != null) {
                    datum(key, depth + 1);
                }
                datum(item, depth + 1);
            }
        }
    }

    /** The fewest bytes any datum of s encodes to (a lower bound for recursive schemas). */
    private long minSize(Schema s) {
        Long known = minSizes.get(s);
        if (known != null) {
            return known;
        }
        minSizes.put(s, 0L); // a recursive reference counts as 0: still a valid lower bound
        long size = switch (s.getType()) {
            case NULL -> 0;
            case BOOLEAN, INT, LONG, ENUM, STRING, BYTES, ARRAY, MAP -> 1;
            case FLOAT -> 4;
            case DOUBLE -> 8;
            case FIXED -> s.getFixedSize();
            case UNION -> 1 + s.getTypes().stream().mapToLong(this::minSize).min().orElse(0);
            case RECORD -> s.getFields().stream().mapToLong(f -> minSize(f.schema())).reduce(0, AvroBinaryValidator::saturatingAdd);
        };
        minSizes.put(s, size);
        return size;
    }

    private int intValue(String what) {
        long v = varLong(what);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw mismatch(what + " " + v + " does not fit an int");
        }
        return (int) v;
    }

    /** A zig-zag varint of at most 10 bytes. */
    private long varLong(String what) {
        long raw = 0;
        for (int shift = 0; shift < 70; shift += 7) {
            int b = take(1, what);
            raw |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return (raw >>> 1) ^ -(raw & 1);
            }
        }
        throw mismatch(what + " is a varint longer than 10 bytes");
    }

    private int take(int n, String what) {
        need(n, what);
        int b = buf[pos] & 0xff;
        pos += n;
        return b;
    }

    private void skip(long n, String what) {
        need(n, what);
        pos += (int) n;
    }

    private void need(long n, String what) {
        long left = end - pos;
        if (n <= left) {
            return;
        }
        if (n > IMPLAUSIBLE_BYTES) {
            throw mismatch(what + " declares at least " + n + " bytes at offset " + pos + ", only " + left + " left");
        }
        throw new SerdeException(SerdeException.Kind.TRUNCATED, "payload ends early for schema id " + schemaId + ": "
                + what + " at offset " + pos + " needs " + n + " bytes, only " + left + " left");
    }

    private SerdeException mismatch(String detail) {
        return new SerdeException(SerdeException.Kind.SCHEMA_MISMATCH, "bytes do not match schema id " + schemaId + ": " + detail);
    }

    private static long saturatingMultiply(long a, long b) {
        long hi = Math.multiplyHigh(a, b);
        long lo = a * b;
        return (hi != 0 || lo < 0) ? Long.MAX_VALUE : lo;
    }

    private static long saturatingAdd(long a, long b) {
        long r = a + b;
        return r < 0 ? Long.MAX_VALUE : r;
    }
}
