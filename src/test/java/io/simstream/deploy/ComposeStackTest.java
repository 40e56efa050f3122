package io.simstream.deploy;

import io.simstream.avro.PairDecision;
import io.simstream.registry.ConfluentRegistryClient;
import io.simstream.registry.RegistryClientConfig;
import io.simstream.testkit.Await;
import io.simstream.testkit.CliRun;
import io.simstream.testkit.HttpGet;
import io.simstream.testkit.LocalDocker;
import io.simstream.testkit.LocalImages;
import io.simstream.testkit.TestModels;
import io.simstream.testkit.TopicReader;
import io.simstream.topics.TopicNames;
import io.simstream.topics.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.DockerClientFactory;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * docker/docker-compose.yml as users run it (broker, registry, topics job, bootstrap model, two
 * scorer replicas, retrainer, producer), on the images scripts/test-docker.sh builds locally
 * (the image variables point at them; `up --no-build`, nothing pulled). Everything is reached
 * through the ports the file publishes on 127.0.0.1, on free ports picked here; the containers
 * talk to each other on the project's own network.
 */
@LocalDocker
@Timeout(value = 20, unit = TimeUnit.MINUTES)
class ComposeStackTest {
    private static final int DIM = 16;
    private static final int PARTITIONS = 4;
    /** Far above anything the retrainer could publish first, so seeing it proves this publish arrived. */
    private static final long PUBLISHED = 1_000_000L;
    private static final Duration UP = Duration.ofMinutes(10);
    private static final Duration WAIT = Duration.ofMinutes(3);
    private static final List<String> IMAGES = List.of(LocalImages.KAFKA_IMAGE, LocalImages.REGISTRY_IMAGE,
            LocalImages.FULL_IMAGE, LocalImages.SCORER_IMAGE);

    @Test
    void decisionsFlowBothScorersServeAndAPublishedModelReachesBoth(@TempDir Path dir) throws Exception {
        assumeTrue(ComposeProject.available(), "no " + ComposeProject.COMMAND
                + " here (scripts/test-docker.sh installs Debian's); the compose stack is not tested");
        IMAGES.forEach(ComposeStackTest::requireImage);
        StackPorts ports = StackPorts.pick();
        Path log = Files.createDirectories(Path.of("target", "compose-test")).resolve("docker-compose.log");
        ComposeProject stack = new ComposeProject(Path.of("docker", "docker-compose.yml").toAbsolutePath(),
                "simstreamit" + ProcessHandle.current().pid(), env(ports), log);
        try {
            stack.up(UP);
            try {
                checkTheRunningStack(ports, dir);
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\n" + stack.logs(), e);
            }
        } finally {
            stack.close();
        }
    }

    private static void checkTheRunningStack(StackPorts ports, Path dir) throws Exception {
        String registryUrl = "http://127.0.0.1:" + ports.registry() + "/apis/ccompat/v7";
        Topics topics = new Topics(TopicNames.DEFAULT, new ConfluentRegistryClient(RegistryClientConfig.of(registryUrl)),
                PARTITIONS);
        try (TopicReader<String, PairDecision> decisions = new TopicReader<>(ports.kafkaBootstrap(),
                TopicNames.DEFAULT.decisions(), PARTITIONS, Serdes.String().deserializer(),
                topics.decisions().valueSerde().deserializer())) {
            Await.until("200 decisions of the producer's pairs", decisions::poll, l -> l.size() >= 200, WAIT);

            for (int port : ports.scorers()) {
                Await.until("scorer on :" + port + " ready with the bootstrap model", () -> HttpGet.local(port, "/ready"),
                        s -> s.startsWith("200 ready: serving model 'default' v"), WAIT);
                // Both replicas score: the four pairs partitions are split between them.
                Await.until("scorer on :" + port + " counting decisions in /metrics",
                        () -> HttpGet.local(port, "/metrics"),
                        s -> s.startsWith("200 ") && metric(s, "simstream_decisions_total") > 0, WAIT);
            }
            Await.until("retrainer /health", () -> HttpGet.local(ports.retrainer(), "/health"), s -> s.startsWith("200"), WAIT);
            assertTrue(HttpGet.local(ports.retrainer(), "/metrics").startsWith("200 "), "retrainer /metrics answers");

            publish(ports, registryUrl, dir);
            for (int port : ports.scorers()) {
                Await.until("scorer on :" + port + " serving v" + PUBLISHED, () -> HttpGet.local(port, "/ready"),
                        s -> s.startsWith("200 ready: serving model 'default' v" + PUBLISHED), WAIT);
                assertEquals(PUBLISHED, metric(HttpGet.local(port, "/metrics"), "simstream_model_version"),
                        "simstream_model_version of the scorer on :" + port);
            }
            Await.until("decisions scored by v" + PUBLISHED, decisions::poll,
                    l -> l.stream().map(ConsumerRecord::value).anyMatch(d -> d.getModelVersion() == PUBLISHED), WAIT);
        }
    }

    /** The operator's way in: the CLI's publish, run in this JVM against the ports on 127.0.0.1. */
    private static void publish(StackPorts ports, String registryUrl, Path dir) throws Exception {
        Path model = Files.createDirectories(dir.resolve("model"));
        TestModels.random(DIM, 1).write(model.resolve("model.simstream"));
        CliRun run = CliRun.of("publish", "--model", model.toString(), "--bootstrap", ports.kafkaBootstrap(),
                "--registry-url", registryUrl, "--name", "default", "--version", String.valueOf(PUBLISHED),
                "--meta", "source=compose-test");
        assertEquals(0, run.exit(), "publish exit code; stdout: " + run.out() + " stderr: " + run.err());
    }

    /** The value of an unlabelled sample in a Prometheus text page, -1 when absent. */
    static double metric(String page, String name) {
        return page.lines().filter(l -> l.startsWith(name + " "))
                .mapToDouble(l -> Double.parseDouble(l.substring(name.length() + 1))).findFirst().orElse(-1);
    }

    private static Map<String, String> env(StackPorts ports) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("KAFKA_IMAGE", LocalImages.KAFKA_IMAGE);
        env.put("REGISTRY_IMAGE", LocalImages.REGISTRY_IMAGE);
        env.put("SIMSTREAM_IMAGE", LocalImages.FULL_IMAGE);
        env.put("SIMSTREAM_SCORER_IMAGE", LocalImages.SCORER_IMAGE);
        env.putAll(ports.env());
        env.put("PARTITIONS", String.valueOf(PARTITIONS));
        // Small enough for bootstrap training to take seconds on a shared 2-core machine.
        env.put("DEMO_DIM", String.valueOf(DIM));
        env.put("DEMO_TRAIN_ROWS", "2000");
        env.put("DEMO_TRAIN_MAX_EPOCHS", "3");
        env.put("DEMO_RATE", "50");
        // No retraining round during the test (it would only compete for the CPU): the retrainer
        // runs and answers, and retraining itself is covered by the retrainer's own tests.
        env.put("RETRAIN_EVERY_LABELS", "10000000");
        env.put("RETRAIN_EVERY_MS", "86400000");
        return env;
    }

    private static void requireImage(String image) {
        try {
            DockerClientFactory.instance().client().inspectImageCmd(image).exec();
        } catch (RuntimeException e) {
            throw new AssertionError("the Docker engine has no image " + image
                    + " (scripts/test-docker.sh images builds it; the compose test never pulls)", e);
        }
    }
}
