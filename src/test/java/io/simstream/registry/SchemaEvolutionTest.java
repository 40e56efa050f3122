package io.simstream.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.simstream.avro.LabeledPair;
import io.simstream.testkit.SharedRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The current schemas (schemas/*.avsc, compiled into io.simstream.avro) stay BACKWARD compatible
 * with every released version under schemas/released/: Avro's own check, and the real registry's.
 */
class SchemaEvolutionTest {
    private static final Path CURRENT = Path.of("schemas");
    private static final Path RELEASED = CURRENT.resolve("released");

    /** Every released schema file, as "v1/VectorPair.avsc" etc. */
    static Stream<Path> releasedSchemas() throws IOException {
        assertTrue(Files.isDirectory(RELEASED), "released schemas expected at " + RELEASED.toAbsolutePath());
        try (Stream<Path> files = Files.walk(RELEASED)) {
            List<Path> all = files.filter(p -> p.toString().endsWith(".avsc")).sorted().toList();
            assertFalse(all.isEmpty(), "no released schemas under " + RELEASED);
            return all.stream();
        }
    }

    private static Schema parse(Path file) throws IOException {
        return new Schema.Parser().parse(file.toFile());
    }

    /** The compiled class's schema: what the service really reads with. */
    private static Schema current(Schema released) {
        Class<?> cls = SpecificData.get().getClass(released);
        assertTrue(cls != null, "record " + released.getFullName() + " was released but no longer exists in schemas/");
        return SpecificData.get().getSchema(cls);
    }

    @ParameterizedTest
    @MethodSource("releasedSchemas")
    void currentReadsEveryReleasedVersionLocally(Path released) throws IOException {
        Schema old = parse(released);
        Schema now = current(old);
        var result = SchemaCompatibility.checkReaderWriterCompatibility(now, old);
        assertEquals(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE, result.getType(),
                now.getFullName() + " cannot read " + released + ": " + result.getDescription());
        for (Schema.Field f : now.getFields()) {
            if (old.getField(f.name()) == null) {
                assertTrue(f.hasDefaultValue(), "new field " + now.getName() + "." + f.name() + " needs a default");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("releasedSchemas")
    void registryAcceptsCurrentAfterEveryReleasedVersion(Path released) throws IOException {
        Schema old = parse(released);
        Schema now = current(old);
        ConfluentRegistryClient client = SharedRegistry.newClient();
        String subject = SharedRegistry.unique("evo-" + old.getName()) + "-value";
        client.register(subject, old);
        CompatibilityResult verdict = client.testCompatibility(subject, now);
        assertTrue(verdict.compatible(), "registry says " + now.getFullName() + " is not BACKWARD compatible with " + released + ": " + verdict.messages());
        client.register(subject, now);
    }

    @Test
    void theChecksRejectANewFieldWithoutDefault() throws IOException {
        // Control: both checks above must be able to say no.
        Schema old = parse(RELEASED.resolve("v1/VectorPair.avsc"));
        Schema broken = withExtraRequiredField(old);
        assertEquals(SchemaCompatibility.SchemaCompatibilityType.INCOMPATIBLE,
                SchemaCompatibility.checkReaderWriterCompatibility(broken, old).getType());
        ConfluentRegistryClient client = SharedRegistry.newClient();
        String subject = SharedRegistry.unique("evo-broken") + "-value";
        client.register(subject, old);
        assertFalse(client.testCompatibility(subject, broken).compatible());
        assertThrows(IncompatibleSchemaException.class, () -> client.register(subject, broken));
    }

    private static Schema withExtraRequiredField(Schema record) {
        List<Schema.Field> fields = new java.util.ArrayList<>();
        record.getFields().forEach(f -> fields.add(new Schema.Field(f, f.schema())));
        fields.add(new Schema.Field("region", Schema.create(Schema.Type.STRING), "no default: breaks old data", (Object) null));
        return Schema.createRecord(record.getName(), record.getDoc(), record.getNamespace(), false, fields);
    }

    @Test
    void aRecordWrittenWithAnOlderSchemaIsReadIntoTheCurrentOne() throws IOException {
        Schema older;
        try (InputStream in = getClass().getResourceAsStream("/evolution/LabeledPair-before-source.avsc")) {
            older = new Schema.Parser().parse(in);
        }
        String topic = SharedRegistry.unique("labels");
        ConfluentRegistryClient client = SharedRegistry.newClient();
        int olderId = client.register(topic + "-value", older);

        // An old producer: its schema's id in the header, its fields in the body.
        GenericRecord old = new GenericData.Record(older);
        old.put("id", "old-1");
        old.put("left", List.of(1.0f, 2.0f));
        old.put("right", List.of(3.0f, 4.5f));
        old.put("same", true);
        old.put("labeledAt", 1_700_000_000_000L);
        byte[] wire = wire(olderId, older, old);

        // The current consumer, through the real registry (fresh client, nothing cached).
        AvroSerde<LabeledPair> serde = new AvroSerde<>(SharedRegistry.newClient(), LabeledPair.getClassSchema(), false, false);
        LabeledPair read = serde.deserialize(wire);
        assertEquals("old-1", read.getId());
        assertEquals(List.of(3.0f, 4.5f), read.getRight());
        assertEquals(1_700_000_000_000L, read.getLabeledAt().toEpochMilli());
        assertEquals("unknown", read.getSource(), "the field the old writer lacked takes its default");

        // A current producer on the same subject gets a new id, and both kinds of record stay readable.
        int currentId = AvroSerde.schemaIdOf(new AvroSerde<LabeledPair>(client, LabeledPair.getClassSchema(), false, true)
                .serialize(topic, read));
        assertNotEquals(olderId, currentId);
        assertEquals(read, serde.deserialize(wire));
    }

    static byte[] wire(int id, Schema schema, GenericRecord record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.write(ByteBuffer.allocate(4).putInt(id).array());
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(schema).write(record, enc);
        enc.flush();
        return out.toByteArray();
    }
}
