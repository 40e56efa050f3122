package io.simstream.registry;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
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
 * Avro binary. A record written with an older registered schema is resolved into the current
 * reader schema.
 *
 * <p>Writing follows Confluent's serde settings ({@link SchemaRegistry#serdeSettings()}): the
 * subject comes from the subject name strategy; with use.latest.version the subject's latest
 * version is the writer schema; otherwise a version equivalent to ours is looked up first (read
 * only), and only when the subject holds none, auto.register.schemas is on and this serde may
 * register at all (never for an input topic: {@link #forInput}) is the canonical text registered.
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
    private final String inputTopic;
    private final Map<String, WriteTarget> targetBySubject = new ConcurrentHashMap<>();
    private final Map<Integer, WriterReader<T>> readersById = new ConcurrentHashMap<>();
    private final SpecificDatumWriter<T> writer;

    /** The id written for a subject and, when it is another schema than ours, how to convert to it. */
    private record WriteTarget(int id, Schema writerSchema, GenericDatumReader<Object> toWriter,
                               GenericDatumWriter<Object> writer) {
    }

    /** The writer schema of an id and the reader that resolves it into readerSchema. */
    private record WriterReader<T>(Schema writerSchema, SpecificDatumReader<T> reader) {
    }

    public AvroSerde(SchemaRegistry registry, Schema schema, boolean isKey, boolean autoRegister) {
        this(registry, schema, isKey, autoRegister, null);
    }

    /**
     * @param inputTopic a topic this process only reads, or null: the subject it maps to is never
     *                   written, whatever auto-register says (other subjects, e.g. a Streams
     *                   changelog's, follow the settings)
     */
    public AvroSerde(SchemaRegistry registry, Schema schema, boolean isKey, boolean autoRegister, String inputTopic) {
        this.inputTopic = inputTopic;
        this.registry = registry;
        this.readerSchema = schema;
        this.isKey = isKey;
        this.autoRegister = autoRegister;
        this.writer = new SpecificDatumWriter<>(schema);
    }

    /** Values of a topic this process writes: registered when missing if auto.register.schemas allows. */
    public static <T extends SpecificRecord> AvroSerde<T> forValue(SchemaRegistry registry, Schema schema) {
        return new AvroSerde<>(registry, schema, false, true);
    }

    /** Values of a topic this process only reads (pairs, labeled pairs): its subject is never written. */
    public static <T extends SpecificRecord> AvroSerde<T> forInput(SchemaRegistry registry, Schema schema, String topic) {
        return new AvroSerde<>(registry, schema, false, true, topic);
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
        return writeTarget(topic).id();
    }

    private WriteTarget writeTarget(String topic) {
        SerdeSettings settings = registry.serdeSettings();
        return targetBySubject.computeIfAbsent(settings.strategy(isKey).subject(topic, isKey, readerSchema),
                subject -> targetFor(subject, settings));
    }

    public byte[] serialize(String topic, T data) {
        WriteTarget target = writeTarget(topic);
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(256);
            out.write(MAGIC_BYTE);
            out.write(ByteBuffer.allocate(4).putInt(target.id()).array());
            BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
            if (target.writer() == null) {
                writer.write(data, enc);
            } else {
                // Ours -> the subject's latest schema by Avro resolution, then written with it.
                ByteArrayOutputStream ours = new ByteArrayOutputStream(256);
                BinaryEncoder oursEnc = EncoderFactory.get().binaryEncoder(ours, null);
                writer.write(data, oursEnc);
                oursEnc.flush();
                Object converted = target.toWriter().read(null, DecoderFactory.get().binaryDecoder(ours.toByteArray(), null));
                target.writer().write(converted, enc);
            }
            enc.flush();
            return out.toByteArray();
        } catch (IOException | RuntimeException e) {
            throw new SerdeException(SerdeException.Kind.ENCODE, "cannot encode " + readerSchema.getFullName() + ": " + e.getMessage(), e);
        }
    }

    private WriteTarget targetFor(String subject, SerdeSettings settings) {
        try {
            if (settings.useLatestVersion()) {
                return latestTarget(subject, settings);
            }
            var found = registry.findEquivalent(subject, readerSchema);
            if (found.isPresent()) {
                return new WriteTarget(found.get(), readerSchema, null, null);
            }
            boolean input = inputTopic != null
                    && subject.equals(settings.strategy(isKey).subject(inputTopic, isKey, readerSchema));
            if (input || !autoRegister || !settings.autoRegister()) {
                throw new SerdeException(SerdeException.Kind.ENCODE, "schema " + readerSchema.getFullName()
                        + " is not registered under subject " + subject + " and "
                        + (input ? "simstream never writes the subject of a topic it reads" : "auto.register.schemas is false")
                        + ": register it first (schemas/" + readerSchema.getName() + ".avsc)");
            }
            return new WriteTarget(registry.register(subject, readerSchema), readerSchema, null, null);
        } catch (IncompatibleSchemaException | InvalidSchemaException e) {
            throw new SerdeException(SerdeException.Kind.ENCODE, "the registry refused schema " + readerSchema.getFullName()
                    + " for subject " + subject + " (" + e.getMessage() + ")", e);
        }
    }

    private WriteTarget latestTarget(String subject, SerdeSettings settings) {
        RegisteredSchema latest;
        try {
            latest = registry.latest(subject);
        } catch (SchemaNotFoundException e) {
            throw new SerdeException(SerdeException.Kind.ENCODE, "use.latest.version is on but subject " + subject
                    + " has no version: register " + readerSchema.getFullName() + " there first", e);
        }
        if (SchemaTexts.equivalent(latest.schema(), readerSchema)) {
            return new WriteTarget(latest.id(), readerSchema, null, null);
        }
        var compat = SchemaCompatibility.checkReaderWriterCompatibility(latest.schema(), readerSchema);
        if (settings.latestCompatibilityStrict()
                && compat.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            throw new SerdeException(SerdeException.Kind.ENCODE, "the latest version " + latest.version() + " of subject "
                    + subject + " cannot read " + readerSchema.getFullName() + " records (latest.compatibility.strict): "
                    + compat.getDescription());
        }
        return new WriteTarget(latest.id(), latest.schema(), new GenericDatumReader<>(readerSchema, latest.schema()),
                new GenericDatumWriter<>(latest.schema()));
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
        } catch (EOFException e) {
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
