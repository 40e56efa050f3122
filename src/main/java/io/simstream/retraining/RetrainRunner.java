package io.simstream.retraining;

import io.simstream.ShutdownSignal;
import io.simstream.config.RetrainConfig;
import io.simstream.registry.ConfluentRegistryClient;
import io.simstream.topics.TopicNames;
import io.simstream.topics.Topics;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the retrainer in the foreground until SIGTERM/SIGINT (exit 0, after a round in flight
 * finished or was aborted cleanly) or until it dies (exit 1): a supervisor then restarts it
 * instead of keeping a process that only looks alive.
 */
public final class RetrainRunner {
    private static final Logger LOG = LoggerFactory.getLogger(RetrainRunner.class);

    private RetrainRunner() {
    }

    public static RetrainService start(RetrainConfig config, ConfluentRegistryClient registry, ChallengerTrainer trainer) {
        Topics topics = new Topics(TopicNames.of(config.values()), registry, config.labelPartitions(),
                config.labelPartitions(), Topics.Role.RETRAINER);
        RetrainTrust trust = RetrainTrust.from(config, trainer);
        LOG.info("model trust: {}", trust.describe());
        return new RetrainService(RetrainSettings.from(config), config.clientConfig(), topics, trainer,
                event -> { }, Clock.systemUTC(), trust).start(config.metricsPort());
    }

    public static int run(RetrainConfig config, ChallengerTrainer trainer) throws InterruptedException {
        return run(config, trainer, ShutdownSignal.install());
    }

    /** Returns the exit code: 0 after a requested shutdown, 1 when the retrainer died. */
    public static int run(RetrainConfig config, ChallengerTrainer trainer, ShutdownSignal shutdown)
            throws InterruptedException {
        ConfluentRegistryClient registry = ConfluentRegistryClient.fromConfig(config.registryClientSettings());
        RetrainService service = start(config, registry, trainer);
        try {
            while (!shutdown.await(1, TimeUnit.SECONDS)) {
                if (!service.isAlive()) {
                    LOG.error("The retrainer died ({}); exiting", service.notReadyReason(), service.failure());
                    return 1;
                }
            }
            LOG.info("shutdown requested ({}): stopping the retrainer", shutdown.cause());
            return 0;
        } finally {
            service.close();
            LOG.info("stopped");
        }
    }
}
