package io.simstream.scoring;

import io.simstream.ShutdownSignal;
import io.simstream.config.ScoringConfig;
import io.simstream.lifecycle.PairScorerFactory;
import io.simstream.model.PairScorers;
import io.simstream.registry.ConfluentRegistryClient;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the service in the foreground until SIGTERM/SIGINT, then closes Streams within the timeout. */
public final class ServeRunner {
    private static final Logger LOG = LoggerFactory.getLogger(ServeRunner.class);

    private ServeRunner() {
    }

    /** Returns the process exit code: 0 after a requested shutdown, 1 if Streams failed. */
    public static int run(ScoringConfig config, PairScorerFactory scorers) throws InterruptedException {
        return run(config, scorers, ShutdownSignal.install());
    }

    public static int run(ScoringConfig config, PairScorerFactory scorers, ShutdownSignal shutdown)
            throws InterruptedException {
        // Operators (and the image) need to see which kernel runs: the plain loops are ~10x slower.
        LOG.info("scoring kernel: {}", PairScorers.vectorApiAvailable()
                ? "Vector API (jdk.incubator.vector)"
                : "plain loops (start the JVM with --add-modules jdk.incubator.vector for the Vector API kernel)");
        // In a container the OS kernel is the host's: say which one, with the Java runtime, for support cases.
        LOG.info("running on {} {} ({}), Java {} ({})", System.getProperty("os.name"), System.getProperty("os.version"),
                System.getProperty("os.arch"), Runtime.version(), System.getProperty("java.vm.name"));
        ConfluentRegistryClient registry = ConfluentRegistryClient.fromConfig(config.registryClientSettings());
        // start() may wait a long time (registry down); a shutdown request meanwhile must end it.
        AtomicReference<ScoringService> starting = new AtomicReference<>();
        Thread watcher = new Thread(() -> {
            try {
                shutdown.await(Long.MAX_VALUE, TimeUnit.DAYS);
                ScoringService s = starting.get();
                if (s != null) {
                    s.abortStartup();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "simstream-startup-watch");
        watcher.setDaemon(true);
        watcher.start();
        ScoringService service;
        try {
            service = ScoringService.start(config, registry, scorers, starting::set);
        } catch (RuntimeException e) {
            if (shutdown.isRequested()) {
                LOG.info("shutdown requested ({}) during startup; stopped", shutdown.cause());
                return 0;
            }
            throw e;
        } finally {
            watcher.interrupt();
        }
        try {
            while (!shutdown.await(1, TimeUnit.SECONDS)) {
                if (!service.isAlive()) {
                    LOG.error("Kafka Streams stopped in state {}; exiting", service.streams().state());
                    return 1;
                }
            }
            LOG.info("shutdown requested ({}): closing Kafka Streams (timeout {})", shutdown.cause(),
                    config.shutdownTimeout());
            return 0;
        } finally {
            service.close();
            LOG.info("stopped");
        }
    }
}
