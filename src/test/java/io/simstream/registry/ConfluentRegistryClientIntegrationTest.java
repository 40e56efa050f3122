package io.simstream.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.simstream.testkit.SharedRegistry;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.Test;

/** The registry client against a real Apicurio registry (Confluent API), including its error codes. */
class ConfluentRegistryClientIntegrationTest {
    private final ConfluentRegistryClient client = SharedRegistry.newClient();

    private static Schema v1(String name) {
        return SchemaBuilder.record(name).namespace("io.simstream.test").fields()
                .requiredString("id").requiredLong("at").endRecord();
    }

    private static Schema v2WithDefault(String name) {
        return SchemaBuilder.record(name).namespace("io.simstream.test").fields()
                .requiredString("id").requiredLong("at").name("note").type().stringType().stringDefault("").endRecord();
    }

    private static Schema v2WithoutDefault(String name) {
        return SchemaBuilder.record(name).namespace("io.simstream.test").fields()
                .requiredString("id").requiredLong("at").requiredString("note").endRecord();
    }

    @Test
    void registerIsIdempotentAndLookupAndGetByIdAgree() {
        String subject = SharedRegistry.unique("reg") + "-value";
        Schema schema = v1("Reg");
        int id = client.register(subject, schema);
        assertTrue(id > 0);
        // A fresh client has no cache: the second register and the lookup really ask the registry.
        ConfluentRegistryClient fresh = SharedRegistry.newClient();
        assertEquals(id, fresh.register(subject, schema));
        assertEquals(id, fresh.lookupId(subject, schema));
        RegisteredSchema found = fresh.lookup(subject, schema);
        assertEquals(1, found.version());
        assertEquals(subject, found.subject());
        assertEquals(schema, fresh.schemaById(id));
        assertEquals(List.of(1), fresh.versions(subject));
        assertTrue(fresh.subjects().contains(subject));
    }

    @Test
    void versionsAndLatestFollowEvolution() {
        String subject = SharedRegistry.unique("evo") + "-value";
        int id1 = client.register(subject, v1("Evo"));
        int id2 = client.register(subject, v2WithDefault("Evo"));
        assertNotEquals(id1, id2);
        assertEquals(List.of(1, 2), client.versions(subject));
        RegisteredSchema latest = client.latest(subject);
        assertEquals(2, latest.version());
        assertEquals(id2, latest.id());
        assertEquals(v2WithDefault("Evo"), latest.schema());
        assertEquals(id1, client.version(subject, 1).id());
    }

    @Test
    void unknownSubjectIs40401() {
        String subject = SharedRegistry.unique("nosuch") + "-value";
        SchemaNotFoundException e = assertThrows(SchemaNotFoundException.class, () -> client.latest(subject));
        assertEquals(404, e.httpStatus());
        assertEquals(40401, e.errorCode());
        assertTrue(e.getMessage().contains("40401") && e.getMessage().contains(subject), e.getMessage());
    }

    @Test
    void schemaNotUnderSubjectIs40403AndUnknownIdIsNotFound() {
        String subject = SharedRegistry.unique("lookup") + "-value";
        client.register(subject, v1("Look"));
        SchemaNotFoundException e = assertThrows(SchemaNotFoundException.class, () -> client.lookupId(subject, v2WithDefault("Look")));
        assertEquals(40403, e.errorCode(), e.getMessage());
        SchemaNotFoundException byId = assertThrows(SchemaNotFoundException.class, () -> client.schemaById(987_654_321));
        assertEquals(40403, byId.errorCode(), byId.getMessage());
        assertTrue(byId.getMessage().contains("987654321"), byId.getMessage());
    }

    @Test
    void incompatibleSchemaIs409AndCompatibilityTestSaysSo() {
        String subject = SharedRegistry.unique("compat") + "-value";
        client.register(subject, v1("Comp"));
        assertTrue(client.testCompatibility(subject, v2WithDefault("Comp")).compatible());
        CompatibilityResult verdict = client.testCompatibility(subject, v2WithoutDefault("Comp"));
        assertFalse(verdict.compatible());
        IncompatibleSchemaException e = assertThrows(IncompatibleSchemaException.class,
                () -> client.register(subject, v2WithoutDefault("Comp")));
        assertEquals(409, e.httpStatus());
        assertTrue(e.getMessage().contains(subject), e.getMessage());
        assertEquals(List.of(1), client.versions(subject), "the refused schema must not become a version");
    }

    @Test
    void invalidSchemaIs42201() {
        String subject = SharedRegistry.unique("invalid") + "-value";
        RegistryHttp raw = new RegistryHttp(client.config(), new com.fasterxml.jackson.databind.ObjectMapper());
        // Not Avro: a record without fields. Sent as raw text because Avro's own parser would refuse it first.
        InvalidSchemaException e = assertThrows(InvalidSchemaException.class, () -> raw.send("POST",
                "/subjects/" + subject + "/versions", Map.of("schema", "{\"type\":\"record\",\"name\":\"X\",\"fields\":[{\"name\":\"a\",\"type\":\"nosuchtype\"}]}"),
                "register a broken schema"));
        assertEquals(42201, e.errorCode(), e.getMessage());
        assertEquals(422, e.httpStatus());
    }

    @Test
    void compatibilityLevelsGlobalAndPerSubject() {
        assertEquals(CompatibilityLevel.BACKWARD, client.globalCompatibility(), "EmbeddedRegistry sets BACKWARD globally");
        String subject = SharedRegistry.unique("level") + "-value";
        client.register(subject, v1("Lvl"));
        assertEquals(CompatibilityLevel.BACKWARD, client.subjectCompatibility(subject), "inherits the global level");
        client.setSubjectCompatibility(subject, CompatibilityLevel.NONE);
        assertEquals(CompatibilityLevel.NONE, client.subjectCompatibility(subject));
        // With NONE on the subject, the schema BACKWARD refuses is accepted.
        client.register(subject, v2WithoutDefault("Lvl"));
        assertEquals(List.of(1, 2), client.versions(subject));
        assertEquals(CompatibilityLevel.BACKWARD, client.globalCompatibility(), "a subject's level leaves the global one alone");
    }

    @Test
    void unreachableRegistryFailsAfterBoundedRetries() {
        // A port nothing listens on: every attempt is refused, and the client gives up after maxRetries.
        RegistryClientConfig cfg = RegistryClientConfig.of("http://127.0.0.1:1/apis/ccompat/v7")
                .withRetries(2, java.time.Duration.ofMillis(10), java.time.Duration.ofMillis(20));
        ConfluentRegistryClient dead = new ConfluentRegistryClient(cfg);
        RegistryUnavailableException e = assertThrows(RegistryUnavailableException.class, () -> dead.schemaById(1));
        assertTrue(e.getMessage().contains("3 attempts") && e.getMessage().contains("schema with id 1"), e.getMessage());
    }
}
