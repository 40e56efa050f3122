package io.simstream.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/**
 * A client for the Confluent Schema Registry REST API (also served by Apicurio at
 * /apis/ccompat/v7), on the JDK HttpClient. Ids and schemas are cached: a schema id never changes
 * meaning, and a (subject, schema) pair keeps its id once registered.
 *
 * <p>Errors: {@link SchemaNotFoundException} (404: 40401 subject, 40402 version, 40403 schema),
 * {@link IncompatibleSchemaException} (409), {@link InvalidSchemaException} (42201),
 * {@link InvalidRequestException} (other 4xx, e.g. 42202, 42203), {@link RegistryAuthException}
 * (401/403), {@link RegistryUnavailableException} (connection errors, timeouts, 5xx after retries).
 */
public final class ConfluentRegistryClient implements SchemaRegistry {
    private final RegistryHttp http;
    private final ObjectMapper json = new ObjectMapper();
    private final RegistryClientConfig config;
    private final Map<SubjectSchema, Integer> idBySubjectSchema = new ConcurrentHashMap<>();
    private final Map<Integer, Schema> schemaById = new ConcurrentHashMap<>();

    private record SubjectSchema(String subject, String schema) {
    }

    public ConfluentRegistryClient(RegistryClientConfig config) {
        this.config = config;
        this.http = new RegistryHttp(config, json);
    }

    /** A client from Confluent-style settings (schema.registry.url, basic.auth.user.info, ...). */
    public static ConfluentRegistryClient fromConfig(Map<String, ?> settings) {
        return new ConfluentRegistryClient(RegistryClientConfig.fromMap(settings));
    }

    public RegistryClientConfig config() {
        return config;
    }

    @Override
    public SerdeSettings serdeSettings() {
        return config.serde();
    }

    /** Registers the schema's canonical text (the .avsc bytes for simstream's own schemas). */
    @Override
    public int register(String subject, Schema schema) {
        SubjectSchema key = new SubjectSchema(subject, SchemaTexts.canonical(schema));
        Integer cached = idBySubjectSchema.get(key);
        if (cached != null) {
            return cached;
        }
        JsonNode answer = http.send("POST", "/subjects/" + enc(subject) + "/versions", Map.of("schema", key.schema()),
                "register a schema for " + schema.getFullName() + " under subject " + subject);
        int id = requiredInt(answer, "id", "register under " + subject);
        idBySubjectSchema.put(key, id);
        schemaById.putIfAbsent(id, schema);
        return id;
    }

    @Override
    public int lookupId(String subject, Schema schema) {
        SubjectSchema key = new SubjectSchema(subject, SchemaTexts.canonical(schema));
        Integer cached = idBySubjectSchema.get(key);
        if (cached != null) {
            return cached;
        }
        int id = lookup(subject, schema).id();
        idBySubjectSchema.put(key, id);
        return id;
    }

    /**
     * Reads only: POST /subjects/{s} with the canonical text; if the registry matches texts more
     * strictly than wire form (a version registered by another client with other whitespace,
     * docs or properties), the subject's versions are compared by Parsing Canonical Form.
     */
    @Override
    public Optional<Integer> findEquivalent(String subject, Schema schema) {
        SubjectSchema key = new SubjectSchema(subject, SchemaTexts.canonical(schema));
        Integer cached = idBySubjectSchema.get(key);
        if (cached != null) {
            return Optional.of(cached);
        }
        try {
            int id = lookup(subject, schema).id();
            idBySubjectSchema.put(key, id);
            return Optional.of(id);
        } catch (SchemaNotFoundException e) {
            if (e.errorCode() == 40401) {
                return Optional.empty();
            }
        }
        List<Integer> all;
        try {
            all = versions(subject);
        } catch (SchemaNotFoundException e) {
            return Optional.empty();
        }
        for (int i = all.size() - 1; i >= 0; i--) {
            RegisteredSchema v = version(subject, all.get(i));
            if (SchemaTexts.equivalent(v.schema(), schema)) {
                idBySubjectSchema.put(key, v.id());
                return Optional.of(v.id());
            }
        }
        return Optional.empty();
    }

    /** The version of subject that holds exactly this schema (POST /subjects/{subject}, canonical text). */
    public RegisteredSchema lookup(String subject, Schema schema) {
        JsonNode answer = http.send("POST", "/subjects/" + enc(subject), Map.of("schema", SchemaTexts.canonical(schema)),
                "look up schema " + schema.getFullName() + " under subject " + subject);
        return registered(answer, subject, "look up under " + subject);
    }

    @Override
    public Schema schemaById(int id) {
        Schema cached = schemaById.get(id);
        if (cached != null) {
            return cached;
        }
        JsonNode answer = http.send("GET", "/schemas/ids/" + id, null, "get the schema with id " + id);
        Schema schema = parse(answer.path("schema").asText(null), "schema id " + id);
        schemaById.putIfAbsent(id, schema);
        return schema;
    }

