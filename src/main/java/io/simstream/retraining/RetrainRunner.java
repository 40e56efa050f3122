package io.simstream.retraining;

import io.simstream.config.RetrainConfig;
import io.simstream.registry.ConfluentRegistryClient;
import io.simstream.topics.RetrainTopics;
import io.simstream.topics.TopicNames;
import io.simstream.topics.Topics;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the retrainer in the foreground until SIGTERM/SIGINT. */
public final class RetrainRunner {
    private static final Logger LOG = LoggerFactory.getLogger(RetrainRunner.class);

    private RetrainRunner() {
    }

    public static RetrainService start(RetrainConfig config, ConfluentRegistryClient registry, ChallengerTrainer trainer) {
        Topics topics = Topics.forServices(TopicNames.of(config), registry, config.labelPartitions());
        RetrainTopics retrainTopics = RetrainTopics.forRetrainer(RetrainTopics.Names.of(config), registry, config.labelPartitions());
        return new RetrainService(RetrainSettings.from(config), config.clientConfig(), topics, retrainTopics, trainer,
                event -> { }, Clock.systemUTC()).start(config.metricsPort());
    }

    public static int run(RetrainConfig config, ChallengerTrainer trainer) throws InterruptedException {
        ConfluentRegistryClient registry = ConfluentRegistryClient.fromConfig(config.registryClientSettings());
        RetrainService service = start(config, registry, trainer);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("shutdown requested: stopping the retrainer");
            service.close();
            stopped.countDown();
        }, "simstream-retrain-shutdown"));
        stopped.await();
        return 0;
    }
}
