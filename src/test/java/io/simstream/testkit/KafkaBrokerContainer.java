package io.simstream.testkit;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import java.time.Duration;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * Kafka 4.3.1 (the local image) whose host port is fixed for the container's life, so that it can
 * be paused, killed and started again and clients on the host find it at the same address:
 * Testcontainers' own KafkaContainer maps a random port, which Docker changes on every start.
 * Two listeners: HOST (127.0.0.1:hostPort, for the test JVM and child processes) and INTERNAL
 * (kafka:19092 on the given network, for other containers).
 */
public final class KafkaBrokerContainer implements AutoCloseable {
    public static final String NETWORK_ALIAS = "kafka";
    public static final String INTERNAL_BOOTSTRAP = NETWORK_ALIAS + ":19092";
    private static final int BROKER_PORT = 9092;

    private final GenericContainer<?> container;
    private final int hostPort;

    private KafkaBrokerContainer(GenericContainer<?> container, int hostPort) {
        this.container = container;
        this.hostPort = hostPort;
    }

    @SuppressWarnings("resource") // closed by close()
    public static KafkaBrokerContainer start(Network network) {
        int hostPort = FreePort.onLoopback();
        GenericContainer<?> c = new GenericContainer<>(DockerImageName.parse(LocalImages.KAFKA_IMAGE))
                .withImagePullPolicy(LocalImages.NEVER_PULL)
                .withNetwork(network)
                .withNetworkAliases(NETWORK_ALIAS)
                .withEnv("KAFKA_LISTENERS", "HOST://:" + BROKER_PORT + ",INTERNAL://:19092,CONTROLLER://:9093")
                .withEnv("KAFKA_ADVERTISED_LISTENERS", "HOST://127.0.0.1:" + hostPort + ",INTERNAL://" + INTERNAL_BOOTSTRAP)
                .withEnv("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP", "HOST:PLAINTEXT,INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT")
                .withEnv("KAFKA_INTER_BROKER_LISTENER_NAME", "INTERNAL")
                .withExposedPorts(BROKER_PORT)
                .withCreateContainerCmdModifier(cmd -> cmd.getHostConfig().withPortBindings(new PortBinding(
                        Ports.Binding.bindIpAndPort("127.0.0.1", hostPort), ExposedPort.tcp(BROKER_PORT))))
                .waitingFor(Wait.forLogMessage(".*Kafka Server started.*", 1).withStartupTimeout(Duration.ofMinutes(3)));
        c.start();
        return new KafkaBrokerContainer(c, hostPort);
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + hostPort;
    }

    /** docker pause: every process of the broker frozen (cgroup freezer), its connections left open and silent. */
    public void pause() {
        docker().pauseContainerCmd(container.getContainerId()).exec();
    }

    public void unpause() {
        docker().unpauseContainerCmd(container.getContainerId()).exec();
    }

    /** docker kill: SIGKILL to the broker, its log and transaction state as the crash left them. */
    public void kill() {
        docker().killContainerCmd(container.getContainerId()).exec();
    }

    /** docker start of the killed container: the same file system (log directory) and port binding. */
    public void startAgain() {
        docker().startContainerCmd(container.getContainerId()).exec();
    }

    public String logTail() {
        String logs = container.getLogs();
        return logs.length() > 3000 ? logs.substring(logs.length() - 3000) : logs;
    }

    @Override
    public void close() {
        container.stop();
    }

    private static DockerClient docker() {
        return DockerClientFactory.instance().client();
    }

}
