package io.simstream.registry;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * How to reach a Confluent-compatible schema registry. {@link #fromMap} reads the keys Confluent's
 * clients use, so a deployment's existing serde settings can be passed through unchanged.
 *
 * @param urls             registry base URLs (e.g. http://host:8081 or .../apis/ccompat/v7); the
 *                         client fails over to the next one on connection errors and 5xx
 * @param connectTimeout   TCP/TLS connect timeout
 * @param requestTimeout   timeout of one HTTP exchange
 * @param maxRetries       extra attempts after a connection error or 5xx (0 = try once)
 * @param retryBackoff     first wait between attempts; doubled each time up to maxRetryBackoff
 * @param maxRetryBackoff  cap of the wait between attempts
 * @param basicAuthUserInfo "user:password" for HTTP basic auth, if any
 * @param bearerToken      a static bearer token, if any (sent instead of basic auth)
 * @param tls              trust/key stores for https, if any
 * @param serde            how serializers choose ids (auto-register, latest version, subject names)
 */
public record RegistryClientConfig(
        List<URI> urls,
        Duration connectTimeout,
        Duration requestTimeout,
        int maxRetries,
        Duration retryBackoff,
        Duration maxRetryBackoff,
        Optional<String> basicAuthUserInfo,
        Optional<String> bearerToken,
        Optional<TlsSettings> tls,
        SerdeSettings serde) {

    public static final String URL = "schema.registry.url";
    public static final String BASIC_AUTH_CREDENTIALS_SOURCE = "basic.auth.credentials.source";
    public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";
    public static final String SSL_PREFIX = "schema.registry.ssl.";
    public static final String CONNECT_TIMEOUT_MS = "http.connect.timeout.ms";
    public static final String READ_TIMEOUT_MS = "http.read.timeout.ms";
    public static final String MAX_RETRIES = "max.retries";
    public static final String RETRIES_WAIT_MS = "retries.wait.ms";
    public static final String RETRIES_MAX_WAIT_MS = "retries.max.wait.ms";
    public static final String AUTO_REGISTER = "auto.register.schemas";
    public static final String USE_LATEST_VERSION = "use.latest.version";
    public static final String LATEST_COMPATIBILITY_STRICT = "latest.compatibility.strict";
    public static final String VALUE_SUBJECT_NAME_STRATEGY = "value.subject.name.strategy";
    public static final String KEY_SUBJECT_NAME_STRATEGY = "key.subject.name.strategy";
    public static final String BEARER_AUTH_CREDENTIALS_SOURCE = "bearer.auth.credentials.source";
    public static final String BEARER_AUTH_TOKEN = "bearer.auth.token";
    /** The Kafka client's JAAS config, where SASL_INHERIT takes the registry credentials from. */
    public static final String SASL_JAAS_CONFIG = "sasl.jaas.config";
    private static final List<String> TLS_KEYS = List.of("truststore.location", "truststore.password", "truststore.type",
            "keystore.location", "keystore.password", "keystore.type", "key.password");
    private static final List<String> PREFIXABLE = List.of(CONNECT_TIMEOUT_MS, READ_TIMEOUT_MS, MAX_RETRIES,
            RETRIES_WAIT_MS, RETRIES_MAX_WAIT_MS, BASIC_AUTH_USER_INFO);

    /** Every key {@link #fromMap} reads; anything else is refused rather than silently ignored. */
    public static final Set<String> KNOWN_KEYS = knownKeys();

    private static Set<String> knownKeys() {
        Set<String> k = new TreeSet<>(List.of(URL, BASIC_AUTH_CREDENTIALS_SOURCE, AUTO_REGISTER,
                USE_LATEST_VERSION, LATEST_COMPATIBILITY_STRICT, VALUE_SUBJECT_NAME_STRATEGY, KEY_SUBJECT_NAME_STRATEGY,
                BEARER_AUTH_CREDENTIALS_SOURCE, BEARER_AUTH_TOKEN, SASL_JAAS_CONFIG));
        PREFIXABLE.forEach(p -> {
            k.add(p);
            k.add("schema.registry." + p);
        });
        TLS_KEYS.forEach(t -> k.add(SSL_PREFIX + t));
        return Set.copyOf(k);
    }

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);
    public static final int DEFAULT_MAX_RETRIES = 3;
    public static final Duration DEFAULT_RETRY_BACKOFF = Duration.ofMillis(200);
    public static final Duration DEFAULT_MAX_RETRY_BACKOFF = Duration.ofSeconds(5);

    public RegistryClientConfig {
        urls = List.copyOf(urls);
        if (urls.isEmpty()) {
            throw new IllegalArgumentException("at least one schema registry URL is required (" + URL + ")");
        }
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        Objects.requireNonNull(retryBackoff, "retryBackoff");
        Objects.requireNonNull(maxRetryBackoff, "maxRetryBackoff");
        if (maxRetries < 0) {
            throw new IllegalArgumentException(MAX_RETRIES + " must be >= 0, got " + maxRetries);
        }
        basicAuthUserInfo = Objects.requireNonNullElse(basicAuthUserInfo, Optional.empty());
        bearerToken = Objects.requireNonNullElse(bearerToken, Optional.empty());
        tls = Objects.requireNonNullElse(tls, Optional.empty());
        serde = Objects.requireNonNullElse(serde, SerdeSettings.DEFAULT);
        basicAuthUserInfo.ifPresent(RegistryClientConfig::requireUserColonPassword);
    }

    /** Defaults for one URL: no auth, no TLS stores, default timeouts and retries. */
    public static RegistryClientConfig of(String url) {
        return fromMap(Map.of(URL, url));
    }

    public RegistryClientConfig withRetries(int retries, Duration backoff, Duration maxBackoff) {
        return new RegistryClientConfig(urls, connectTimeout, requestTimeout, retries, backoff, maxBackoff, basicAuthUserInfo, bearerToken, tls, serde);
    }

    public RegistryClientConfig withTimeouts(Duration connect, Duration request) {
        return new RegistryClientConfig(urls, connect, request, maxRetries, retryBackoff, maxRetryBackoff, basicAuthUserInfo, bearerToken, tls, serde);
    }

    public RegistryClientConfig withBasicAuth(String userInfo) {
        return new RegistryClientConfig(urls, connectTimeout, requestTimeout, maxRetries, retryBackoff, maxRetryBackoff, Optional.of(userInfo), bearerToken, tls, serde);
    }

    public RegistryClientConfig withTls(TlsSettings settings) {
        return new RegistryClientConfig(urls, connectTimeout, requestTimeout, maxRetries, retryBackoff, maxRetryBackoff, basicAuthUserInfo, bearerToken, Optional.of(settings), serde);
    }

    public RegistryClientConfig withSerde(SerdeSettings settings) {
        return new RegistryClientConfig(urls, connectTimeout, requestTimeout, maxRetries, retryBackoff, maxRetryBackoff,
                basicAuthUserInfo, bearerToken, tls, settings);
    }

    public static RegistryClientConfig fromProperties(Properties props) {
        Map<String, Object> map = new HashMap<>();
        props.stringPropertyNames().forEach(k -> map.put(k, props.getProperty(k)));
        return fromMap(map);
    }

    /**
     * Reads Confluent's keys, with Confluent's defaults. Timeout and retry keys are accepted with or
     * without the "schema.registry." prefix; basic.auth.user.info also as
     * schema.registry.basic.auth.user.info. basic.auth.credentials.source: URL (the default, the
     * URL's user-info part), USER_INFO (basic.auth.user.info) or SASL_INHERIT (the username and
     * password of a PLAIN/SCRAM sasl.jaas.config). An unknown key is an error.
     */
    public static RegistryClientConfig fromMap(Map<String, ?> map) {
        List<String> unknown = map.keySet().stream().filter(k -> !KNOWN_KEYS.contains(k)).sorted().toList();
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown schema registry setting(s) " + unknown + "; known: " + KNOWN_KEYS);
        }
        String rawUrls = string(map, URL).orElseThrow(
                () -> new IllegalArgumentException("missing " + URL + " (the schema registry base URL)"));
        String source = string(map, BASIC_AUTH_CREDENTIALS_SOURCE).orElse("URL").trim().toUpperCase(Locale.ROOT);
        Optional<String> userInfo = Optional.empty();
        List<URI> urls = new ArrayList<>();
        for (String part : rawUrls.split(",")) {
            if (part.isBlank()) {
                continue;
            }
            URI uri = parseUrl(part.trim());
            if (uri.getRawUserInfo() != null) {
                if (source.equals("URL") && userInfo.isEmpty()) {
                    userInfo = Optional.of(decode(uri.getRawUserInfo()));
                }
                uri = withoutUserInfo(uri);
            }
            urls.add(uri);
        }
        switch (source) {
            case "URL" -> { }
            case "USER_INFO" -> userInfo = prefixed(map, BASIC_AUTH_USER_INFO);
            case "SASL_INHERIT" -> userInfo = Optional.of(saslUserInfo(string(map, SASL_JAAS_CONFIG).orElseThrow(
                    () -> new IllegalArgumentException(BASIC_AUTH_CREDENTIALS_SOURCE + "=SASL_INHERIT needs " + SASL_JAAS_CONFIG))));
            default -> throw new IllegalArgumentException(BASIC_AUTH_CREDENTIALS_SOURCE
                    + " must be URL, USER_INFO or SASL_INHERIT, got " + source);
        }
        String bearerSource = string(map, BEARER_AUTH_CREDENTIALS_SOURCE).orElse("STATIC_TOKEN").trim();
        if (!bearerSource.equalsIgnoreCase("STATIC_TOKEN")) {
            throw new IllegalArgumentException(BEARER_AUTH_CREDENTIALS_SOURCE + " must be STATIC_TOKEN, got " + bearerSource);
        }
        SerdeSettings serde = new SerdeSettings(
                bool(map, AUTO_REGISTER, true), bool(map, USE_LATEST_VERSION, false), bool(map, LATEST_COMPATIBILITY_STRICT, true),
                string(map, VALUE_SUBJECT_NAME_STRATEGY).map(SubjectNameStrategy::parse).orElse(SubjectNameStrategy.TOPIC_NAME),
                string(map, KEY_SUBJECT_NAME_STRATEGY).map(SubjectNameStrategy::parse).orElse(SubjectNameStrategy.TOPIC_NAME));
        return new RegistryClientConfig(
                urls,
                millis(map, CONNECT_TIMEOUT_MS).orElse(DEFAULT_CONNECT_TIMEOUT),
                millis(map, READ_TIMEOUT_MS).orElse(DEFAULT_REQUEST_TIMEOUT),
                integer(map, MAX_RETRIES).orElse(DEFAULT_MAX_RETRIES),
                millis(map, RETRIES_WAIT_MS).orElse(DEFAULT_RETRY_BACKOFF),
                millis(map, RETRIES_MAX_WAIT_MS).orElse(DEFAULT_MAX_RETRY_BACKOFF),
                userInfo,
                string(map, BEARER_AUTH_TOKEN),
                TlsSettings.fromMap(map, SSL_PREFIX),
                serde);
    }

    private static final Pattern JAAS_OPTION =
            Pattern.compile("(username|password)\\s*=\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

    /** user:password from a PlainLoginModule or ScramLoginModule JAAS line, as Confluent's SASL_INHERIT does. */
    static String saslUserInfo(String jaas) {
        String user = null;
        String password = null;
        var m = JAAS_OPTION.matcher(jaas);
        while (m.find()) {
            if (m.group(1).equals("username")) {
                user = m.group(2);
            } else {
                password = m.group(2);
            }
        }
        if (user == null || password == null) {
            throw new IllegalArgumentException(BASIC_AUTH_CREDENTIALS_SOURCE + "=SASL_INHERIT: " + SASL_JAAS_CONFIG
                    + " has no username=\"...\" password=\"...\" (PLAIN or SCRAM login module)");
        }
        return user + ":" + password;
    }

    private static boolean bool(Map<String, ?> map, String key, boolean def) {
        Optional<String> v = string(map, key).map(String::trim);
        if (v.isEmpty()) {
            return def;
        }
        if (!v.get().equalsIgnoreCase("true") && !v.get().equalsIgnoreCase("false")) {
            throw new IllegalArgumentException(key + " must be true or false, got " + v.get());
        }
        return Boolean.parseBoolean(v.get());
    }

    private static String decode(String rawUserInfo) {
        return URLDecoder.decode(rawUserInfo.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** Never prints the password. */
    @Override
    public String toString() {
        return "RegistryClientConfig[urls=" + urls + ", connectTimeout=" + connectTimeout + ", requestTimeout=" + requestTimeout
                + ", maxRetries=" + maxRetries + ", retryBackoff=" + retryBackoff + ", maxRetryBackoff=" + maxRetryBackoff
                + ", basicAuthUser=" + basicAuthUserInfo.map(u -> u.substring(0, u.indexOf(':'))).orElse("none")
                + ", bearerToken=" + (bearerToken.isPresent() ? "set" : "none")
                + ", tls=" + tls.map(TlsSettings::toString).orElse("none") + ", serde=" + serde + "]";
    }

    private static void requireUserColonPassword(String userInfo) {
        if (userInfo.indexOf(':') < 0) {
            throw new IllegalArgumentException(BASIC_AUTH_USER_INFO + " must be user:password");
        }
    }

    private static URI parseUrl(String url) {
        try {
            URI uri = new URI(url);
            if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https")) || uri.getHost() == null) {
                throw new IllegalArgumentException(URL + " must be an http(s) URL with a host, got " + url);
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(URL + " is not a URL: " + url, e);
        }
    }

    private static URI withoutUserInfo(URI uri) {
        try {
            return new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(), uri.getQuery(), uri.getFragment());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("cannot strip credentials from " + uri.getHost(), e);
        }
    }

    static Optional<String> string(Map<String, ?> map, String key) {
        Object v = map.get(key);
        if (v == null) {
            return Optional.empty();
        }
        String s = v.toString();
        return s.isBlank() ? Optional.empty() : Optional.of(s);
    }

    private static Optional<String> prefixed(Map<String, ?> map, String key) {
        return string(map, key).or(() -> string(map, "schema.registry." + key));
    }

    private static Optional<Integer> integer(Map<String, ?> map, String key) {
        return prefixed(map, key).map(s -> parseNonNegative(key, s)).map(Long::intValue);
    }

    private static Optional<Duration> millis(Map<String, ?> map, String key) {
        return prefixed(map, key).map(s -> Duration.ofMillis(parseNonNegative(key, s)));
    }

    private static long parseNonNegative(String key, String value) {
        try {
            long v = Long.parseLong(value.trim());
            if (v < 0) {
                throw new IllegalArgumentException(key + " must be >= 0, got " + value);
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, got " + value, e);
        }
    }

    /**
     * Trust and key stores for https. Keys (after the prefix): truststore.location/password/type,
     * keystore.location/password/type, key.password. Store type defaults to the JDK's (PKCS12).
     */
    public record TlsSettings(
            Optional<Path> truststoreLocation, Optional<String> truststorePassword, Optional<String> truststoreType,
            Optional<Path> keystoreLocation, Optional<String> keystorePassword, Optional<String> keystoreType,
            Optional<String> keyPassword) {

        public static Optional<TlsSettings> fromMap(Map<String, ?> map, String prefix) {
            TlsSettings s = new TlsSettings(
                    string(map, prefix + "truststore.location").map(Path::of),
                    string(map, prefix + "truststore.password"),
                    string(map, prefix + "truststore.type"),
                    string(map, prefix + "keystore.location").map(Path::of),
                    string(map, prefix + "keystore.password"),
                    string(map, prefix + "keystore.type"),
                    string(map, prefix + "key.password"));
            return s.truststoreLocation.isEmpty() && s.keystoreLocation.isEmpty() ? Optional.empty() : Optional.of(s);
        }

        /** Never prints passwords. */
        @Override
        public String toString() {
            return "TlsSettings[truststore=" + truststoreLocation.map(Path::toString).orElse("default")
                    + ", keystore=" + keystoreLocation.map(Path::toString).orElse("none") + "]";
        }
    }
}
