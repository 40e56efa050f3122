package io.simstream.observability;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * A small HTTP endpoint on the JDK's server: /metrics in Prometheus text format, /health (200
 * while the process is alive and not failed), /ready (200 once it can serve, 503 otherwise, with
 * the reason in the body).
 */
public final class MetricsServer implements AutoCloseable {
    private final HttpServer server;

    private MetricsServer(HttpServer server) {
        this.server = server;
    }

    /**
     * port 0 picks a free port. readiness returns null when ready, else why not.
     */
    public static MetricsServer start(int port, PrometheusMeterRegistry registry, BooleanSupplier alive,
                                      Supplier<String> notReadyReason) {
        return start(port, registry, alive, notReadyReason, () -> "ready");
    }

    /** readyStatus: the body of a 200 /ready (e.g. which model serves). */
    public static MetricsServer start(int port, PrometheusMeterRegistry registry, BooleanSupplier alive,
                                      Supplier<String> notReadyReason, Supplier<String> readyStatus) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(port), 0);
        } catch (IOException e) {
            throw new IllegalStateException("cannot open the metrics endpoint on port " + port + ": " + e.getMessage(), e);
        }
        server.createContext("/metrics", ex -> respond(ex, 200, "text/plain; version=0.0.4; charset=utf-8",
                registry.scrape()));
        server.createContext("/health", ex -> {
            boolean ok = alive.getAsBoolean();
            respond(ex, ok ? 200 : 503, "text/plain", ok ? "alive\n" : "failed\n");
        });
        server.createContext("/ready", ex -> {
            String why = notReadyReason.get();
            respond(ex, why == null ? 200 : 503, "text/plain", (why == null ? readyStatus.get() : why) + "\n");
        });
        server.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "metrics-http");
            t.setDaemon(true);
            return t;
        }));
        server.start();
        return new MetricsServer(server);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static void respond(HttpExchange ex, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", contentType);
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
