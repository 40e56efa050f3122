package io.simstream.registry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Avro specific records in the Confluent wire format: magic byte 0, 4-byte big-endian schema id,
 * Avro binary. Subjects follow TopicNameStrategy (topic-key / topic-value). A record written with
 * an older registered schema is resolved into the current reader schema.
 *
 * <p>Failures: bad bytes throw {@link SerdeException} with a {@link SerdeException.Kind} (the
 * scoring topology dead-letters those). A registry that cannot be reached throws
 * {@link RegistryUnavailableException} instead: that is not the record's fault, so it must not be
 * dead-lettered. Serializing with auto-register off and an unregistered schema, or a schema the
 * registry refuses, throws SerdeException of kind ENCODE with the registry's answer as cause.
 */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T> {
    public static final byte MAGIC_BYTE = 0;
    public static final int HEADER_SIZE = 5;

    private final SchemaRegistry registry;
    private final Schema readerSchema;
    private final boolean isKey;
    private final boolean autoRegister;
    private final Map<String, Integer> idBySubject = new ConcurrentHashMap<>();
    private final Map<Integer, WriterReader<T>> readersById = new ConcurrentHashMap<>();
    private final SpecificDatumWriter<T> writer;

    /** The writer schema of an id and the reader that resolves it into readerSchema. */
    private record WriterReader<T>(Schema writerSchema, SpecificDatumReader<T> reader) {
    }

    public AvroSerde(SchemaRegistry registry, Schema schema, boolean isKey, boolean autoRegister) {
        this.registry = registry;
        this.readerSchema = schema;
        this.isKey = isKey;
        this.autoRegister = autoRegister;
        this.writer = new SpecificDatumWriter<>(schema);
    }

    public static <T extends SpecificRecord> AvroSerde<T> forValue(SchemaRegistry registry, Schema schema) {
        return new AvroSerde<>(registry, schema, false, true);
    }

    /** TopicNameStrategy: "orders" -> "orders-key" / "orders-value". */
    public static String subject(String topic, boolean isKey) {
        return topic + (isKey ? "-key" : "-value");
    }

    /** The schema id in a wire-format payload's header (no registry involved). */
    public static int schemaIdOf(byte[] bytes) {
        checkHeader(bytes);
        return ByteBuffer.wrap(bytes, 1, 4).getInt();
    }

    @Override
    public Serializer<T> serializer() {
        return (topic, data) -> data == null ? null : serialize(topic, data);
    }

    @Override
    public Deserializer<T> deserializer() {
        return (topic, bytes) -> bytes == null ? null : deserialize(bytes);
    }

    /**
     * Resolves (registers or looks up, as configured) and caches the schema id this serde writes
     * to topic, so that producing later needs no registry round trip.
     */
    public int resolveWriterId(String topic) {
        return idBySubject.computeIfAbsent(subject(topic, isKey), this::schemaIdFor);
    }

    public byte[] serialize(String topic, T data) {
        int id = idBySubject.computeIfAbsent(subject(topic, isKey), this::schemaIdFor);
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(256);
            out.write(MAGIC_BYTE);
            out.write(ByteBuffer.allocate(4).putInt(id).array());
            BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
            writer.write(data, enc);
            enc.flush();
            return out.toByteArray();
        } catch (IOException | RuntimeException e) {
            throw new SerdeException(SerdeException.Kind.ENCODE, "cannot encode " + readerSchema.getFullName() + ": " + e.getMessage(), e);
        }
    }

    private int schemaIdFor(String subject) {
        try {
            return autoRegister ? registry.register(subject, readerSchema) : registry.lookupId(subject, readerSchema);
        } catch (SchemaNotFoundException e) {
            throw new SerdeException(SerdeException.Kind.ENCODE, "schema " + readerSchema.getFullName() + " is not registered under subject "
                    + subject + " and auto-register is off; register it first (" + e.getMessage() + ")", e);
        } catch (IncompatibleSchemaException | InvalidSchemaException e) {
            throw new SerdeException(SerdeException.Kind.ENCODE, "the registry refused schema " + readerSchema.getFullName()
                    + " for subject " + subject + " (" + e.getMessage() + ")", e);
        }
    }

    public T deserialize(byte[] bytes) {
        int id = schemaIdOf(bytes);
        WriterReader<T> wr = readersById.computeIfAbsent(id, this::readerFor);
        // Validation first: Avro itself would trust garbage lengths and allocate what they declare.
        AvroBinaryValidator.validate(wr.writerSchema(), bytes, HEADER_SIZE, id);
        try {
            BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, HEADER_SIZE, bytes.length - HEADER_SIZE, null);
            T value = wr.reader().read(null, decoder);
            if (!decoder.isEnd()) {
                throw new SerdeException(SerdeException.Kind.SCHEMA_MISMATCH, "trailing bytes after the record (schema id " + id + ")");
            }
            return value;
        } catch (SerdeException e) {
            throw e;
        } catch (java.io.EOFException e) {
            throw new SerdeException(SerdeException.Kind.TRUNCATED, "payload ends early for schema id " + id, e);
        } catch (IOException | RuntimeException e) {
            throw new SerdeException(SerdeException.Kind.SCHEMA_MISMATCH, "bytes do not match schema id " + id + ": " + e, e);
        }
    }

    private static void checkHeader(byte[] bytes) {
        if (bytes.length < HEADER_SIZE) {
            throw new SerdeException(SerdeException.Kind.TRUNCATED, "payload of " + bytes.length + " bytes is shorter than the 5-byte header");
        }
        if (bytes[0] != MAGIC_BYTE) {
            throw new SerdeException(SerdeException.Kind.UNKNOWN_MAGIC_BYTE, "unknown magic byte " + bytes[0] + " (expected 0)");
        }
    }

    private WriterReader<T> readerFor(int id) {
        if (id <= 0) {
            // Registries hand out positive ids only; do not bother the registry with garbage.
            throw new SerdeException(SerdeException.Kind.UNKNOWN_SCHEMA_ID, "unknown schema id " + id + " (ids are positive)");
        }
        Schema writerSchema;
        try {
            writerSchema = registry.schemaById(id);
        } catch (SchemaNotFoundException e) {
            throw new SerdeException(SerdeException.Kind.UNKNOWN_SCHEMA_ID, "unknown schema id " + id + " (" + e.getMessage() + ")", e);
        }
        var compat = SchemaCompatibility.checkReaderWriterCompatibility(readerSchema, writerSchema);
        if (compat.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            throw new SerdeException(SerdeException.Kind.SCHEMA_MISMATCH, "records written with schema id " + id + " ("
                    + writerSchema.getFullName() + ") cannot be read as " + readerSchema.getFullName() + ": " + compat.getDescription());
        }
        return new WriterReader<>(writerSchema, new SpecificDatumReader<>(writerSchema, readerSchema, SpecificData.get()));
    }
}
