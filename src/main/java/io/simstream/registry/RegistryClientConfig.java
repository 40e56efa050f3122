package io.simstream.registry;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;

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
 * @param tls              trust/key stores for https, if any
 */
public record RegistryClientConfig(
        List<URI> urls,
        Duration connectTimeout,
        Duration requestTimeout,
        int maxRetries,
        Duration retryBackoff,
        Duration maxRetryBackoff,
        Optional<String> basicAuthUserInfo,
        Optional<TlsSettings> tls) {

    public static final String URL = "schema.registry.url";
    public static final String BASIC_AUTH_CREDENTIALS_SOURCE = "basic.auth.credentials.source";
    public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";
    public static final String SSL_PREFIX = "schema.registry.ssl.";
    public static final String CONNECT_TIMEOUT_MS = "http.connect.timeout.ms";
    public static final String READ_TIMEOUT_MS = "http.read.timeout.ms";
    public static final String MAX_RETRIES = "max.retries";
    public static final String RETRIES_WAIT_MS = "retries.wait.ms";
    public static final String RETRIES_MAX_WAIT_MS = "retries.max.wait.ms";

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
        tls = Objects.requireNonNullElse(tls, Optional.empty());
        basicAuthUserInfo.ifPresent(RegistryClientConfig::requireUserColonPassword);
    }

    /** Defaults for one URL: no auth, no TLS stores, default timeouts and retries. */
    public static RegistryClientConfig of(String url) {
        return fromMap(Map.of(URL, url));
    }

    public RegistryClientConfig withRetries(int retries, Duration backoff, Duration maxBackoff) {
        return new RegistryClientConfig(urls, connectTimeout, requestTimeout, retries, backoff, maxBackoff, basicAuthUserInfo, tls);
    }

    public RegistryClientConfig withTimeouts(Duration connect, Duration request) {
        return new RegistryClientConfig(urls, connect, request, maxRetries, retryBackoff, maxRetryBackoff, basicAuthUserInfo, tls);
    }

    public RegistryClientConfig withBasicAuth(String userInfo) {
        return new RegistryClientConfig(urls, connectTimeout, requestTimeout, maxRetries, retryBackoff, maxRetryBackoff, Optional.of(userInfo), tls);
    }

    public RegistryClientConfig withTls(TlsSettings settings) {
        return new RegistryClientConfig(urls, connectTimeout, requestTimeout, maxRetries, retryBackoff, maxRetryBackoff, basicAuthUserInfo, Optional.of(settings));
    }

    public static RegistryClientConfig fromProperties(Properties props) {
        Map<String, Object> map = new HashMap<>();
        props.stringPropertyNames().forEach(k -> map.put(k, props.getProperty(k)));
        return fromMap(map);
    }

    /**
     * Reads Confluent's keys. Timeout and retry keys are accepted with or without the
     * "schema.registry." prefix; basic.auth.user.info also as schema.registry.basic.auth.user.info.
     * With basic.auth.credentials.source=URL the credentials come from the URL's user-info part.
     */
    public static RegistryClientConfig fromMap(Map<String, ?> map) {
        String rawUrls = string(map, URL).orElseThrow(
                () -> new IllegalArgumentException("missing " + URL + " (the schema registry base URL)"));
        String source = string(map, BASIC_AUTH_CREDENTIALS_SOURCE).orElse("USER_INFO").trim().toUpperCase();
        Optional<String> userInfo = Optional.empty();
        List<URI> urls = new ArrayList<>();
        for (String part : rawUrls.split(",")) {
            if (part.isBlank()) {
                continue;
            }
            URI uri = parseUrl(part.trim());
            if (uri.getUserInfo() != null) {
                if (source.equals("URL")) {
                    userInfo = Optional.of(uri.getUserInfo());
                }
                uri = withoutUserInfo(uri);
            }
            urls.add(uri);
        }
        if (source.equals("USER_INFO")) {
            userInfo = string(map, BASIC_AUTH_USER_INFO).or(() -> string(map, "schema.registry." + BASIC_AUTH_USER_INFO));
        } else if (!source.equals("URL")) {
            throw new IllegalArgumentException(BASIC_AUTH_CREDENTIALS_SOURCE + " must be USER_INFO or URL, got " + source);
        }
        return new RegistryClientConfig(
                urls,
                millis(map, CONNECT_TIMEOUT_MS).orElse(DEFAULT_CONNECT_TIMEOUT),
                millis(map, READ_TIMEOUT_MS).orElse(DEFAULT_REQUEST_TIMEOUT),
                integer(map, MAX_RETRIES).orElse(DEFAULT_MAX_RETRIES),
                millis(map, RETRIES_WAIT_MS).orElse(DEFAULT_RETRY_BACKOFF),
                millis(map, RETRIES_MAX_WAIT_MS).orElse(DEFAULT_MAX_RETRY_BACKOFF),
                userInfo,
                TlsSettings.fromMap(map, SSL_PREFIX));
    }

    /** Never prints the password. */
    @Override
    public String toString() {
        return "RegistryClientConfig[urls=" + urls + ", connectTimeout=" + connectTimeout + ", requestTimeout=" + requestTimeout
                + ", maxRetries=" + maxRetries + ", retryBackoff=" + retryBackoff + ", maxRetryBackoff=" + maxRetryBackoff
                + ", basicAuthUser=" + basicAuthUserInfo.map(u -> u.substring(0, u.indexOf(':'))).orElse("none")
                + ", tls=" + tls.map(TlsSettings::toString).orElse("none") + "]";
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
