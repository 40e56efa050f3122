package io.simstream.scoring;

import io.simstream.config.ScoringConfig;
import io.simstream.lifecycle.PairScorerFactory;
import io.simstream.registry.ConfluentRegistryClient;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the service in the foreground until SIGTERM/SIGINT, then closes Streams within the timeout. */
public final class ServeRunner {
    private static final Logger LOG = LoggerFactory.getLogger(ServeRunner.class);

    private ServeRunner() {
    }

    /** Returns the process exit code: 0 after a requested shutdown, 1 if Streams failed. */
    public static int run(ScoringConfig config, PairScorerFactory scorers) throws InterruptedException {
        // Operators (and the image) need to see which kernel runs: the plain loops are ~10x slower.
        LOG.info("scoring kernel: {}", io.simstream.model.PairScorers.vectorApiAvailable()
                ? "Vector API (jdk.incubator.vector)"
                : "plain loops (start the JVM with --add-modules jdk.incubator.vector for the Vector API kernel)");
        ConfluentRegistryClient registry = ConfluentRegistryClient.fromConfig(config.registryClientSettings());
        ScoringService service = ScoringService.start(config, registry, scorers);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("shutdown requested: closing Kafka Streams (timeout {})", config.shutdownTimeout());
            service.close();
            stopped.countDown();
            LOG.info("stopped");
        }, "simstream-shutdown"));
        // Streams' own listener slot must be set before start(); polling the state is enough here.
        while (!stopped.await(1, TimeUnit.SECONDS)) {
            if (!service.isAlive()) {
                LOG.error("Kafka Streams stopped in state {}; exiting", service.streams().state());
                service.close();
                return 1;
            }
        }
        return 0;
    }
}
