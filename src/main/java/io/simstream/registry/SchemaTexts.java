package io.simstream.registry;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;

/**
 * The schema text simstream registers: byte for byte what schemas/*.avsc hold (shipped on the
 * classpath under schemas/), not the generated class's schema, which adds "avro.java.string"
 * properties and so would be a different schema to a registry and a new version in the subject.
 */
public final class SchemaTexts {
    private static final Map<String, String> BY_NAME = new ConcurrentHashMap<>();

    private SchemaTexts() {
    }

    /** The .avsc text of this schema when one ships with the same wire form, else Avro's own JSON. */
    public static String canonical(Schema schema) {
        if (schema.getType() != Schema.Type.RECORD) {
            return schema.toString();
        }
        String text = BY_NAME.computeIfAbsent(schema.getFullName(), n -> read(schema.getName()));
        return !text.isEmpty() && equivalent(new Schema.Parser().parse(text), schema) ? text : schema.toString();
    }

    /** The text of schemas/{name}.avsc on the classpath, "" when there is none. */
    static String read(String name) {
        try (InputStream in = SchemaTexts.class.getClassLoader().getResourceAsStream("schemas/" + name + ".avsc")) {
            return in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read schemas/" + name + ".avsc from the classpath", e);
        }
    }

    /**
     * Same wire form (Avro's Parsing Canonical Form: names, types, field order; no docs,
     * defaults or properties): bytes written with one are read identically with the other.
     */
    public static boolean equivalent(Schema a, Schema b) {
        return SchemaNormalization.toParsingForm(a).equals(SchemaNormalization.toParsingForm(b));
    }
}
