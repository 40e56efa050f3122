package io.simstream.reliability;

import io.simstream.registry.ConfluentRegistryClient;
import io.simstream.registry.RegistryClientConfig;
import io.simstream.reliability.BrokerFaultScenario.Fault;
import io.simstream.testkit.KafkaBrokerContainer;
import io.simstream.testkit.LocalDocker;
import io.simstream.testkit.LocalImages;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.Network;

/**
 * Container-level faults on the broker while pairs stream through `serve` (a child process): the
 * Kafka container is paused (frozen, its connections open and silent), unpaused, then killed
 * (SIGKILL to the container) and started again on its own file system. Every acknowledged pair
 * still gets exactly one decision and nothing is dead-lettered. Skipped where no Docker engine
 * could start; {@link BrokerBounceTest} kills a broker child process the same way everywhere.
 */
@LocalDocker
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class BrokerContainerFaultTest {
    @TempDir
    Path dir;

    @Test
    void pauseAndKillOfTheBrokerContainerLoseNothingAndDecideEveryPairOnce() throws Exception {
        String registryUrl = LocalImages.sharedRegistryUrl();
        try (Network network = Network.newNetwork(); KafkaBrokerContainer broker = KafkaBrokerContainer.start(network)) {
            BrokerFaultScenario.run(dir, broker.bootstrapServers(), registryUrl,
                    new ConfluentRegistryClient(RegistryClientConfig.of(registryUrl)), broker::logTail, List.of(
                            new Fault("broker container paused", broker::pause, broker::unpause),
                            new Fault("broker container killed", broker::kill, broker::startAgain)));
        }
    }
}
