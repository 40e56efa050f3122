package io.simstream.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.simstream.avro.VectorPair;
import io.simstream.testkit.SampleRecords;
import java.nio.ByteBuffer;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/**
 * The serde against a real registry: the same tests run against the embedded Apicurio process and,
 * where Docker exists, against the Apicurio container. Subclasses say where the registry is.
 */
abstract class AvroSerdeRegistryContract {
    /** The Confluent-compatible base URL of the registry under test. */
    protected abstract String registryUrl();

    private ConfluentRegistryClient newClient() {
        return new ConfluentRegistryClient(RegistryClientConfig.of(registryUrl()));
    }

    private static String uniqueTopic(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void everyRecordTypeRoundTripsUnderTopicNameSubjects() {
        for (SpecificRecord record : SampleRecords.all("rt-1")) {
            String topic = uniqueTopic(record.getSchema().getName().toLowerCase());
            AvroSerde<SpecificRecord> writerSide = new AvroSerde<>(newClient(), record.getSchema(), false, true);
            byte[] bytes = writerSide.serializer().serialize(topic, record);

            // The id in the header is what the registry holds under <topic>-value (asked by a client without caches).
            ConfluentRegistryClient fresh = newClient();
            int id = AvroSerde.schemaIdOf(bytes);
            assertEquals(id, fresh.lookupId(topic + "-value", record.getSchema()));
            // What the registry holds is the .avsc text: the same wire form as the generated class's schema.
            assertEquals(new org.apache.avro.Schema.Parser().parse(SchemaTexts.canonical(record.getSchema())), fresh.schemaById(id));
            assertTrue(SchemaTexts.equivalent(record.getSchema(), fresh.schemaById(id)));

            AvroSerde<SpecificRecord> readerSide = new AvroSerde<>(newClient(), record.getSchema(), false, false);
            assertEquals(record, readerSide.deserializer().deserialize(topic, bytes));
        }
    }

    @Test
    void keySerdeUsesTheKeySubject() {
        String topic = uniqueTopic("keyed");
        AvroSerde<VectorPair> keySerde = new AvroSerde<>(newClient(), VectorPair.getClassSchema(), true, true);
        byte[] bytes = keySerde.serialize(topic, SampleRecords.vectorPair("k-1"));
        ConfluentRegistryClient fresh = newClient();
        assertEquals(AvroSerde.schemaIdOf(bytes), fresh.lookupId(topic + "-key", VectorPair.getClassSchema()));
        assertThrows(SchemaNotFoundException.class, () -> fresh.latest(topic + "-value"));
    }

    @Test
    void autoRegisterOffRefusesAnUnregisteredSchemaThenWorksOnceRegistered() {
        String topic = uniqueTopic("strict");
        AvroSerde<VectorPair> strict = new AvroSerde<>(newClient(), VectorPair.getClassSchema(), false, false);
        SerdeException e = assertThrows(SerdeException.class, () -> strict.serialize(topic, SampleRecords.vectorPair("s-1")));
        assertEquals(SerdeException.Kind.ENCODE, e.kind());
        assertTrue(e.getMessage().contains("subject " + topic + "-value") && e.getMessage().contains("auto.register.schemas is false"),
                e.getMessage());

        int id = newClient().register(topic + "-value", VectorPair.getClassSchema());
        AvroSerde<VectorPair> strictAgain = new AvroSerde<>(newClient(), VectorPair.getClassSchema(), false, false);
        byte[] bytes = strictAgain.serialize(topic, SampleRecords.vectorPair("s-1"));
        assertEquals(id, AvroSerde.schemaIdOf(bytes));
    }

    @Test
    void anIdTheRegistryDoesNotKnowIsUnknownSchemaId() {
        byte[] valid = new AvroSerde<VectorPair>(newClient(), VectorPair.getClassSchema(), false, true)
                .serialize(uniqueTopic("ids"), SampleRecords.vectorPair("i-1"));
        byte[] bad = valid.clone();
        ByteBuffer.wrap(bad).putInt(1, 1_999_999_999);
        AvroSerde<VectorPair> reader = new AvroSerde<>(newClient(), VectorPair.getClassSchema(), false, false);
        SerdeException e = assertThrows(SerdeException.class, () -> reader.deserialize(bad));
        assertEquals(SerdeException.Kind.UNKNOWN_SCHEMA_ID, e.kind());
        assertTrue(e.getMessage().contains("1999999999"), e.getMessage());
    }
}
