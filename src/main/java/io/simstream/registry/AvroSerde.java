package io.simstream.registry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
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
 */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T> {
    public static final byte MAGIC_BYTE = 0;

    private final SchemaRegistry registry;
    private final Schema readerSchema;
    private final boolean isKey;
    private final boolean autoRegister;
    private final Map<String, Integer> idBySubject = new ConcurrentHashMap<>();
    private final Map<Integer, SpecificDatumReader<T>> readersById = new ConcurrentHashMap<>();
    private final SpecificDatumWriter<T> writer;

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

    public static String subject(String topic, boolean isKey) {
        return topic + (isKey ? "-key" : "-value");
    }

    @Override
    public Serializer<T> serializer() {
        return (topic, data) -> data == null ? null : serialize(topic, data);
    }

    @Override
    public Deserializer<T> deserializer() {
        return (topic, bytes) -> bytes == null ? null : deserialize(bytes);
    }

    public byte[] serialize(String topic, T data) {
        String subject = subject(topic, isKey);
        int id = idBySubject.computeIfAbsent(subject, s -> autoRegister
                ? registry.register(s, readerSchema) : registry.lookupId(s, readerSchema));
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

    public T deserialize(byte[] bytes) {
        if (bytes.length < 5) {
            throw new SerdeException(SerdeException.Kind.TRUNCATED, "payload of " + bytes.length + " bytes is shorter than the 5-byte header");
        }
        if (bytes[0] != MAGIC_BYTE) {
            throw new SerdeException(SerdeException.Kind.UNKNOWN_MAGIC_BYTE, "unknown magic byte " + bytes[0] + " (expected 0)");
        }
        int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
        SpecificDatumReader<T> reader = readersById.computeIfAbsent(id, this::readerFor);
        try {
            var decoder = DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null);
            T value = reader.read(null, decoder);
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

    private SpecificDatumReader<T> readerFor(int id) {
        Schema writerSchema;
        try {
            writerSchema = registry.schemaById(id);
        } catch (SchemaNotFoundException e) {
            throw new SerdeException(SerdeException.Kind.UNKNOWN_SCHEMA_ID, "unknown schema id " + id, e);
        }
        return new SpecificDatumReader<>(writerSchema, readerSchema, SpecificData.get());
    }
}
