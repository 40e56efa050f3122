package io.simstream.deploy;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Capability;
import io.simstream.avro.PairDecision;
import io.simstream.cli.Main;
import io.simstream.embedded.ServeProcess;
import io.simstream.registry.ConfluentRegistryClient;
import io.simstream.registry.RegistryClientConfig;
import io.simstream.testkit.Await;
import io.simstream.testkit.Decisions;
import io.simstream.testkit.HttpGet;
import io.simstream.testkit.KafkaBrokerContainer;
import io.simstream.testkit.LocalDocker;
import io.simstream.testkit.LocalImages;
import io.simstream.testkit.PairStream;
import io.simstream.testkit.TestModels;
import io.simstream.testkit.TopicReader;
import io.simstream.topics.TopicNames;
import io.simstream.topics.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The serve image (docker/Dockerfile, target scorer: the one k8s and compose run), started as k8s
 * runs it: a non-root user, a read-only root file system with writable volumes only for its state
 * and /tmp, every capability dropped, no privilege escalation. It reaches the broker and the
 * registry over the test's own bridge network; the test reaches everything through ports mapped on
 * 127.0.0.1. It must start, load a published model, score every pair once and say which kernel it
 * runs. Skipped where no Docker engine could start; SlimJarIT runs the same slim jar as a child
 * process everywhere.
 */
