package io.simstream.registry;

import org.apache.avro.Schema;

/**
 * What the Avro serde needs from a schema registry. A Confluent REST client speaks the
 * Confluent REST API over HTTP; {@link InMemorySchemaRegistry} is for TopologyTestDriver unit tests.
 */
public interface SchemaRegistry {
    /** Registers (idempotently) and returns the global schema id. */
    int register(String subject, Schema schema);

    /** The id of an already-registered schema under subject; throws if it is not registered. */
    int lookupId(String subject, Schema schema);

    /** The schema with this global id; throws SchemaNotFoundException if there is none. */
    Schema schemaById(int id);
}
