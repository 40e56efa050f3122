package io.simstream.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.simstream.avro.VectorPair;
import io.simstream.testkit.SampleRecords;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/** Confluent's serde settings on the write path, against the in-memory registry (the real one: RegistryReadOnlyIntegrationTest). */
class SerdeSettingsTest {
    private static final String TOPIC = "pairs";

    @Test
    void theRegisteredTextIsTheAvscFileByteForByte() throws Exception {
        for (SpecificRecord r : SampleRecords.all("x")) {
            Schema generated = r.getSchema();
            String file = Files.readString(Path.of("schemas", generated.getName() + ".avsc"));
            assertTrue(generated.toString().contains("avro.java.string"), "the generated schema differs from the file");
            assertEquals(file, SchemaTexts.canonical(generated), generated.getName());
        }
    }

    @Test
    void anEquivalentVersionRegisteredWithOtherTextIsReusedNotDuplicated() {
        InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
        // Someone else registered the same wire schema, with another text (no avro.java.string, no docs).
        Schema theirs = new Schema.Parser().parse(SchemaTexts.canonical(VectorPair.getClassSchema()).replace("\"doc\"", "\"x-doc\""));
        int theirId = registry.register("decisions-value", theirs);
        AvroSerde<VectorPair> serde = AvroSerde.forValue(registry, VectorPair.getClassSchema());
        byte[] bytes = serde.serialize("decisions", SampleRecords.vectorPair("a"));
        assertEquals(theirId, AvroSerde.schemaIdOf(bytes));
        assertEquals(1, registry.latest("decisions-value").version(), "no second version");
    }

    @Test
    void recordAndTopicRecordNameStrategies() {
        InMemorySchemaRegistry record = new InMemorySchemaRegistry(new SerdeSettings(true, false, true,
                SubjectNameStrategy.RECORD_NAME, SubjectNameStrategy.TOPIC_NAME));
        AvroSerde.forValue(record, VectorPair.getClassSchema()).serialize("out", SampleRecords.vectorPair("a"));
        assertEquals(1, record.latest("io.simstream.avro.VectorPair").version());
        assertThrows(SchemaNotFoundException.class, () -> record.latest("out-value"));

        InMemorySchemaRegistry topicRecord = new InMemorySchemaRegistry(new SerdeSettings(true, false, true,
                SubjectNameStrategy.TOPIC_RECORD_NAME, SubjectNameStrategy.TOPIC_NAME));
        AvroSerde.forValue(topicRecord, VectorPair.getClassSchema()).serialize("out", SampleRecords.vectorPair("a"));
        assertEquals(1, topicRecord.latest("out-io.simstream.avro.VectorPair").version());
    }

    @Test
    void useLatestVersionWritesWithTheLatestSchemaAndItsId() throws Exception {
        SerdeSettings latest = new SerdeSettings(false, true, true, SubjectNameStrategy.TOPIC_NAME, SubjectNameStrategy.TOPIC_NAME);
        InMemorySchemaRegistry registry = new InMemorySchemaRegistry(latest);
        Schema v2 = withExtraField(VectorPair.getClassSchema());
        int v2Id = registry.register("out-value", v2);
        byte[] bytes = AvroSerde.forValue(registry, VectorPair.getClassSchema()).serialize("out", SampleRecords.vectorPair("a"));
        assertEquals(v2Id, AvroSerde.schemaIdOf(bytes));
        GenericRecord read = new GenericDatumReader<GenericRecord>(v2).read(null,
                DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null));
        assertEquals("a", read.get("id").toString());
        assertEquals("none", read.get("source").toString(), "the extra field has its default");

        // Strict: a latest version that cannot read our records is refused.
        InMemorySchemaRegistry strict = new InMemorySchemaRegistry(latest);
        strict.register("out-value", SchemaBuilder.record("VectorPair").namespace("io.simstream.avro").fields()
                .requiredString("id").requiredInt("mustHave").endRecord());
        SerdeException e = assertThrows(SerdeException.class, () -> AvroSerde.forValue(strict, VectorPair.getClassSchema())
                .serialize("out", SampleRecords.vectorPair("a")));
        assertTrue(e.getMessage().contains("latest.compatibility.strict") && e.getMessage().contains("out-value"), e.getMessage());
    }

    @Test
    void withoutAutoRegisterAMissingSchemaFailsNamingTheSubject() {
        InMemorySchemaRegistry registry = new InMemorySchemaRegistry(new SerdeSettings(false, false, true,
                SubjectNameStrategy.TOPIC_NAME, SubjectNameStrategy.TOPIC_NAME));
        SerdeException e = assertThrows(SerdeException.class, () -> AvroSerde.forValue(registry, VectorPair.getClassSchema())
                .serialize("decisions", SampleRecords.vectorPair("a")));
        assertTrue(e.getMessage().contains("subject decisions-value") && e.getMessage().contains("auto.register.schemas is false"),
                e.getMessage());
        int id = registry.register("decisions-value", VectorPair.getClassSchema());
        assertNotEquals(0, id);
        assertEquals(id, AvroSerde.schemaIdOf(AvroSerde.forValue(registry, VectorPair.getClassSchema())
                .serialize("decisions", SampleRecords.vectorPair("a"))));
    }

    static Schema withExtraField(Schema base) {
        String text = SchemaTexts.canonical(base);
        int at = text.lastIndexOf(']');
        return new Schema.Parser().parse(text.substring(0, at)
                + ",\n    {\"name\": \"source\", \"type\": \"string\", \"default\": \"none\"}\n  " + text.substring(at));
    }

}
