package io.simstream.config;

import io.simstream.UserInputException;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Settings resolved against a list of declared {@link ConfigField}s. Sources, later winning:
 * defaults, a properties file, environment variables (SIMSTREAM_...), flags. Keys under
 * "registry." configure the schema-registry client; every other undeclared key (with or without
 * a "kafka." prefix) is passed through to the Kafka clients and Streams, so security and tuning
 * settings need no declaration here.
 */
public final class DeclaredConfig {
    public static final String KAFKA_PREFIX = "kafka.";
    public static final String REGISTRY_PREFIX = "registry.";

    private final List<ConfigField> fields;
    private final Map<String, String> values;
    private final Map<String, String> kafkaOverrides;
    private final Map<String, String> registrySettings;

    private DeclaredConfig(List<ConfigField> fields, Map<String, String> values, Map<String, String> kafkaOverrides,
                           Map<String, String> registrySettings) {
        this.fields = fields;
        this.values = values;
        this.kafkaOverrides = kafkaOverrides;
        this.registrySettings = registrySettings;
    }

    /** file may be null; env is usually System.getenv(); flags are name=value pairs from the command line. */
    public static DeclaredConfig load(List<ConfigField> fields, Path file, Map<String, String> env,
                                      Map<String, String> flags) {
        Map<String, String> raw = new LinkedHashMap<>();
        Map<String, String> origin = new LinkedHashMap<>();
        if (file != null) {
            readFile(file).forEach((k, v) -> {
                raw.put(k, v);
                origin.put(k, file.toString());
            });
        }
        env.forEach((k, v) -> {
            if (k.startsWith(ConfigField.ENV_PREFIX)) {
                String key = keyForEnv(fields, k);
                raw.put(key, v);
                origin.put(key, "environment variable " + k);
            }
        });
        flags.forEach((k, v) -> {
            raw.put(k, v);
            origin.put(k, "flag " + k);
        });
        return resolve(fields, raw, origin);
    }

    /** From one map of settings (tests, embedded use). */
    public static DeclaredConfig of(List<ConfigField> fields, Map<String, String> settings) {
        Map<String, String> origin = new LinkedHashMap<>();
        settings.keySet().forEach(k -> origin.put(k, "setting " + k));
        return resolve(fields, new LinkedHashMap<>(settings), origin);
    }

    private static DeclaredConfig resolve(List<ConfigField> fields, Map<String, String> raw,
                                          Map<String, String> origin) {
        Map<String, String> values = new LinkedHashMap<>();
        for (ConfigField f : fields) {
            String v = raw.remove(f.name());
            if (v == null) {
                if (f.required()) {
                    throw new UserInputException("missing setting '" + f.name() + "' (" + f.description()
                            + "): give it in the properties file, as " + f.envName() + " or as a flag");
                }
                v = f.defaultValue();
            } else {
                String problem = f.check(v);
                if (problem != null) {
                    throw new UserInputException("setting '" + f.name() + "' = '" + v + "' from "
                            + origin.get(f.name()) + " " + problem);
                }
            }
            values.put(f.name(), v.trim());
        }
        Map<String, String> kafka = new TreeMap<>();
        Map<String, String> registry = new TreeMap<>();
        raw.forEach((k, v) -> {
            if (k.startsWith(REGISTRY_PREFIX)) {
                registry.put(k.substring(REGISTRY_PREFIX.length()), v);
            } else {
                kafka.put(k.startsWith(KAFKA_PREFIX) ? k.substring(KAFKA_PREFIX.length()) : k, v);
            }
        });
        return new DeclaredConfig(fields, values, kafka, registry);
    }

    /** SIMSTREAM_KAFKA_SECURITY_PROTOCOL -> kafka.security.protocol; declared fields map back exactly. */
    static String keyForEnv(List<ConfigField> fields, String envName) {
        for (ConfigField f : fields) {
            if (f.envName().equals(envName)) {
                return f.name();
            }
        }
        return envName.substring(ConfigField.ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.');
    }

    private static Map<String, String> readFile(Path file) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        } catch (IOException e) {
            throw new UserInputException("cannot read config file " + file + ": " + e.getMessage(), e);
        }
        Map<String, String> out = new TreeMap<>();
        p.stringPropertyNames().forEach(k -> out.put(k, p.getProperty(k)));
        return out;
    }

    public String get(ConfigField f) {
        String v = values.get(f.name());
        if (v == null) {
            throw new IllegalArgumentException("setting " + f.name() + " is not declared here");
        }
        return v;
    }

    public int getInt(ConfigField f) {
        return Integer.parseInt(get(f));
    }

    public long getLong(ConfigField f) {
        return Long.parseLong(get(f));
    }

    public double getDouble(ConfigField f) {
        return Double.parseDouble(get(f));
    }

    public boolean getBoolean(ConfigField f) {
        return Boolean.parseBoolean(get(f));
    }

    /** Settings passed through to Kafka clients and Streams (security, tuning), prefix removed. */
    public Map<String, String> kafkaOverrides() {
        return kafkaOverrides;
    }

    /** Registry client settings: schema.registry.url plus every registry.* key, prefix removed. */
    public Map<String, String> registryClientSettings(ConfigField registryUrl) {
        Map<String, String> m = new TreeMap<>(registrySettings);
        m.put("schema.registry.url", get(registryUrl));
        return m;
    }

    /** Config for plain Kafka clients (admin, producers, consumers): bootstrap plus the pass-through. */
    public Map<String, Object> clientConfig(ConfigField bootstrap) {
        Map<String, Object> m = new LinkedHashMap<>(kafkaOverrides);
        m.put("bootstrap.servers", get(bootstrap));
        return m;
    }

    /** The --help text: every field with type, default and env name. */
    public static String describe(List<ConfigField> fields) {
        StringBuilder sb = new StringBuilder();
        for (ConfigField f : fields) {
            sb.append(String.format("  %s (%s, %s, env %s)%n", f.name(), f.type().name().toLowerCase(Locale.ROOT),
                    f.required() ? "required" : "default " + f.defaultValue(), f.envName()));
            sb.append(String.format("      %s%n", f.description()));
        }
        sb.append(String.format("  kafka.* and any other key%n      Passed to Kafka Streams and clients, prefix removed"
                + " (security.protocol, sasl.*, ssl.*, tuning).%n"));
        sb.append(String.format("  registry.*%n      Registry client settings, prefix removed (e.g. basic.auth.user.info).%n"));
        return sb.toString();
    }

    /** A Markdown table of the fields, for the README's configuration reference. */
    public static String markdown(List<ConfigField> fields) {
        StringBuilder sb = new StringBuilder("| setting | env | type | default | meaning |\n|---|---|---|---|---|\n");
        for (ConfigField f : fields) {
            sb.append(String.format("| `%s` | `%s` | %s | %s | %s |%n", f.name(), f.envName(),
                    f.type().name().toLowerCase(Locale.ROOT), f.required() ? "required" : "`" + f.defaultValue() + "`",
                    f.description().replace("|", "\\|")));
        }
        return sb.toString();
    }

    public List<ConfigField> fields() {
        return fields;
    }
}
