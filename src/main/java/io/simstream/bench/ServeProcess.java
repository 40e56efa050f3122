package io.simstream.bench;

import io.simstream.model.PairScorers;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A scorer as its own JVM, the way it runs in production, so the benchmark measures its latency
 * and its resident memory apart from the benchmark's (and the embedded broker's). Started with
 * this JVM's class path and java binary; the Vector API module only when this JVM has it.
 */
final class ServeProcess implements AutoCloseable {
    /** JVM options that fit the k8s scorer limits (ops/k8s/scorer.yaml); see the README. */
    static final List<String> DEFAULT_JVM_OPTIONS = List.of("-Xms64m", "-Xmx256m", "-Xss512k",
            "-XX:MaxMetaspaceSize=128m", "-XX:ReservedCodeCacheSize=64m", "-XX:MaxDirectMemorySize=64m",
            "-XX:+UseSerialGC");

    /** By name: the CLI depends on this package, not the other way round. */
    private static final String MAIN_CLASS = "io.simstream.cli.Main";

    private final Process process;
    private final int metricsPort;
    private final Path log;

    private ServeProcess(Process process, int metricsPort, Path log) {
        this.process = process;
        this.metricsPort = metricsPort;
        this.log = log;
    }

    /**
     * Starts `serve` (passThrough false) or the pass-through baseline with this properties file (may
     * be null) and these settings as flags; it inherits this process's environment (SIMSTREAM_*).
     */
    static ServeProcess start(boolean passThrough, Path configFile, Map<String, String> settings,
                              List<String> jvmOptions, Path log) throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        if (PairScorers.vectorApiAvailable()) {
            cmd.addAll(List.of("--add-modules", "jdk.incubator.vector"));
        }
        cmd.addAll(List.of("-Dlog4j2.configurationFile=log4j2.xml", "-cp", System.getProperty("java.class.path")));
        if (passThrough) {
            cmd.add(PassThroughServe.class.getName());
        } else {
            cmd.addAll(List.of(MAIN_CLASS, "serve"));
        }
        if (configFile != null) {
            cmd.addAll(List.of("--config", configFile.toString()));
        }
        settings.forEach((k, v) -> {
            if (!passThrough) {
                cmd.add("--set");
            }
            cmd.add(k + "=" + v);
        });
        if (!passThrough) {
            cmd.addAll(List.of("--set", "metrics.port=" + port));
        } else {
            cmd.add("metrics.port=" + port);
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        // glibc's per-thread malloc arenas inflate RSS of JVMs with native libraries (RocksDB).
        pb.environment().putIfAbsent("MALLOC_ARENA_MAX", "2");
        return new ServeProcess(pb.start(), port, log);
    }

    boolean isAlive() {
        return process.isAlive();
    }

    long pid() {
        return process.pid();
    }

    /** CPU seconds the child has used so far (all its threads), from /proc; -1 where unreadable. */
    double cpuSeconds() {
        return MachineLoad.processSeconds(process.pid());
    }

    /** Resident set size of the child, from /proc; -1 where that cannot be read. */
    long rssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    void awaitReady(Duration timeout) throws InterruptedException, IOException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("serve exited with " + process.exitValue() + ":\n" + tail());
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + metricsPort
                        + "/ready")).timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
                last = r.body();
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("serve not ready after " + timeout.toSeconds() + " s (" + last.strip() + "):\n"
                + tail());
    }

    /** The body of /ready now ("ready: serving model ... candidate ..."), or why it could not be read. */
    String readyBody() {
        return get("/ready").strip();
    }

    /** The body of /metrics now (Prometheus text), or why it could not be read. */
    String metricsBody() {
        return get("/metrics");
    }

    private String get(String path) {
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + metricsPort + path))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            return "unreachable: " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    String tail() throws IOException {
        String s = Files.readString(log);
        return s.substring(Math.max(0, s.length() - 3000));
    }

    /** SIGTERM, then kill after 60 s. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
