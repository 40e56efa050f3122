package io.simstream.registry;

import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.DockerImageName;

/**
 * {@link AvroSerdeRegistryContract} against the official Apicurio Registry 3.3.3 image. Skipped
 * (not failed) where no Docker engine is available; the embedded variant covers those machines.
 */
@Testcontainers(disabledWithoutDocker = true)
class AvroSerdeContainerRegistryTest extends AvroSerdeRegistryContract {
    private static final int HTTP_PORT = 8080;

    @Container
    @SuppressWarnings("resource") // closed by the Testcontainers extension
    static final GenericContainer<?> REGISTRY = new GenericContainer<>(DockerImageName.parse("apicurio/apicurio-registry:3.3.3"))
            .withExposedPorts(HTTP_PORT)
            .waitingFor(Wait.forHttp("/apis/ccompat/v7/subjects").forPort(HTTP_PORT).forStatusCode(200)
                    .withStartupTimeout(Duration.ofMinutes(3)));

    @BeforeAll
    static void confluentDefaults() {
        // Apicurio's default compatibility is NONE; the contract assumes Confluent's BACKWARD.
        new ConfluentRegistryClient(RegistryClientConfig.of(url())).setGlobalCompatibility(CompatibilityLevel.BACKWARD);
    }

    private static String url() {
        return "http://" + REGISTRY.getHost() + ":" + REGISTRY.getMappedPort(HTTP_PORT) + "/apis/ccompat/v7";
    }

    @Override
    protected String registryUrl() {
        return url();
    }
}
