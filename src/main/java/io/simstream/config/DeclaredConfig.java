package io.simstream.config;

import io.simstream.UserInputException;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Settings resolved against a list of declared {@link ConfigField}s. Sources, later winning:
 * defaults, a properties file, environment variables (SIMSTREAM_...), flags.
 *
 * <p>Nothing passes silently: a key no field declares is an error naming the nearest known one.
 * Kafka settings go under "kafka." (prefix removed) and must be names Kafka's own ConfigDefs
 * declare; registry settings are declared fields ("registry." plus Confluent's names). A key that
 * only another simstream command declares is ignored when it comes from the file or the
 * environment (one file or one env may serve several commands) and an error as a flag. Every
 * problem is reported at once, one per line.
 */
public final class DeclaredConfig {
    public static final String KAFKA_PREFIX = "kafka.";
    public static final String REGISTRY_PREFIX = "registry.";

    /**
     * SIMSTREAM_* variables that are not settings: the launcher's and the test tooling's, and the
     * ones Kubernetes injects for a Service whose name starts with "simstream".
     */
    static final Set<String> NOT_SETTINGS = Set.of("SIMSTREAM_JAR", "SIMSTREAM_PYTHON", "SIMSTREAM_APICURIO_DIR");
    private static final Pattern SERVICE_LINK = Pattern.compile("SIMSTREAM_[A-Z0-9_]*_(SERVICE_HOST|SERVICE_PORT(_[A-Z0-9_]+)?|PORT(_\\d+_(TCP|UDP|SCTP)(_[A-Z]+)?)?)");

    private final List<ConfigField> fields;
    private final Map<String, String> values;
    private final Map<String, String> kafkaOverrides;

    private DeclaredConfig(List<ConfigField> fields, Map<String, String> values, Map<String, String> kafkaOverrides) {
        this.fields = fields;
        this.values = values;
        this.kafkaOverrides = kafkaOverrides;
    }

    /** A value and where it came from; strict sources reject keys declared only by other commands. */
    private record Given(String value, String origin, boolean strict) {
    }

    public static DeclaredConfig load(List<ConfigField> fields, Path file, Map<String, String> env,
                                      Map<String, String> flags) {
        return load(fields, List.of(), file, env, flags);
    }

    /** file may be null; env is usually System.getenv(); flags are name=value pairs from the command line. */
    public static DeclaredConfig load(List<ConfigField> fields, List<CrossCheck> checks, Path file,
                                      Map<String, String> env, Map<String, String> flags) {
        Map<String, Given> raw = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        if (file != null) {
            readFile(file).forEach((k, v) -> raw.put(canonical(k), new Given(v, file + " (key " + k + ")", false)));
        }
        new TreeMap<>(env).forEach((k, v) -> {
            if (!k.startsWith(ConfigField.ENV_PREFIX)) {
                return;
            }
            String key = declaredKeyForEnv(fields, k);
            if (key == null && (NOT_SETTINGS.contains(k) || SERVICE_LINK.matcher(k).matches())) {
                return;
            }
            if (key == null) {
                key = kafkaKeyForEnv(k);
            }
            if (key == null) {
                problems.add("environment variable " + k + " is not a setting" + suggestEnv(fields, k));
            } else {
                raw.put(key, new Given(v, "environment variable " + k, false));
            }
        });
        flags.forEach((k, v) -> raw.put(canonical(k), new Given(v, "flag " + k, true)));
        return resolve(fields, checks, raw, problems);
    }

    /** From one map of settings (tests, embedded use): strict, like flags. */
    public static DeclaredConfig of(List<ConfigField> fields, Map<String, String> settings) {
        return of(fields, List.of(), settings);
    }

    public static DeclaredConfig of(List<ConfigField> fields, List<CrossCheck> checks, Map<String, String> settings) {
        Map<String, Given> raw = new LinkedHashMap<>();
        settings.forEach((k, v) -> raw.put(canonical(k), new Given(v, "setting " + k, true)));
        return resolve(fields, checks, raw, new ArrayList<>());
    }

    private static String canonical(String key) {
        String k = key.trim();
        return ClusterConfig.ALIASES.getOrDefault(k, k);
    }

    private static DeclaredConfig resolve(List<ConfigField> fields, List<CrossCheck> checks, Map<String, Given> raw,
                                          List<String> problems) {
        Map<String, String> values = new LinkedHashMap<>();
        for (ConfigField f : fields) {
            Given g = raw.remove(f.name());
            if (g == null) {
                if (f.required()) {
                    problems.add("missing setting '" + f.name() + "' (" + f.description()
                            + "): give it in the properties file, as " + f.envName() + " or as a flag");
                    continue;
                }
                values.put(f.name(), f.defaultValue());
                continue;
            }
            String problem = f.check(g.value());
            if (problem != null) {
                boolean secret = f.type() == ConfigField.Type.STRING && f.defaultValue() != null && f.defaultValue().isEmpty();
                problems.add("setting '" + f.name() + "'" + (secret ? "" : " = '" + g.value() + "'") + " from "
                        + g.origin() + " " + problem);
                continue;
            }
            values.put(f.name(), g.value().trim());
        }
        Map<String, String> kafka = new TreeMap<>();
        Set<String> elsewhere = AllSettings.names();
        raw.forEach((k, g) -> {
            if (k.startsWith(KAFKA_PREFIX)) {
                String name = k.substring(KAFKA_PREFIX.length());
                if (KafkaSettingNames.isKnown(name)) {
                    kafka.put(name, g.value());
                } else {
                    problems.add("'" + k + "' from " + g.origin() + ": '" + name + "' is not a Kafka client or Streams"
                            + " setting" + suggest(name, KafkaSettingNames.names(), KAFKA_PREFIX));
                }
            } else if (elsewhere.contains(k)) {
                if (g.strict()) {
                    problems.add("'" + k + "' from " + g.origin() + " is not a setting of this command");
                }
            } else {
                problems.add("unknown setting '" + k + "' from " + g.origin() + suggest(k, known(fields), ""));
            }
        });
        DeclaredConfig config = new DeclaredConfig(fields, values, kafka);
        if (problems.isEmpty()) {
            for (CrossCheck c : checks) {
                String p = c.problem().apply(config);
                if (p != null) {
                    problems.add(p);
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new UserInputException(problems.size() == 1 ? problems.get(0)
                    : problems.size() + " configuration problems:\n  " + String.join("\n  ", problems));
        }
        return config;
    }

    private static Set<String> known(List<ConfigField> fields) {
        Set<String> names = new TreeSet<>();
        fields.forEach(f -> names.add(f.name()));
        return names;
    }

    /** "; did you mean 'x'?" for the nearest known name, or for a known name that ends with this one. */
    static String suggest(String key, Set<String> known, String prefix) {
        String best = nearest(key, known);
        if (best == null && !prefix.isEmpty()) {
            return "";
        }
        if (best == null) {
            // "auto.register.schemas" given bare: suggest the prefixed names that end with it.
            best = KafkaSettingNames.isKnown(key) ? KAFKA_PREFIX + key
                    : known.stream().filter(n -> n.endsWith("." + key)).findFirst().orElse(null);
            if (best == null) {
                return " (see --help for the settings)";
            }
            return "; did you mean '" + best + "'?";
        }
        return "; did you mean '" + prefix + best + "'?";
    }

    private static String nearest(String key, Set<String> known) {
        int limit = Math.max(2, key.length() / 4);
        return known.stream().map(n -> Map.entry(n, distance(key, n))).filter(e -> e.getValue() <= limit)
                .min(Comparator.comparingInt((Map.Entry<String, Integer> e) -> e.getValue()).thenComparing(Map.Entry::getKey))
                .map(Map.Entry::getKey).orElse(null);
    }

    private static String suggestEnv(List<ConfigField> fields, String envName) {
        Set<String> envNames = new TreeSet<>();
        fields.forEach(f -> envNames.add(f.envName()));
        String best = nearest(envName, envNames);
        return best == null ? " (settings: see --help; Kafka settings are SIMSTREAM_KAFKA_*)" : "; did you mean " + best + "?";
    }

    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /** The declared setting (of this or any command) whose env name this is, or null. */
    static String declaredKeyForEnv(List<ConfigField> fields, String envName) {
        for (ConfigField f : fields) {
            if (f.envName().equals(envName)) {
                return f.name();
            }
        }
        for (String name : AllSettings.names()) {
            if (ConfigField.envName(name).equals(envName)) {
                return name;
            }
        }
        return null;
    }

    /** SIMSTREAM_KAFKA_SECURITY_PROTOCOL -> kafka.security.protocol; null when not SIMSTREAM_KAFKA_*. */
    static String kafkaKeyForEnv(String envName) {
        String kafkaEnv = ConfigField.ENV_PREFIX + "KAFKA_";
        if (envName.startsWith(kafkaEnv)) {
            return KAFKA_PREFIX + envName.substring(kafkaEnv.length()).toLowerCase(Locale.ROOT).replace('_', '.');
        }
        return null;
    }

    /**
     * Whether any source gives this setting, without resolving them: lets a command that can start
     * an endpoint itself (bench e2e's embedded broker and registry) do so only when none names one.
     */
    public static boolean gives(ConfigField field, Path file, Map<String, String> env, Map<String, String> flags) {
        if (flags.keySet().stream().map(DeclaredConfig::canonical).anyMatch(field.name()::equals)
                || env.containsKey(field.envName())) {
            return true;
        }
        return file != null && readFile(file).keySet().stream().map(DeclaredConfig::canonical)
                .anyMatch(field.name()::equals);
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

    /** The --help text: every field with type, default and env name. */
    public static String describe(List<ConfigField> fields) {
        StringBuilder sb = new StringBuilder();
        for (ConfigField f : fields) {
            sb.append(String.format("  %s (%s, %s, env %s)%n", f.name(), f.type().name().toLowerCase(Locale.ROOT),
                    f.required() ? "required" : "default " + (f.defaultValue().isEmpty() ? "unset" : f.defaultValue()),
                    f.envName()));
            sb.append(String.format("      %s%n", f.description()));
        }
        sb.append(String.format("  kafka.*%n      Passed to Kafka Streams and clients, prefix removed (security.protocol,"
                + " sasl.*, ssl.*, tuning); must be a name Kafka's producer, consumer, admin or Streams config"
                + " declares (Streams' producer./consumer./main.consumer./admin./topic. prefixes allowed).%n"));
        return sb.toString();
    }

    /** A Markdown table of the fields, for the README's configuration reference. */
    public static String markdown(List<ConfigField> fields) {
        StringBuilder sb = new StringBuilder("| setting | env | type | default | meaning |\n|---|---|---|---|---|\n");
        for (ConfigField f : fields) {
            sb.append(String.format("| `%s` | `%s` | %s | %s | %s |%n", f.name(), f.envName(),
                    f.type().name().toLowerCase(Locale.ROOT), f.required() ? "required"
                            : f.defaultValue().isEmpty() ? "unset" : "`" + f.defaultValue() + "`",
                    f.description().replace("|", "\\|")));
        }
        return sb.toString();
    }

    public List<ConfigField> fields() {
        return fields;
    }
}
