package io.simstream.registry;

/** The registry has no such schema, subject or id (Confluent error codes 40401, 40403). */
public class SchemaNotFoundException extends RegistryException {
    public SchemaNotFoundException(String message) {
        super(message);
    }
}
