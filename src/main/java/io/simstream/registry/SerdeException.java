package io.simstream.registry;

import org.apache.kafka.common.errors.SerializationException;

/** Bytes that cannot be turned into a record (or back): which way it failed is in {@link #kind()}. */
public class SerdeException extends SerializationException {
    public enum Kind { UNKNOWN_MAGIC_BYTE, UNKNOWN_SCHEMA_ID, TRUNCATED, SCHEMA_MISMATCH, ENCODE }

    private final Kind kind;

    public SerdeException(Kind kind, String message) {
        super(kind + ": " + message);
        this.kind = kind;
    }

    public SerdeException(Kind kind, String message, Throwable cause) {
        super(kind + ": " + message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
