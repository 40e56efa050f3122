package io.simstream.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How to reach the cluster: Kafka (bootstrap plus "kafka." pass-through, e.g. security settings)
 * and the schema registry (Confluent's serde setting names, under "registry." or Confluent's own
 * "schema.registry." names). Every command that talks to Kafka or the registry loads these with
 * the same loader, so a secured cluster is reached the same way by serve, retrain, publish, produce,
 * models, dlq, score and bench e2e.
 */
public final class ClusterConfig {
    public static final ConfigField BOOTSTRAP = ConfigField.string("bootstrap.servers", null,
            "Kafka bootstrap servers, host:port[,host:port].");
    public static final ConfigField REGISTRY_URL = ConfigField.string("registry.url", null,
            "Schema registry base URL(s), comma-separated (Confluent-compatible API); http://user:pass@host"
                    + " credentials are used with basic.auth.credentials.source=URL. Alias: schema.registry.url.");
    public static final ConfigField AUTO_REGISTER = ConfigField.bool("registry.auto.register.schemas", true,
            "Register output schemas that the subject does not hold yet (Confluent's auto.register.schemas);"
                    + " false looks them up and fails naming the subject if missing. Input subjects are never written.");
    public static final ConfigField USE_LATEST = ConfigField.bool("registry.use.latest.version", false,
            "Write output records with the subject's latest version (Confluent's use.latest.version;"
                    + " with auto.register.schemas=false).");
    public static final ConfigField LATEST_STRICT = ConfigField.bool("registry.latest.compatibility.strict", true,
            "With use.latest.version: refuse a latest version that cannot read the built-in schema's records.");
    static final List<String> STRATEGIES = List.of("TopicNameStrategy", "RecordNameStrategy", "TopicRecordNameStrategy");
    static final Map<String, String> STRATEGY_CLASSES = Map.of(
            "io.confluent.kafka.serializers.subject.TopicNameStrategy", "TopicNameStrategy",
            "io.confluent.kafka.serializers.subject.RecordNameStrategy", "RecordNameStrategy",
            "io.confluent.kafka.serializers.subject.TopicRecordNameStrategy", "TopicRecordNameStrategy");
    public static final ConfigField VALUE_SUBJECT_STRATEGY = ConfigField.named("registry.value.subject.name.strategy",
            "TopicNameStrategy", STRATEGIES, STRATEGY_CLASSES, "Subject of record values: <topic>-value,"
                    + " <record full name>, or <topic>-<record full name>; Confluent's class names are accepted too.");
    public static final ConfigField KEY_SUBJECT_STRATEGY = ConfigField.named("registry.key.subject.name.strategy",
            "TopicNameStrategy", STRATEGIES, STRATEGY_CLASSES, "Subject of Avro record keys (keys here are"
                    + " plain bytes, so this only matters for Avro keys).");
    public static final ConfigField CREDENTIALS_SOURCE = ConfigField.named("registry.basic.auth.credentials.source",
            "URL", List.of("URL", "USER_INFO", "SASL_INHERIT"), Map.of(), "Where basic-auth credentials come from:"
                    + " the URL's user:pass@, basic.auth.user.info, or the PLAIN/SCRAM user in kafka.sasl.jaas.config.");
    public static final ConfigField USER_INFO = ConfigField.optional("registry.basic.auth.user.info",
            "user:password for basic auth with credentials source USER_INFO. Alias: schema.registry.basic.auth.user.info.");
    public static final ConfigField BEARER_SOURCE = ConfigField.named("registry.bearer.auth.credentials.source",
            "STATIC_TOKEN", List.of("STATIC_TOKEN"), Map.of(), "Where a bearer token comes from.");
    public static final ConfigField BEARER_TOKEN = ConfigField.optional("registry.bearer.auth.token",
            "Bearer token sent as Authorization: Bearer (instead of basic auth).");
    public static final ConfigField CONNECT_TIMEOUT = ConfigField.longValue("registry.http.connect.timeout.ms", 10_000,
            1, 600_000, "Registry TCP/TLS connect timeout (serve: default 5000).");
    public static final ConfigField READ_TIMEOUT = ConfigField.longValue("registry.http.read.timeout.ms", 30_000, 1,
            600_000, "Registry timeout of one HTTP exchange (serve: default 5000, so one call stays well inside"
                    + " registry.wait.max.ms + 60 s).");
    public static final ConfigField MAX_RETRIES = ConfigField.integer("registry.max.retries", 3, 0, 1000,
            "Extra registry attempts after a connection error or 5xx (serve: default 1; its"
                    + " registry.wait.max.ms does the waiting).");
    public static final ConfigField RETRIES_WAIT = ConfigField.longValue("registry.retries.wait.ms", 200, 0, 600_000,
            "First wait between registry attempts (doubled each time).");
    public static final ConfigField RETRIES_MAX_WAIT = ConfigField.longValue("registry.retries.max.wait.ms", 5000, 0,
            600_000, "Cap of the wait between registry attempts.");
    public static final List<ConfigField> SSL = List.of(
            ConfigField.optional("schema.registry.ssl.truststore.location", "Trust store for an https registry."),
            ConfigField.optional("schema.registry.ssl.truststore.password", "Its password."),
            ConfigField.optional("schema.registry.ssl.truststore.type", "Its type (default: the JDK's, PKCS12)."),
            ConfigField.optional("schema.registry.ssl.keystore.location", "Key store for mutual TLS with the registry."),
            ConfigField.optional("schema.registry.ssl.keystore.password", "Its password."),
            ConfigField.optional("schema.registry.ssl.keystore.type", "Its type (default: the JDK's, PKCS12)."),
            ConfigField.optional("schema.registry.ssl.key.password", "Password of the key (default: the store's)."));

