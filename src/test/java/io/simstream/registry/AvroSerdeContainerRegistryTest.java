package io.simstream.registry;

import io.simstream.testkit.LocalDocker;
import io.simstream.testkit.LocalImages;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * {@link AvroSerdeRegistryContract} against Apicurio Registry 3.3.3 in a container (the image
 * scripts/test-docker.sh builds), reached through its port mapped on 127.0.0.1. Skipped, with the
 * reason, where no Docker engine could start; {@link AvroSerdeEmbeddedRegistryTest} runs the same
 * contract against the registry as a child process everywhere.
 */
@LocalDocker
@Testcontainers
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class AvroSerdeContainerRegistryTest extends AvroSerdeRegistryContract {
    @Container
    static final GenericContainer<?> REGISTRY = LocalImages.registry();

    @BeforeAll
    static void confluentDefaults() {
        // Apicurio's default compatibility is NONE; the contract assumes Confluent's BACKWARD.
        new ConfluentRegistryClient(RegistryClientConfig.of(registryUrlOf())).setGlobalCompatibility(CompatibilityLevel.BACKWARD);
    }

    private static String registryUrlOf() {
        return LocalImages.registryUrl(REGISTRY);
    }

    @Override
    protected String registryUrl() {
        return registryUrlOf();
    }
}
