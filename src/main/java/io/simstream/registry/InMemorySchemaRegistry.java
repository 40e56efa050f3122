package io.simstream.registry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;

/** A registry in a map, for topology unit tests; integration tests use a real registry. */
public final class InMemorySchemaRegistry implements SchemaRegistry {
    private final List<Schema> byId = new ArrayList<>();
    private final Map<String, Map<Schema, Integer>> bySubject = new HashMap<>();
    private final Map<String, List<Integer>> versions = new HashMap<>();
    private final SerdeSettings serde;

    public InMemorySchemaRegistry() {
        this(SerdeSettings.DEFAULT);
    }

    public InMemorySchemaRegistry(SerdeSettings serde) {
        this.serde = serde;
    }

    @Override
    public SerdeSettings serdeSettings() {
        return serde;
    }

    @Override
    public synchronized Optional<Integer> findEquivalent(String subject, Schema schema) {
        for (int id : versions.getOrDefault(subject, List.of())) {
            if (SchemaTexts.equivalent(byId.get(id - 1), schema)) {
                return Optional.of(id);
            }
        }
        return Optional.empty();
    }

    @Override
    public synchronized RegisteredSchema latest(String subject) {
        List<Integer> v = versions.get(subject);
        if (v == null || v.isEmpty()) {
            throw new SchemaNotFoundException("subject " + subject + " not found");
        }
        int id = v.get(v.size() - 1);
        return new RegisteredSchema(subject, v.size(), id, byId.get(id - 1));
    }

    @Override
    public synchronized int register(String subject, Schema schema) {
        int existing = byId.indexOf(schema);
        int id = existing >= 0 ? existing + 1 : add(schema);
        if (bySubject.computeIfAbsent(subject, s -> new HashMap<>()).put(schema, id) == null) {
            versions.computeIfAbsent(subject, s -> new ArrayList<>()).add(id);
        }
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
