package io.simstream.embedded;

import io.simstream.config.ConfigField;
import io.simstream.topics.TopicNames;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A scorer as its own JVM, the way it runs in production: what the benchmarks measure (latency and
 * resident memory apart from the benchmark's and the embedded broker's) and what the tests kill -9 or
 * signal. Started with this JVM's class path and java binary; its output goes to a log file per start
 * in its folder; /health, /ready and /metrics answer on its metrics port. restart() starts it again
 * with the same settings, state directory and port.
 */
public final class ServeProcess implements AutoCloseable {
    /** The heap a test's serve gets unless it asks for other JVM options. */
    public static final List<String> TEST_JVM_OPTIONS = List.of("-Xmx512m");
    /** JVM options that fit the k8s scorer limits (ops/k8s/scorer.yaml); what the benchmarks run. */
    public static final List<String> SCORER_LIMITS_JVM_OPTIONS = List.of("-Xms64m", "-Xmx256m", "-Xss512k",
            "-XX:MaxMetaspaceSize=128m", "-XX:ReservedCodeCacheSize=64m", "-XX:MaxDirectMemorySize=64m",
            "-XX:+UseSerialGC");
    /** By name: the CLI depends on this package, not the other way round. */
    public static final String MAIN_CLASS = "io.simstream.cli.Main";
    private static final String SETTINGS_ENV_PREFIX = "SIMSTREAM_";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /**
     * What to run. env is added to the child's environment; with ownSettingsOnly the child sees no
     * SIMSTREAM_* variable of this process (a test's instance must not pick up the developer's).
     */
    public record Launch(String mainClass, List<String> args, Map<String, String> env, boolean ownSettingsOnly,
                         List<String> jvmOptions, int metricsPort) {
        public Launch {
            args = List.copyOf(args);
            env = Map.copyOf(env);
            jvmOptions = List.copyOf(jvmOptions);
        }
    }

    private final Path dir;
    private final String logPrefix;
    private final Launch launch;
    private final boolean closeGracefully;
    private Process process;
    private Path log;
    private int starts;

    private ServeProcess(Path dir, String logPrefix, Launch launch, boolean closeGracefully) {
        this.dir = dir;
        this.logPrefix = logPrefix;
        this.launch = launch;
        this.closeGracefully = closeGracefully;
    }

    /**
     * Starts launch with its logs as dir/logPrefix-N.log (N counts the starts); close() stops it with
     * SIGTERM, the way a measured run should end.
     */
    public static ServeProcess start(Path dir, String logPrefix, Launch launch) throws IOException {
        return start(dir, logPrefix, launch, true);
    }

    private static ServeProcess start(Path dir, String logPrefix, Launch launch, boolean closeGracefully)
            throws IOException {
        Files.createDirectories(dir);
        ServeProcess p = new ServeProcess(dir, logPrefix, launch, closeGracefully);
        p.launch();
        return p;
    }

    /**
     * `serve` against this cluster with the settings every test needs (topics, application id, state
     * under dir, a free metrics port) as SIMSTREAM_* variables; extra (SIMSTREAM_* names) adds or
     * overrides. close() kills it (a test's broker may be gone by then; nothing is measured).
     */
    public static ServeProcess start(Path dir, String bootstrap, String registryUrl, TopicNames names, String appId,
                                     int partitions, Map<String, String> extra, List<String> jvmOptions)
            throws IOException {
        int port = freeLoopbackPort();
        Map<String, String> env = settings(registryUrl, names, appId, partitions, dir.resolve("state").toString(), port);
        env.putAll(extra);
        return start(dir, "serve", new Launch(MAIN_CLASS, List.of("serve", "--bootstrap", bootstrap), env, true,
                jvmOptions, port), false);
    }

    /** As above with {@link #TEST_JVM_OPTIONS}. */
    public static ServeProcess start(Path dir, String bootstrap, String registryUrl, TopicNames names, String appId,
                                     int partitions, Map<String, String> extra) throws IOException {
        return start(dir, bootstrap, registryUrl, names, appId, partitions, extra, TEST_JVM_OPTIONS);
    }

