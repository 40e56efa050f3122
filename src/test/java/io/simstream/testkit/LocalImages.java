package io.simstream.testkit;

import io.simstream.registry.CompatibilityLevel;
import io.simstream.registry.ConfluentRegistryClient;
import io.simstream.registry.RegistryClientConfig;
import java.time.Duration;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.ImagePullPolicy;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The containers of the Testcontainers tests, on the images scripts/test-docker.sh builds from
 * the project's own files. They are never pulled: an image that is missing fails the test with
 * Docker's "No such image", it does not fetch something else from the internet.
 */
public final class LocalImages {
    public static final String KAFKA_IMAGE = "simstream-test/kafka:4.3.1";
    public static final String REGISTRY_IMAGE = "simstream-test/apicurio-registry:3.3.3";
    /** docker/Dockerfile's scorer target (the serve image k8s and compose run), on the local base. */
    public static final String SCORER_IMAGE = "simstream-test/simstream-scorer:local";
    /** docker/Dockerfile's full target (train, retrain, produce, publish), on the local base. */
    public static final String FULL_IMAGE = "simstream-test/simstream:local";
    public static final String REGISTRY_NETWORK_ALIAS = "registry";
    public static final int REGISTRY_HTTP_PORT = 8080;
    private static final Duration STARTUP = Duration.ofMinutes(3);
    public static final ImagePullPolicy NEVER_PULL = image -> false;
    private static GenericContainer<?> sharedRegistry;

    private LocalImages() {
    }

    /** Kafka 4.3.1 in KRaft mode, driven by Testcontainers' own KafkaContainer (the image follows apache/kafka's conventions). */
    @SuppressWarnings("resource") // the caller owns (and closes) the container
    public static KafkaContainer kafka() {
        return new KafkaContainer(DockerImageName.parse(KAFKA_IMAGE).asCompatibleSubstituteFor("apache/kafka"))
                .withImagePullPolicy(NEVER_PULL)
                .withStartupTimeout(STARTUP);
    }

    /** Apicurio Registry 3.3.3, in-memory storage; ready when its Confluent-compatible API answers. */
    @SuppressWarnings("resource")
    public static GenericContainer<?> registry() {
        return new GenericContainer<>(DockerImageName.parse(REGISTRY_IMAGE))
                .withImagePullPolicy(NEVER_PULL)
                .withExposedPorts(REGISTRY_HTTP_PORT)
                .waitingFor(Wait.forHttp("/apis/ccompat/v7/subjects").forPort(REGISTRY_HTTP_PORT).forStatusCode(200)
                        .withStartupTimeout(STARTUP));
    }

    /**
     * One registry container for every container test in this JVM (started on first use, ~15 s,
     * stopped when the JVM exits), as {@link SharedRegistry} does for the embedded registry: tests
     * use unique subject names. Global compatibility is set to BACKWARD (Apicurio's default is NONE).
     */
    public static synchronized String sharedRegistryUrl() {
        if (sharedRegistry == null) {
            GenericContainer<?> registry = registry();
            registry.start();
            // No Ryuk here (it would need an image of its own): stop the container ourselves.
            Runtime.getRuntime().addShutdownHook(new Thread(registry::stop, "registry-container-stop"));
            new ConfluentRegistryClient(RegistryClientConfig.of(registryUrl(registry)))
                    .setGlobalCompatibility(CompatibilityLevel.BACKWARD);
            sharedRegistry = registry;
        }
        return registryUrl(sharedRegistry);
    }

    /** The registry's Confluent-compatible base URL for containers on its network. */
    public static String registryUrlOnNetwork() {
        return "http://" + REGISTRY_NETWORK_ALIAS + ":" + REGISTRY_HTTP_PORT + "/apis/ccompat/v7";
    }

    /** The Confluent-compatible base URL of a started {@link #registry()}, through its port mapped on the host. */
    public static String registryUrl(GenericContainer<?> registry) {
        return "http://" + registry.getHost() + ":" + registry.getMappedPort(REGISTRY_HTTP_PORT) + "/apis/ccompat/v7";
    }
}
