package io.simstream.embedded;

import io.simstream.registry.CompatibilityLevel;
import io.simstream.registry.ConfluentRegistryClient;
import io.simstream.registry.RegistryClientConfig;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Apicurio Registry 3.x (Confluent-compatible API at /apis/ccompat/v7) run as a child
 * process: in-memory storage, bound to 127.0.0.1 on free ports, global compatibility BACKWARD
 * (Confluent's default; Apicurio's is NONE). Used by the tests and by `demo`, so that nothing needs
 * Docker. Stopped on {@link #close()} and, failing that, when this JVM exits.
 */
public final class EmbeddedRegistry implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedRegistry.class);

    public static final String APICURIO_DIR_PROPERTY = "simstream.apicurio.dir";
    public static final int MIN_JAVA = 21;
    public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final String CCOMPAT_PATH = "/apis/ccompat/v7";

    private final Process process;
    private final Path logFile;
    private final int httpPort;
    private final int managementPort;
    private volatile Duration startupTime = Duration.ZERO;
    private final Thread shutdownHook;

    private EmbeddedRegistry(Process process, Path logFile, int httpPort, int managementPort) {
        this.process = process;
        this.logFile = logFile;
        this.httpPort = httpPort;
        this.managementPort = managementPort;
        this.shutdownHook = new Thread(this::stopProcess, "embedded-registry-stop");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Starts the registry found via -Dsimstream.apicurio.dir (or ./target/apicurio) with a Java 21+. */
    public static EmbeddedRegistry start() {
        return start(findApicurioDir(), JavaRuntimeLocator.findJava(MIN_JAVA), DEFAULT_START_TIMEOUT);
    }

    public static EmbeddedRegistry start(Path apicurioDir, Path java, Duration startTimeout) {
        Path jar = apicurioDir.resolve("quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no quarkus-run.jar in " + apicurioDir + "; run `mvn generate-resources` to unpack the Apicurio registry");
        }
        // A free port can be taken by someone else between probing and binding: one more try with new ports.
        IllegalStateException first = null;
        for (int attempt = 1; attempt <= 2; attempt++) {
            try {
                return startOnce(jar, java, startTimeout);
            } catch (PortTakenException e) {
                first = e;
                LOG.warn("registry could not bind its ports, retrying with others: {}", e.getMessage());
            }
        }
        throw first;
    }

    private static EmbeddedRegistry startOnce(Path jar, Path java, Duration startTimeout) {
        int httpPort = freePort();
        int managementPort = freePort();
        while (managementPort == httpPort) {
            managementPort = freePort();
        }
        Path log;
        try {
            log = Files.createTempFile("simstream-registry-", ".log");
        } catch (IOException e) {
            throw new IllegalStateException("cannot create the registry log file: " + e.getMessage(), e);
        }
        List<String> cmd = new ArrayList<>(List.of(
                java.toString(),
                "-Xmx512m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-Dquarkus.http.host=127.0.0.1",
                "-Dquarkus.http.port=" + httpPort,
                "-Dquarkus.management.host=127.0.0.1",
                "-Dquarkus.management.port=" + managementPort,
                "-Dapicurio.storage.kind=sql",
                "-Dapicurio.storage.sql.kind=h2",
                // Tests create many unique subjects in one registry; the default cap is 1000.
                "-Dapicurio.ccompat.max-subjects=100000",
                "-Dapicurio.rest.deletion.artifact.enabled=true",
                "-Dapicurio.rest.deletion.artifact-version.enabled=true",
                "-jar", jar.toString()));
        long t0 = System.nanoTime();
        Process process;
        try {
            process = new ProcessBuilder(cmd)
                    .directory(jar.getParent().toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the registry with " + java + ": " + e.getMessage(), e);
        }
        LOG.info("starting Apicurio registry (pid {}) on 127.0.0.1 http port {}, management port {}, log {}",
                process.pid(), httpPort, managementPort, log);
        EmbeddedRegistry registry = new EmbeddedRegistry(process, log, httpPort, managementPort);
        try {
            registry.awaitReady(startTimeout);
            registry.configure();
        } catch (RuntimeException e) {
            registry.close();
            throw e;
        }
        registry.startupTime = Duration.ofNanos(System.nanoTime() - t0);
        LOG.info("Apicurio registry ready at {} in {} ms", registry.url(), registry.startupTime.toMillis());
        return registry;
    }

    /** The Confluent-compatible base URL, e.g. http://127.0.0.1:40123/apis/ccompat/v7. */
    public String url() {
        return "http://127.0.0.1:" + httpPort + CCOMPAT_PATH;
    }

    public int httpPort() {
        return httpPort;
    }

    public int managementPort() {
        return managementPort;
    }

    /** How long the last start took until the registry was ready and configured. */
    public Duration startupTime() {
        return startupTime;
    }

    public Path logFile() {
        return logFile;
    }

    public boolean isRunning() {
        return process.isAlive();
    }

    /** The registry's process id, so a test can suspend it (SIGSTOP) to play an unresponsive registry. */
    public long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        stopProcess();
        try {
            // Failures already quoted the log tail in their message; a stopped registry's log is noise.
            Files.deleteIfExists(logFile);
        } catch (IOException e) {
            LOG.debug("cannot delete {}: {}", logFile, e.getMessage());
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException | IllegalArgumentException e) {
            // Already shutting down, or already removed: the hook runs stopProcess, which is idempotent.
        }
    }

    private void configure() {
        ConfluentRegistryClient client = new ConfluentRegistryClient(RegistryClientConfig.of(url()));
        client.setGlobalCompatibility(CompatibilityLevel.BACKWARD);
    }

    private void stopProcess() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("registry (pid {}) did not stop within {} s, killing it", process.pid(), STOP_TIMEOUT.toSeconds());
                process.destroyForcibly();
                process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private void awaitReady(Duration timeout) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        URI ready = URI.create("http://127.0.0.1:" + managementPort + "/health/ready");
        long deadline = System.nanoTime() + timeout.toNanos();
        String lastAnswer = "no answer yet";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                String tail = logTail(40);
                String msg = "the registry process exited with code " + process.exitValue() + " before it was ready; log tail:\n" + tail;
                if (tail.contains("Address already in use") || tail.contains("Port already bound")) {
                    throw new PortTakenException(msg);
                }
                throw new IllegalStateException(msg);
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(5)).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
                lastAnswer = "HTTP " + r.statusCode();
            } catch (IOException e) {
                lastAnswer = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the registry", e);
            }
            sleep(250);
        }
        throw new IllegalStateException("the registry was not ready at " + ready + " within " + timeout.toSeconds()
                + " s (last answer: " + lastAnswer + "); log tail:\n" + logTail(40));
    }

    /** The last lines of the registry's log, for error messages. */
    public String logTail(int lines) {
        try (RandomAccessFile f = new RandomAccessFile(logFile.toFile(), "r")) {
            long len = f.length();
            long from = Math.max(0, len - 16_384);
            byte[] buf = new byte[(int) (len - from)];
            f.seek(from);
            f.readFully(buf);
            String[] all = new String(buf, StandardCharsets.UTF_8).split("\n");
            return String.join("\n", Arrays.copyOfRange(all, Math.max(0, all.length - lines), all.length));
        } catch (IOException e) {
            return "(cannot read " + logFile + ": " + e.getMessage() + ")";
        }
    }

    /** -Dsimstream.apicurio.dir, else target/apicurio under the working directory. */
    public static Path findApicurioDir() {
        String prop = System.getProperty(APICURIO_DIR_PROPERTY);
        Path dir = prop != null && !prop.isBlank() ? Path.of(prop) : Path.of("target", "apicurio").toAbsolutePath();
        if (!Files.isRegularFile(dir.resolve("quarkus-run.jar"))) {
            throw new IllegalStateException("Apicurio registry not found: no quarkus-run.jar in " + dir
                    + (prop == null ? " (set -D" + APICURIO_DIR_PROPERTY + "=<dir>, or run `mvn generate-resources` to unpack it into target/apicurio)"
                    : " (from -D" + APICURIO_DIR_PROPERTY + ")"));
        }
        return dir;
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("cannot find a free port on 127.0.0.1: " + e.getMessage(), e);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the registry", e);
        }
    }

    /**
     * Runs a registry until this process is stopped, for scripts that need one outside a JVM test
     * (java -cp simstream.jar io.simstream.embedded.EmbeddedRegistry). Prints "SCHEMA_REGISTRY_URL=..."
     * on stdout once it is ready.
     */
    public static void main(String[] args) throws InterruptedException {
        EmbeddedRegistry registry = start();
        System.out.println("SCHEMA_REGISTRY_URL=" + registry.url());
        System.out.flush();
        // The shutdown hook stops the child process when this JVM is stopped (SIGTERM, Ctrl-C).
        while (registry.isRunning()) {
            Thread.sleep(1_000);
        }
        System.err.println("the registry process exited; log tail:\n" + registry.logTail(40));
        System.exit(1);
    }

    private static final class PortTakenException extends IllegalStateException {
        PortTakenException(String message) {
            super(message);
        }
    }
}
