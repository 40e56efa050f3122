package io.simstream.registry;

import io.simstream.testkit.LocalDocker;
import io.simstream.testkit.LocalImages;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * {@link AvroSerdeRegistryContract} against Apicurio Registry 3.3.3 in a container (the image
 * scripts/test-docker.sh builds), reached through its port mapped on 127.0.0.1. Skipped, with the
 * reason, where no Docker engine could start; {@link AvroSerdeEmbeddedRegistryTest} runs the same
 * contract against the registry as a child process everywhere. The container is shared with the
 * other container tests of this JVM ({@link LocalImages#sharedRegistryUrl()}).
 */
@LocalDocker
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class AvroSerdeContainerRegistryTest extends AvroSerdeRegistryContract {
    @Override
    protected String registryUrl() {
        return LocalImages.sharedRegistryUrl();
    }
}
