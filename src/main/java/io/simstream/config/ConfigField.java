package io.simstream.config;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * One declared setting: its name, type, default (null = required), how a value is checked, and
 * what it means. A setting is declared once and then read from a properties file, an environment
 * variable (SIMSTREAM_ + upper-cased name with '.' and '-' as '_') or a flag.
 */
public record ConfigField(String name, Type type, String defaultValue, Function<String, String> validator,
                          String description) {
    public static final String ENV_PREFIX = "SIMSTREAM_";

    /** The value types the parser knows; the type name is what --help shows. */
    public enum Type { STRING, INT, LONG, DOUBLE, BOOLEAN, ENUM }

    public static ConfigField string(String name, String def, String description) {
        return new ConfigField(name, Type.STRING, def, v -> v.isBlank() ? "must not be empty" : null, description);
    }

    /** A setting that may stay empty (unset): credentials, store locations. */
    public static ConfigField optional(String name, String description) {
        return new ConfigField(name, Type.STRING, "", v -> null, description);
    }

    /** One of a fixed set of names, compared case-insensitively; aliases (e.g. class names) map to a name. */
    public static ConfigField named(String name, String def, List<String> allowed, Map<String, String> aliases,
                                    String description) {
        return new ConfigField(name, Type.ENUM, def, v -> allowed.stream().anyMatch(a -> a.equalsIgnoreCase(v))
                || aliases.containsKey(v) ? null : "must be one of " + allowed, description + " One of " + allowed + ".");
    }

    public static ConfigField integer(String name, long def, long min, long max, String description) {
        return new ConfigField(name, Type.INT, String.valueOf(def), v -> range(v, min, max), description);
    }

    public static ConfigField longValue(String name, long def, long min, long max, String description) {
        return new ConfigField(name, Type.LONG, String.valueOf(def), v -> range(v, min, max), description);
    }

    public static ConfigField decimal(String name, double def, double min, double max, String description) {
        return new ConfigField(name, Type.DOUBLE, String.valueOf(def), v -> {
            try {
                double x = Double.parseDouble(v.trim());
                return x >= min && x <= max ? null : "must be between " + min + " and " + max;
            } catch (NumberFormatException e) {
                return "must be a number";
            }
        }, description);
    }

    public static ConfigField bool(String name, boolean def, String description) {
        return new ConfigField(name, Type.BOOLEAN, String.valueOf(def),
                v -> v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false") ? null : "must be true or false",
                description);
    }

    public static ConfigField oneOf(String name, String def, List<String> allowed, String description) {
        return new ConfigField(name, Type.ENUM, def,
                v -> allowed.contains(v.toLowerCase(Locale.ROOT)) ? null : "must be one of " + allowed,
                description + " One of " + allowed + ".");
    }

    /** The same setting with another default (a command whose needs differ, e.g. serve's registry timeouts). */
    public ConfigField withDefault(String def) {
        return new ConfigField(name, type, def, validator, description);
    }

    public boolean required() {
        return defaultValue == null;
    }

    /** SIMSTREAM_BOOTSTRAP_SERVERS for bootstrap.servers. */
    public String envName() {
        return envName(name);
    }

    public static String envName(String key) {
        return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** An error message, or null when the value is acceptable. */
    public String check(String value) {
        return validator.apply(value.trim());
    }

    private static String range(String v, long min, long max) {
        try {
            long x = Long.parseLong(v.trim());
            return x < min || x > max ? "must be between " + min + " and " + max : null;
        } catch (NumberFormatException e) {
            return "must be a whole number";
        }
    }
}
