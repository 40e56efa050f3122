package io.simstream.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One JSON exchange with the registry: auth header, timeouts, bounded retries with exponential
 * backoff (and fail-over across URLs) on connection errors and 5xx, and the Confluent error body
 * ({"error_code":..., "message":...}) turned into typed exceptions.
 */
final class RegistryHttp {
    private static final Logger LOG = LoggerFactory.getLogger(RegistryHttp.class);
    static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

    private final RegistryClientConfig config;
    private final HttpClient http;
    private final ObjectMapper json;
    private final String authorization;

    RegistryHttp(RegistryClientConfig config, ObjectMapper json) {
        this.config = config;
        this.json = json;
        HttpClient.Builder b = HttpClient.newBuilder()
                .connectTimeout(config.connectTimeout())
                .followRedirects(HttpClient.Redirect.NORMAL);
        config.tls().ifPresent(tls -> b.sslContext(TlsContexts.sslContext(tls)));
        this.http = b.build();
        this.authorization = config.bearerToken().map(t -> "Bearer " + t).orElse(config.basicAuthUserInfo()
                .map(u -> "Basic " + Base64.getEncoder().encodeToString(u.getBytes(StandardCharsets.UTF_8)))
                .orElse(null));
    }

    /** Sends method path (relative to the base URL, starting with '/') with an optional JSON body. */
    JsonNode send(String method, String path, Object body, String what) {
        String payload = null;
        if (body != null) {
            try {
                payload = json.writeValueAsString(body);
            } catch (IOException e) {
                throw new RegistryException("cannot encode the request to " + what + ": " + e.getMessage(), e);
            }
        }
        int attempts = config.maxRetries() + 1;
        RegistryUnavailableException last = null;
        for (int attempt = 0; attempt < attempts; attempt++) {
            if (attempt > 0) {
                sleepBackoff(attempt, what);
            }
            URI base = config.urls().get(attempt % config.urls().size());
            try {
                HttpResponse<String> response = http.send(request(method, base, path, payload), HttpResponse.BodyHandlers.ofString());
                int status = response.statusCode();
                if (status >= 200 && status < 300) {
                    return response.body() == null || response.body().isBlank() ? json.nullNode() : json.readTree(response.body());
                }
                RegistryException error = errorFor(status, response.body(), what);
                if (!(error instanceof RegistryUnavailableException unavailable)) {
                    throw error;
                }
                last = unavailable;
            } catch (IOException e) {
                last = new RegistryUnavailableException("cannot reach the schema registry at " + base + " to " + what + ": " + e, -1, -1, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RegistryUnavailableException("interrupted while asking the schema registry to " + what, -1, -1, e);
            }
            LOG.debug("attempt {}/{} to {} failed: {}", attempt + 1, attempts, what, last.getMessage());
        }
        throw new RegistryUnavailableException(last.getMessage() + " (gave up after " + attempts + " attempts)",
                last.httpStatus(), last.errorCode(), last.getCause());
    }

    private HttpRequest request(String method, URI base, String path, String payload) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(stripSlash(base.toString()) + path))
                .timeout(config.requestTimeout())
                .header("Accept", CONTENT_TYPE + ", application/json");
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        if (payload != null) {
            b.header("Content-Type", CONTENT_TYPE).method(method, HttpRequest.BodyPublishers.ofString(payload));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return b.build();
    }

    private RegistryException errorFor(int status, String body, String what) {
        int code = RegistryException.NO_CODE;
        String message = body == null ? "" : body;
        try {
            JsonNode node = json.readTree(body);
            if (node != null && node.has("error_code")) {
                code = node.get("error_code").asInt();
                message = node.path("message").asText("");
            }
        } catch (IOException | RuntimeException e) {
            // Not a Confluent error body (a proxy's HTML page, say): keep the raw text as the message.
        }
        if (message.length() > 500) {
            message = message.substring(0, 500) + "...";
        }
        String text = "schema registry refused to " + what + ": HTTP " + status
                + (code == RegistryException.NO_CODE ? "" : ", error code " + code) + (message.isBlank() ? "" : ", " + message);
        if (status >= 500) {
            return new RegistryUnavailableException(text, status, code, null);
        }
        if (status == 401 || status == 403) {
            return new RegistryAuthException(text, status, code);
        }
        if (status == 404 && code == RegistryException.NO_CODE) {
            // A 404 without a registry error body means the path itself is unknown: usually a wrong base URL.
            return new InvalidRequestException(text + " (no registry error code: is " + config.urls()
                    + " the Confluent API base URL, e.g. .../apis/ccompat/v7 for Apicurio?)", status, code);
        }
        if (status == 404) {
            return new SchemaNotFoundException(text, status, code);
        }
        if (status == 409) {
            return new IncompatibleSchemaException(text, status, code);
        }
        if (status == 422 && (code == 42201 || code == 422)) {
            return new InvalidSchemaException(text, status, code);
        }
        if (status == 408 || status == 429) {
            return new RegistryUnavailableException(text, status, code, null);
        }
        return new InvalidRequestException(text, status, code);
    }

    private void sleepBackoff(int attempt, String what) {
        long base = config.retryBackoff().toMillis() << Math.min(attempt - 1, 20);
        long capped = Math.min(base, config.maxRetryBackoff().toMillis());
        // Jitter (50-100%) so many clients retrying after one registry blip do not stampede together.
        long wait = capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1);
        try {
            Thread.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryUnavailableException("interrupted while waiting to retry " + what, -1, -1, e);
        }
    }

    static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
