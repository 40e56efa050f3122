package io.simstream.registry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;

/** A registry in a map, for topology unit tests; integration tests use a real registry. */
public final class InMemorySchemaRegistry implements SchemaRegistry {
    private final List<Schema> byId = new ArrayList<>();
    private final Map<String, Map<Schema, Integer>> bySubject = new HashMap<>();

    @Override
    public synchronized int register(String subject, Schema schema) {
        int existing = byId.indexOf(schema);
        int id = existing >= 0 ? existing + 1 : add(schema);
        bySubject.computeIfAbsent(subject, s -> new HashMap<>()).put(schema, id);
        return id;
    }

    private int add(Schema schema) {
        byId.add(schema);
        return byId.size();
    }

    @Override
    public synchronized int lookupId(String subject, Schema schema) {
        Integer id = bySubject.getOrDefault(subject, Map.of()).get(schema);
        if (id == null) {
            throw new SchemaNotFoundException("schema not registered under subject " + subject);
        }
        return id;
    }

    @Override
    public synchronized Schema schemaById(int id) {
        if (id < 1 || id > byId.size()) {
            throw new SchemaNotFoundException("unknown schema id " + id);
        }
        return byId.get(id - 1);
    }
}
