package io.simstream.registry;

import java.util.Optional;
import org.apache.avro.Schema;

/**
 * What the Avro serde needs from a schema registry. A Confluent REST client speaks the
 * Confluent REST API over HTTP; {@link InMemorySchemaRegistry} is for TopologyTestDriver unit tests.
 */
public interface SchemaRegistry {
    /** Registers (idempotently) the schema's canonical text ({@link SchemaTexts}) and returns the global id. */
    int register(String subject, Schema schema);

    /** The id of an already-registered schema under subject; throws if it is not registered. */
    int lookupId(String subject, Schema schema);

    /**
     * The id of a version of subject that is equivalent to schema (same wire form), without writing
     * anything: the exact lookup first, then the subject's versions. Empty when there is none.
     */
    Optional<Integer> findEquivalent(String subject, Schema schema);

    /** The subject's latest version; throws SchemaNotFoundException when the subject has none. */
    RegisteredSchema latest(String subject);

    /** The schema with this global id; throws SchemaNotFoundException if there is none. */
    Schema schemaById(int id);

    /** How serializers on this registry choose ids (Confluent's serde settings). */
    default SerdeSettings serdeSettings() {
        return SerdeSettings.DEFAULT;
    }
}
