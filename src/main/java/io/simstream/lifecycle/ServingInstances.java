package io.simstream.lifecycle;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which model version running scorers serve, read from their /metrics endpoints
 * ({@code simstream_model_version}, 0 while none is loaded). An instance that cannot be reached
 * says so instead of failing the listing.
 */
public final class ServingInstances {
    public static final String VERSION_METRIC = "simstream_model_version";

    /** What one endpoint said: a version, or why it could not tell. */
    public record Observation(URI endpoint, Long version, String problem) {
        public String describe() {
            return version != null ? (version == 0 ? "no model loaded yet" : "serves v" + version) : problem;
        }
    }

    private ServingInstances() {
    }

    public static Map<URI, Observation> observe(List<URI> endpoints) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
        Map<URI, Observation> out = new LinkedHashMap<>();
        for (URI endpoint : endpoints) {
            URI metrics = endpoint.getPath() == null || endpoint.getPath().isEmpty() || endpoint.getPath().equals("/")
                    ? endpoint.resolve("/metrics") : endpoint;
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(5)).GET()
                        .build(), HttpResponse.BodyHandlers.ofString());
                Long v = r.statusCode() == 200 ? parseVersion(r.body()) : null;
                out.put(endpoint, new Observation(endpoint, v, v != null ? null : r.statusCode() != 200
                        ? "HTTP " + r.statusCode() + " from " + metrics : "no " + VERSION_METRIC + " at " + metrics));
            } catch (IOException e) {
                out.put(endpoint, new Observation(endpoint, null, "unreachable (" + e.getClass().getSimpleName() + ")"));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                out.put(endpoint, new Observation(endpoint, null, "interrupted"));
            }
        }
        return out;
    }

    /** The gauge's value in a Prometheus text exposition, or null when absent. */
    static Long parseVersion(String exposition) {
        for (String line : exposition.split("\n")) {
            if (line.startsWith(VERSION_METRIC + " ") || line.startsWith(VERSION_METRIC + "{")) {
                String value = line.substring(line.lastIndexOf(' ') + 1).strip();
                try {
                    return (long) Double.parseDouble(value);
                } catch (NumberFormatException e) {
                    return null;
                }
            }
        }
        return null;
    }
}