    /** Confluent's names for the same settings, accepted as given. */
    static final Map<String, String> ALIASES = Map.of(
            "schema.registry.url", REGISTRY_URL.name(),
            "schema.registry.basic.auth.user.info", USER_INFO.name());

    /** How to reach Kafka and the registry. */
    public static final List<ConfigField> CONNECTION_FIELDS = connectionFields();

    /** What every command that talks to the cluster reads: the connection, then the topic names. */
    public static final List<ConfigField> FIELDS = concat(CONNECTION_FIELDS, TopicSettings.FIELDS);

    static List<ConfigField> concat(List<ConfigField> a, List<ConfigField> b) {
        List<ConfigField> all = new ArrayList<>(a);
        all.addAll(b);
        return List.copyOf(all);
    }

    private static List<ConfigField> connectionFields() {
        List<ConfigField> f = new ArrayList<>(List.of(BOOTSTRAP, REGISTRY_URL, AUTO_REGISTER, USE_LATEST, LATEST_STRICT,
                VALUE_SUBJECT_STRATEGY, KEY_SUBJECT_STRATEGY, CREDENTIALS_SOURCE, USER_INFO, BEARER_SOURCE, BEARER_TOKEN,
                CONNECT_TIMEOUT, READ_TIMEOUT, MAX_RETRIES, RETRIES_WAIT, RETRIES_MAX_WAIT));
        f.addAll(SSL);
        return List.copyOf(f);
    }

    /** The registry fields (everything but bootstrap): their Confluent names are the client's keys. */
    public static final List<ConfigField> REGISTRY_FIELDS = CONNECTION_FIELDS.subList(1, CONNECTION_FIELDS.size());

    /** The cross-field checks every command shares. */
    public static final List<CrossCheck> CHECKS = List.of(
            new CrossCheck(c -> c.getBoolean(USE_LATEST) && c.getBoolean(AUTO_REGISTER)
                    ? USE_LATEST.name() + "=true needs " + AUTO_REGISTER.name() + "=false (as with Confluent's serde)"
                    : null),
            new CrossCheck(c -> c.get(CREDENTIALS_SOURCE).equalsIgnoreCase("USER_INFO") && c.get(USER_INFO).isEmpty()
                    ? CREDENTIALS_SOURCE.name() + "=USER_INFO needs " + USER_INFO.name() : null),
            new CrossCheck(c -> !c.get(USER_INFO).isEmpty() && !c.get(CREDENTIALS_SOURCE).equalsIgnoreCase("USER_INFO")
                    ? USER_INFO.name() + " is only used with " + CREDENTIALS_SOURCE.name() + "=USER_INFO (it is "
                            + c.get(CREDENTIALS_SOURCE) + ")" : null),
            new CrossCheck(c -> !c.get(USER_INFO).isEmpty() && c.get(USER_INFO).indexOf(':') < 0
                    ? USER_INFO.name() + " must be user:password" : null),
            new CrossCheck(c -> c.get(CREDENTIALS_SOURCE).equalsIgnoreCase("SASL_INHERIT")
                    && !c.kafkaOverrides().containsKey("sasl.jaas.config")
                    ? CREDENTIALS_SOURCE.name() + "=SASL_INHERIT needs kafka.sasl.jaas.config" : null));

    private final DeclaredConfig config;

    public ClusterConfig(DeclaredConfig config) {
        this.config = config;
    }

    public static ClusterConfig load(Path file, Map<String, String> env, Map<String, String> flags) {
        return new ClusterConfig(DeclaredConfig.load(FIELDS, CHECKS, file, env, flags));
    }

    public static ClusterConfig of(Map<String, String> settings) {
        return new ClusterConfig(DeclaredConfig.of(FIELDS, CHECKS, settings));
    }

    public String bootstrap() {
        return config.get(BOOTSTRAP);
    }

    /** Settings passed through to Kafka clients and Streams (security, tuning), "kafka." removed. */
    public Map<String, String> kafkaOverrides() {
        return config.kafkaOverrides();
    }

    /** Config for plain Kafka clients (admin, producers, consumers): bootstrap plus the pass-through. */
    public Map<String, Object> clientConfig() {
        Map<String, Object> m = new LinkedHashMap<>(config.kafkaOverrides());
        m.put("bootstrap.servers", bootstrap());
        return m;
    }

    /**
     * The registry client's settings under Confluent's names (schema.registry.url,
     * auto.register.schemas, basic.auth.user.info, schema.registry.ssl.*, ...), unset ones left
     * out; with SASL_INHERIT also the Kafka sasl.jaas.config the credentials come from.
     */
    public Map<String, String> registryClientSettings() {
        Map<String, String> m = new TreeMap<>();
        for (ConfigField f : REGISTRY_FIELDS) {
            String v = config.get(f);
            if (!v.isEmpty()) {
                m.put(confluentName(f), v);
            }
        }
        String jaas = config.kafkaOverrides().get("sasl.jaas.config");
        if (jaas != null && config.get(CREDENTIALS_SOURCE).equalsIgnoreCase("SASL_INHERIT")) {
            m.put("sasl.jaas.config", jaas);
        }
        return m;
    }

    /** registry.url -> schema.registry.url; registry.x -> x; schema.registry.ssl.* as declared. */
    public static String confluentName(ConfigField f) {
        if (f == REGISTRY_URL) {
            return "schema.registry.url";
        }
        return f.name().startsWith(DeclaredConfig.REGISTRY_PREFIX)
                ? f.name().substring(DeclaredConfig.REGISTRY_PREFIX.length()) : f.name();
    }

    public DeclaredConfig values() {
        return config;
    }
}
