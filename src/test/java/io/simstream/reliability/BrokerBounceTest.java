package io.simstream.reliability;

import io.simstream.reliability.BrokerFaultScenario.Fault;
import io.simstream.testkit.BrokerProcess;
import io.simstream.testkit.SharedRegistry;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker (a separate process) is killed with -9 while pairs stream through `serve` (a child
 * process too), left down for a few seconds and started again on the same log directory. Nothing
 * is lost: every acknowledged pair gets exactly one decision (read_committed), nothing is
 * dead-lettered, and `serve` rides the outage out without exiting. {@link
 * BrokerContainerFaultTest} does the same to a broker in a container (paused, then killed).
 */
@Tag("integration")
@Timeout(600)
class BrokerBounceTest {
    @TempDir
    Path dir;

    @Test
    void killNineOfTheBrokerLosesNothingAndDecidesEveryPairOnce() throws Exception {
        try (BrokerProcess broker = BrokerProcess.start(dir.resolve("broker"))) {
            BrokerFaultScenario.run(dir, broker.bootstrapServers(), SharedRegistry.url(), SharedRegistry.newClient(),
                    broker::logTail, List.of(new Fault("broker killed with -9", broker::kill9, broker::restart)));
        }
    }
}