    public List<String> subjects() {
        JsonNode answer = http.send("GET", "/subjects", null, "list subjects");
        List<String> out = new ArrayList<>();
        answer.forEach(n -> out.add(n.asText()));
        return out;
    }

    public List<Integer> versions(String subject) {
        JsonNode answer = http.send("GET", "/subjects/" + enc(subject) + "/versions", null, "list the versions of subject " + subject);
        List<Integer> out = new ArrayList<>();
        answer.forEach(n -> out.add(n.asInt()));
        return out;
    }

    @Override
    public RegisteredSchema latest(String subject) {
        return version(subject, "latest");
    }

    public RegisteredSchema version(String subject, int version) {
        return version(subject, Integer.toString(version));
    }

    private RegisteredSchema version(String subject, String version) {
        String what = "get version " + version + " of subject " + subject;
        JsonNode answer = http.send("GET", "/subjects/" + enc(subject) + "/versions/" + version, null, what);
        return registered(answer, subject, what);
    }

    /** Deletes a subject (soft delete, as Confluent does); returns the versions it had. */
    public List<Integer> deleteSubject(String subject) {
        JsonNode answer = http.send("DELETE", "/subjects/" + enc(subject), null, "delete subject " + subject);
        List<Integer> out = new ArrayList<>();
        answer.forEach(n -> out.add(n.asInt()));
        idBySubjectSchema.keySet().removeIf(k -> k.subject().equals(subject));
        return out;
    }

    /** Would the registry accept schema as the next version of subject (checked against its latest)? */
    public CompatibilityResult testCompatibility(String subject, Schema schema) {
        JsonNode answer = http.send("POST", "/compatibility/subjects/" + enc(subject) + "/versions/latest?verbose=true",
                Map.of("schema", schema.toString()), "test the compatibility of " + schema.getFullName() + " with subject " + subject);
        if (!answer.has("is_compatible")) {
            throw new RegistryException("unexpected answer to a compatibility test for subject " + subject + ": " + answer);
        }
        List<String> messages = new ArrayList<>();
        answer.path("messages").forEach(n -> messages.add(n.asText()));
        return new CompatibilityResult(answer.get("is_compatible").asBoolean(), messages);
    }

    public CompatibilityLevel globalCompatibility() {
        return level(http.send("GET", "/config", null, "get the global compatibility level"), "global config");
    }

    public void setGlobalCompatibility(CompatibilityLevel level) {
        http.send("PUT", "/config", Map.of("compatibility", level.name()), "set the global compatibility level to " + level);
    }

    /**
     * The level that applies to subject: its own if set, else the global one. Asked with
     * defaultToGlobal=true because registries differ on an unset subject level (Confluent answers
     * 40408, Apicurio answers NONE, which is not what it enforces).
     */
    public CompatibilityLevel subjectCompatibility(String subject) {
        return level(http.send("GET", "/config/" + enc(subject) + "?defaultToGlobal=true", null,
                "get the compatibility level of subject " + subject), "config of " + subject);
    }

    public void setSubjectCompatibility(String subject, CompatibilityLevel level) {
        http.send("PUT", "/config/" + enc(subject), Map.of("compatibility", level.name()),
                "set the compatibility level of subject " + subject + " to " + level);
    }

    private CompatibilityLevel level(JsonNode answer, String what) {
        // Confluent answers {"compatibilityLevel": ...}; some versions and Apicurio also use "compatibility".
        String name = answer.path("compatibilityLevel").asText(answer.path("compatibility").asText(""));
        try {
            return CompatibilityLevel.valueOf(name);
        } catch (IllegalArgumentException e) {
            throw new RegistryException("unexpected compatibility level in " + what + ": " + answer, e);
        }
    }

    private RegisteredSchema registered(JsonNode answer, String subject, String what) {
        int id = requiredInt(answer, "id", what);
        Schema schema = parse(answer.path("schema").asText(null), what);
        schemaById.putIfAbsent(id, schema);
        return new RegisteredSchema(answer.path("subject").asText(subject), requiredInt(answer, "version", what), id, schema);
    }

    private static int requiredInt(JsonNode answer, String field, String what) {
        JsonNode n = answer.get(field);
        if (n == null || !n.canConvertToInt()) {
            throw new RegistryException("the schema registry's answer to " + what + " has no '" + field + "': " + answer);
        }
        return n.asInt();
    }

    private static Schema parse(String text, String what) {
        if (text == null) {
            throw new RegistryException("the schema registry sent no schema text for " + what);
        }
        try {
            // A fresh parser per schema: a shared one would reject a second definition of the same name.
            return new Schema.Parser().parse(text);
        } catch (SchemaParseException e) {
            throw new RegistryException("the schema registry sent a schema we cannot parse for " + what + ": " + e.getMessage(), e);
        }
    }

    private static String enc(String subject) {
        return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