    /**
     * The SIMSTREAM_* settings of a serve instance (all but the bootstrap servers), for a child
     * process here or the serve image in a container.
     */
    public static Map<String, String> settings(String registryUrl, TopicNames names, String appId, int partitions,
                                               String stateDir, int metricsPort) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("SIMSTREAM_REGISTRY_URL", registryUrl);
        env.put("SIMSTREAM_APPLICATION_ID", appId);
        names.asSettings().forEach((k, v) -> env.put(ConfigField.envName(k), v));
        env.put("SIMSTREAM_TOPIC_PAIRS_PARTITIONS", String.valueOf(partitions));
        env.put("SIMSTREAM_STATE_DIR", stateDir);
        env.put("SIMSTREAM_METRICS_PORT", String.valueOf(metricsPort));
        return env;
    }

    /** A TCP port that was free on 127.0.0.1 a moment ago: services here are reached only through loopback. */
    public static int freeLoopbackPort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on 127.0.0.1", e);
        }
    }

    private void launch() throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            cmd.addAll(List.of("--add-modules", "jdk.incubator.vector"));
        }
        cmd.add("-Dlog4j2.configurationFile=log4j2.xml");
        cmd.addAll(launch.jvmOptions());
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), launch.mainClass()));
        cmd.addAll(launch.args());
        ProcessBuilder pb = new ProcessBuilder(cmd);
        if (launch.ownSettingsOnly()) {
            pb.environment().keySet().removeIf(k -> k.startsWith(SETTINGS_ENV_PREFIX));
        }
        pb.environment().putAll(launch.env());
        // glibc's per-thread malloc arenas inflate the RSS of JVMs with native libraries (RocksDB).
        pb.environment().putIfAbsent("MALLOC_ARENA_MAX", "2");
        log = dir.resolve(logPrefix + "-" + (++starts) + ".log");
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        process = pb.start();
    }

    /** Starts the service again (after it exited or was killed) with the same settings. */
    public void restart() throws IOException {
        if (process.isAlive()) {
            throw new IllegalStateException("serve is still running");
        }
        launch();
    }

    public int port() {
        return launch.metricsPort();
    }

    /** The instance's state.dir as given in its environment (Kafka Streams keeps its process id there). */
    public Path stateDir() {
        return Path.of(launch.env().get("SIMSTREAM_STATE_DIR"));
    }

    public Process process() {
        return process;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Resident set size of the child, from /proc; -1 where that cannot be read. */
    public long rssBytes() {
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

    /** kill -9: no shutdown hook, no clean close. */
    public void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM and wait; returns the exit code. */
    public int sigterm(Duration timeout) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("serve did not exit within " + timeout + " after SIGTERM");
        }
        return process.exitValue();
    }

    /** Polls /ready until it answers 200; fails with the log's tail when the child exits or time runs out. */
    public void awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("serve exited with " + process.exitValue() + ":\n" + tail());
            }
            last = http("/ready");
            if (last.startsWith("200 ")) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("serve not ready after " + timeout.toSeconds() + " s (" + last.strip() + "):\n"
                + tail());
    }

    /** GET path: "STATUS body", or "unreachable: reason" while nothing answers (so a poll can keep trying). */
    public String http(String path) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + path))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() + " " + r.body();
        } catch (IOException e) {
            return "unreachable: " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unreachable: interrupted";
        }
    }

    /** The body of GET path (without the status), or why it could not be read. */
    public String body(String path) {
        String r = http(path);
        int space = r.indexOf(' ');
        return r.startsWith("unreachable") || space < 0 ? r : r.substring(space + 1);
    }

    /** Output of the current run. */
    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** The last 3,000 characters of the current run's output, for failure messages. */
    public String tail() {
        String s = log();
        return s.substring(Math.max(0, s.length() - 3000));
    }

    /** Output of every run so far, for failure messages: the tail of each. */
    public String logTails() {
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i <= starts; i++) {
            try {
                String s = Files.readString(runLog(i));
                sb.append("--- serve run ").append(i).append(" (tail) ---\n")
                        .append(s.length() > 2500 ? s.substring(s.length() - 2500) : s).append('\n');
            } catch (IOException e) {
                sb.append("--- serve run ").append(i).append(": ").append(e).append('\n');
            }
        }
        return sb.toString();
    }

    /** Copies every run's log into target (kept after the temp directory is gone), for a look after a run. */
    public void keepLogs(Path target) {
        try {
            Files.createDirectories(target);
            for (int i = 1; i <= starts; i++) {
                Path f = runLog(i);
                if (Files.exists(f)) {
                    Files.copy(f, target.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            System.err.println("could not keep the serve logs: " + e);
        }
    }

    private Path runLog(int start) {
        return dir.resolve(logPrefix + "-" + start + ".log");
    }

    /** Gracefully: SIGTERM so the child closes cleanly (commits, leaves its group), kill -9 after 60 s. */
    @Override
    public void close() {
        if (process == null || !process.isAlive()) {
            return;
        }
        if (!closeGracefully) {
            process.destroyForcibly();
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
