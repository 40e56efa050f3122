package io.simstream.cli;

import io.simstream.config.ScoringConfig;
import io.simstream.lifecycle.PairScorerFactory;
import io.simstream.scoring.ServeRunner;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** `serve`: runs the scoring service until SIGTERM. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Score pairs from Kafka with the latest model on the models topic.",
        footerHeading = "%nSettings (properties file, SIMSTREAM_* environment variables, or --set name=value):%n")
public final class ServeCommand implements Callable<Integer> {
    @Mixin
    ServiceOptions service;

    @Option(names = "--application-id", description = "Streams application id (application.id).")
    String applicationId;

    @Option(names = "--threads", description = "Stream threads (num.stream.threads).")
    Integer threads;

    @Option(names = "--profile", paramLabel = "latency|throughput",
            description = "Latency or throughput preset of Streams' client settings (profile).")
    String profile;

    static String settingsHelp() {
        return ScoringConfig.describe();
    }

    @Override
    public Integer call() throws Exception {
        Map<String, String> flags = service.flags();
        ServiceOptions.putIfGiven(flags, ScoringConfig.APPLICATION_ID.name(), applicationId);
        ServiceOptions.putIfGiven(flags, ScoringConfig.THREADS.name(), threads);
        ServiceOptions.putIfGiven(flags, ScoringConfig.PROFILE.name(), profile);
        ScoringConfig config = ScoringConfig.load(service.configFile, System.getenv(), flags);
        return ServeRunner.run(config, PairScorerFactory.FASTEST);
    }
}
