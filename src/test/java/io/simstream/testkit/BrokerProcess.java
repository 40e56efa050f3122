package io.simstream.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * A real single-node KRaft broker (broker and controller combined) as a separate child process, for
 * tests where the broker itself must die: kill -9 and restart it on the same ports and log
 * directory. It runs Kafka's own main class (kafka.Kafka) from the test classpath, which carries
 * the broker through kafka-test-common-runtime. Ready in ~10 s on 2 cores.
 */
public final class BrokerProcess implements AutoCloseable {
    private final Path dir;
    private final Path config;
    private final int port;
    private Process process;
    private int starts;

    private BrokerProcess(Path dir, Path config, int port) {
        this.dir = dir;
        this.config = config;
        this.port = port;
    }

    /** Formats a fresh log directory under dir, starts the broker and waits until it answers. */
    public static BrokerProcess start(Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        int port = FreePort.onLoopback();
        int controllerPort = FreePort.onLoopback();
        Path config = dir.resolve("server.properties");
        Files.writeString(config, String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.bootstrap.servers=localhost:" + controllerPort,
                "listeners=PLAINTEXT://localhost:" + port + ",CONTROLLER://localhost:" + controllerPort,
                "advertised.listeners=PLAINTEXT://localhost:" + port,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "log.dirs=" + dir.resolve("logs"),
                "num.partitions=1",
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=4",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "transaction.state.log.num.partitions=4",
                "group.initial.rebalance.delay.ms=0",
                "group.streams.initial.rebalance.delay.ms=0",
                "message.max.bytes=" + (16 * 1024 * 1024),
                "") );
        BrokerProcess b = new BrokerProcess(dir, config, port);
        b.run("format", List.of("kafka.tools.StorageTool", "format", "--standalone", "-t",
                Uuid.randomUuid().toString(), "-c", config.toString()), true);
        b.launch();
        return b;
    }

    private Process run(String what, List<String> mainAndArgs, boolean waitForExit) throws IOException,
            InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-XX:+UseSerialGC", "-Dlog4j2.configurationFile=log4j2.xml",
                "-cp", System.getProperty("java.class.path")));
        cmd.addAll(mainAndArgs);
        Path log = dir.resolve(what + ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (waitForExit) {
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("broker " + what + " failed: " + Files.readString(log));
            }
        }
        return p;
    }

    private void launch() throws IOException, InterruptedException {
        process = run("broker-" + (++starts), List.of("kafka.Kafka", config.toString()), false);
        awaitReady(Duration.ofSeconds(120));
    }

    private void awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000))) {
            while (true) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("the broker exited with " + process.exitValue() + ": " + logTail());
                }
                try {
                    admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
                    admin.listTopics().names().get(5, TimeUnit.SECONDS);
                    return;
                } catch (Exception notYet) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("the broker did not answer within " + timeout + ": " + logTail());
                    }
                    Thread.sleep(200);
                }
            }
        }
    }

    public String bootstrapServers() {
        return "localhost:" + port;
    }

    /** kill -9: no clean shutdown, the log and transaction state as the crash left them. */
    public void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** Starts the broker again on the same ports and log directory and waits until it answers. */
    public void restart() throws IOException, InterruptedException {
        if (process.isAlive()) {
            throw new IllegalStateException("the broker is still running");
        }
        launch();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public String logTail() {
        try {
            String s = Files.readString(dir.resolve("broker-" + starts + ".log"));
            return s.length() > 3000 ? s.substring(s.length() - 3000) : s;
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** SIGTERM (a clean shutdown, 1-4 s), then -9 if it lingers. */
    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

}
