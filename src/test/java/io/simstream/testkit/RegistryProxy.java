package io.simstream.testkit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;

/**
 * A small loopback HTTP proxy in front of a real registry, to play the registry deployments a
 * Confluent shop has: a read-only key (registrations answered 403 / error code 40301) or a registry
 * that requires basic auth. Every request is recorded (method, path, Authorization header).
 */
public final class RegistryProxy implements AutoCloseable {
    private static final Pattern REGISTRATION = Pattern.compile(".*/subjects/[^/]+/versions/?");

    /** One request as the proxy saw it, and what it answered. */
    public record Seen(String method, String path, String authorization, int status, String body) {
        public boolean isRegistration() {
            return method.equals("POST") && REGISTRATION.matcher(path).matches();
        }
    }

    private final HttpServer server;
    private final URI target;
    private final boolean readOnly;
    private final String requiredAuthorization;
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<Seen> seen = new CopyOnWriteArrayList<>();

    private RegistryProxy(String targetUrl, boolean readOnly, String requiredAuthorization) throws IOException {
        this.target = URI.create(targetUrl);
        this.readOnly = readOnly;
        this.requiredAuthorization = requiredAuthorization;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.start();
    }

    /** Answers every write (registration, config change, delete) with 403 / 40301, as a read-only key does. */
    public static RegistryProxy readOnly(String registryUrl) throws IOException {
        return new RegistryProxy(registryUrl, true, null);
    }

    /** Answers 401 unless the request carries exactly this basic-auth user:password. */
    public static RegistryProxy basicAuth(String registryUrl, String user, String password) throws IOException {
        String token = java.util.Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        return new RegistryProxy(registryUrl, false, "Basic " + token);
    }

    /** The proxied base URL (same path as the target's, e.g. .../apis/ccompat/v7). */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + target.getPath();
    }

    /** url() with credentials in it: http://user:pass@127.0.0.1:port/... */
    public String urlWithCredentials(String user, String password) {
        return "http://" + user + ":" + password + "@127.0.0.1:" + server.getAddress().getPort() + target.getPath();
    }

    public List<Seen> seen() {
        return List.copyOf(seen);
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String method = ex.getRequestMethod();
            String path = ex.getRequestURI().getRawPath();
            String query = ex.getRequestURI().getRawQuery();
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            byte[] body = ex.getRequestBody().readAllBytes();
            if (requiredAuthorization != null && !requiredAuthorization.equals(auth)) {
                answer(ex, method, path, auth, body, 401, "{\"error_code\":401,\"message\":\"Unauthorized\"}");
                return;
            }
            boolean write = !method.equals("GET") && !(method.equals("POST") && !REGISTRATION.matcher(path).matches()
                    && path.matches(".*/subjects/[^/]+/?"));
            boolean compatibilityCheck = method.equals("POST") && path.contains("/compatibility/");
            if (readOnly && write && !compatibilityCheck) {
                answer(ex, method, path, auth, body, 403, "{\"error_code\":40301,\"message\":\"User is denied operation Write on Subject\"}");
                return;
            }
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(target.getScheme() + "://" + target.getAuthority()
                    + path + (query == null ? "" : "?" + query)));
            String type = ex.getRequestHeaders().getFirst("Content-Type");
            if (type != null) {
                b.header("Content-Type", type);
            }
            b.method(method, body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
            HttpResponse<byte[]> response = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            seen.add(new Seen(method, path, auth, response.statusCode(), new String(body, StandardCharsets.UTF_8)));
            ex.getResponseHeaders().add("Content-Type", response.headers().firstValue("Content-Type").orElse("application/json"));
            ex.sendResponseHeaders(response.statusCode(), response.body().length == 0 ? -1 : response.body().length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(response.body());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void answer(HttpExchange ex, String method, String path, String auth, byte[] body, int status, String json)
            throws IOException {
        seen.add(new Seen(method, path, auth, status, new String(body, StandardCharsets.UTF_8)));
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/vnd.schemaregistry.v1+json");
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
