package io.simstream.cli;

import io.simstream.config.RetrainConfig;
import io.simstream.config.ScoringConfig;
import io.simstream.retraining.RetrainRunner;
import io.simstream.training.Dl4jChallengerTrainer;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** `retrain`: consumes labeled pairs and publishes better models, until SIGTERM. */
@Command(name = "retrain", mixinStandardHelpOptions = true,
        description = "Retrain on labeled feedback and publish challengers that pass the gate.",
        footerHeading = "%nSettings (properties file, SIMSTREAM_* environment variables, or --set name=value):%n")
public final class RetrainCommand implements Callable<Integer> {
    @Mixin
    ServiceOptions service;

    @Option(names = "--name", description = "Model name to retrain (model.name).")
    String modelName;

    static String settingsHelp() {
        return RetrainConfig.describe();
    }

    @Override
    public Integer call() throws Exception {
        Map<String, String> flags = service.flags();
        ServiceOptions.putIfGiven(flags, ScoringConfig.MODEL_NAME.name(), modelName);
        RetrainConfig config = RetrainConfig.load(service.configFile, System.getenv(), flags);
        return RetrainRunner.run(config, Dl4jChallengerTrainer.fromConfig(config));
    }
}
