package io.simstream.testkit;

import io.simstream.cli.Main;
import io.simstream.topics.TopicNames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * `simstream serve` as a real child process, configured through SIMSTREAM_* environment
 * variables, with its output in a log file and its /health, /ready and /metrics reachable. Tests
 * that must kill (-9) or signal the service use this; restart() starts it again with the same
 * settings, state directory and port.
 */
public final class ServeProcess implements AutoCloseable {
    /** The heap a test's serve gets unless it asks for other JVM options. */
    public static final List<String> DEFAULT_JVM_OPTIONS = List.of("-Xmx512m");

    private final Path dir;
    private final Map<String, String> env;
    private final String bootstrap;
    private final int port;
    private final List<String> jvmOptions;
    private Process process;
    private Path log;
    private int starts;

    private ServeProcess(Path dir, String bootstrap, Map<String, String> env, int port, List<String> jvmOptions) {
        this.dir = dir;
        this.bootstrap = bootstrap;
        this.env = env;
        this.port = port;
        this.jvmOptions = List.copyOf(jvmOptions);
    }

    /** Settings every test needs; extra (SIMSTREAM_* names) adds or overrides. */
    public static ServeProcess start(Path dir, String bootstrap, String registryUrl, TopicNames names, String appId,
                                     int partitions, Map<String, String> extra) throws IOException {
        return start(dir, bootstrap, registryUrl, names, appId, partitions, extra, DEFAULT_JVM_OPTIONS);
    }

    /** As above, with these JVM options (heap, GC) instead of {@link #DEFAULT_JVM_OPTIONS}. */
    public static ServeProcess start(Path dir, String bootstrap, String registryUrl, TopicNames names, String appId,
                                     int partitions, Map<String, String> extra, List<String> jvmOptions)
            throws IOException {
        Files.createDirectories(dir);
        int port = FreePort.onLoopback();
        Map<String, String> env = settings(registryUrl, names, appId, partitions, dir.resolve("state").toString(), port);
        env.putAll(extra);
        ServeProcess p = new ServeProcess(dir, bootstrap, env, port, jvmOptions);
        p.launch();
        return p;
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
        names.asSettings().forEach((k, v) -> env.put(io.simstream.config.ConfigField.envName(k), v));
        env.put("SIMSTREAM_TOPIC_PAIRS_PARTITIONS", String.valueOf(partitions));
        env.put("SIMSTREAM_STATE_DIR", stateDir);
        env.put("SIMSTREAM_METRICS_PORT", String.valueOf(metricsPort));
        return env;
    }

    private void launch() throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-Dlog4j2.configurationFile=log4j2.xml"));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), "serve", "--bootstrap",
                bootstrap));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().keySet().removeIf(k -> k.startsWith("SIMSTREAM_"));
        pb.environment().putAll(env);
        log = dir.resolve("serve-" + (++starts) + ".log");
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
        return port;
    }

    /** The instance's state.dir (Kafka Streams keeps its process id there). */
    public Path stateDir() {
        return Path.of(env.get("SIMSTREAM_STATE_DIR"));
    }

    public Process process() {
        return process;
    }

    public boolean isAlive() {
        return process.isAlive();
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
            throw new AssertionError("serve did not exit within " + timeout + " after SIGTERM");
        }
        return process.exitValue();
    }

    /** GET path; the status code and the body, or "unreachable: ..." when nothing answers. */
    public String http(String path) {
        return HttpGet.local(port, path);
    }

    /** Output of the current run. */
    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** Output of every run so far, for failure messages: the tail of each. */
    public String logTails() {
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i <= starts; i++) {
            try {
                String s = Files.readString(dir.resolve("serve-" + i + ".log"));
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
                Path f = dir.resolve("serve-" + i + ".log");
                if (Files.exists(f)) {
                    Files.copy(f, target.resolve(f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            System.err.println("could not keep the serve logs: " + e);
        }
    }

    @Override
    public void close() {
        if (process != null) {
            process.destroyForcibly();
        }
    }
}