@LocalDocker
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class ServeImageTest {
    private static final int DIM = 8;
    private static final int PARTITIONS = 2;
    private static final int METRICS_PORT = 9464;
    private static final Duration WAIT = Duration.ofSeconds(120);

    @TempDir
    Path dir;

    @Test
    void runsAsNonRootOnAReadOnlyRootFileSystemScoresAndReportsItsKernel() throws Exception {
        TopicNames names = TopicNames.DEFAULT;
        try (Network network = Network.newNetwork();
             KafkaBrokerContainer broker = KafkaBrokerContainer.start(network);
             GenericContainer<?> registry = LocalImages.registry().withNetwork(network)
                     .withNetworkAliases(LocalImages.REGISTRY_NETWORK_ALIAS)) {
            registry.start();
            String registryUrl = LocalImages.registryUrl(registry);
            try (GenericContainer<?> serve = serveImage(network, names)) {
                serve.start();
                try {
                    checkHardening(serve);
                    checkScoring(serve, broker.bootstrapServers(), registryUrl, names);
                } catch (AssertionError e) {
                    throw new AssertionError(e.getMessage() + "\n--- serve container ---\n" + tail(serve.getLogs()), e);
                }
            }
        }
    }

    @SuppressWarnings("resource") // closed by the test
    private static GenericContainer<?> serveImage(Network network, TopicNames names) {
        Map<String, String> env = ServeProcess.settings(LocalImages.registryUrlOnNetwork(), names, "image-test",
                PARTITIONS, "/var/lib/simstream/state", METRICS_PORT);
        env.put("SIMSTREAM_BOOTSTRAP_SERVERS", KafkaBrokerContainer.INTERNAL_BOOTSTRAP);
        return new GenericContainer<>(DockerImageName.parse(LocalImages.SCORER_IMAGE))
                .withImagePullPolicy(LocalImages.NEVER_PULL)
                .withNetwork(network)
                .withCommand("serve")
                .withEnv(env)
                .withExposedPorts(METRICS_PORT)
                // The only writable places, as the k8s manifest mounts them (emptyDir volumes, fsGroup
                // 10001): owned by the image's user (Docker ignores a tmpfs mode here), and exec,
                // because RocksDB loads its native library from /tmp.
                .withTmpFs(Map.of("/var/lib/simstream", "rw,exec,nosuid,size=128m,uid=10001",
                        "/tmp", "rw,exec,nosuid,size=128m"))
                .withCreateContainerCmdModifier(cmd -> cmd.getHostConfig()
                        .withReadonlyRootfs(true)
                        .withCapDrop(Capability.ALL)
                        .withSecurityOpts(List.of("no-new-privileges")))
                .waitingFor(Wait.forHttp("/health").forPort(METRICS_PORT).forStatusCode(200)
                        .withStartupTimeout(Duration.ofMinutes(3)));
    }

    private static void checkHardening(GenericContainer<?> serve) throws Exception {
        InspectContainerResponse inspect = serve.getContainerInfo();
        assertEquals("simstream", inspect.getConfig().getUser(), "the image names a non-root user");
        assertEquals(Boolean.TRUE, inspect.getHostConfig().getReadonlyRootfs(), "started with a read-only root");
        ExecResult uid = serve.execInContainer("id", "-u");
        assertEquals("10001", uid.getStdout().trim(), "serve runs as uid 10001");
        ExecResult write = serve.execInContainer("sh", "-c", "echo x > /app/probe");
        assertNotEquals(0, write.getExitCode(), "the root file system refuses writes");
        assertTrue(write.getStderr().contains("Read-only file system"), write.getStderr());
        ExecResult java = serve.execInContainer("sh", "-c", "ps -o user= -C java 2>/dev/null || stat -c %U /proc/1");
        assertTrue(java.getStdout().contains("simstream"), "the JVM runs as simstream: " + java.getStdout());
    }

    private void checkScoring(GenericContainer<?> serve, String bootstrap, String registryUrl, TopicNames names)
            throws Exception {
        String metricsBase = "http://127.0.0.1:" + serve.getMappedPort(METRICS_PORT);
        Await.until("serve waiting for a model", () -> HttpGet.statusAndBody(metricsBase + "/ready"), b -> b.startsWith("503"), WAIT);
        Path modelDir = Files.createDirectories(dir.resolve("model"));
        TestModels.random(DIM, 1).write(modelDir.resolve("model.simstream"));
        assertEquals(0, Main.commandLine().execute("publish", "--model", modelDir.toString(), "--bootstrap", bootstrap,
                "--registry-url", registryUrl, "--topic", names.models()));
        Await.until("serve ready with v1", () -> HttpGet.statusAndBody(metricsBase + "/ready"),
                b -> b.equals("200 ready: serving model 'default' v1 (unsigned)\n"), WAIT);

        Topics topics = new Topics(names, new ConfluentRegistryClient(RegistryClientConfig.of(registryUrl)), PARTITIONS);
        try (TopicReader<String, PairDecision> decisions = new TopicReader<>(bootstrap, names.decisions(), PARTITIONS,
                Serdes.String().deserializer(), topics.decisions().valueSerde().deserializer())) {
            Set<String> acked;
            try (PairStream stream = new PairStream(bootstrap, names.pairs(), topics.pairs().valueSerde().serializer(),
                    "img-", DIM, 50)) {
                Await.until("decisions from the container", decisions::poll, l -> l.size() >= 50, WAIT);
                acked = stream.stop();
                assertNull(stream.failure(), "every pair acknowledged");
            }
            Await.until("a decision for each of the acknowledged pairs", decisions::poll,
                    l -> l.size() >= acked.size(), WAIT);
            Decisions.assertExactlyOnce(decisions.poll(), acked);
        }

        String metrics = HttpGet.statusAndBody(metricsBase + "/metrics");
        assertTrue(metrics.contains("simstream_scoring_kernel{kernel=\"vector-api\"} 1.0"),
                "the image's JRE has jdk.incubator.vector and /metrics says so");
        assertTrue(serve.getLogs().contains("scoring kernel: Vector API (jdk.incubator.vector)"),
                "the entrypoint and serve log the kernel");
        String osKernel = serve.execInContainer("uname", "-r").getStdout().trim();
        assertTrue(serve.getLogs().contains("running on Linux " + osKernel + " "),
                "serve logs the OS kernel it runs on (" + osKernel + ")");
    }


    private static String tail(String logs) {
        return logs.length() > 4000 ? logs.substring(logs.length() - 4000) : logs;
    }
}
