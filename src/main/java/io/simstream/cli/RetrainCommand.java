package io.simstream.cli;

import io.simstream.config.RetrainConfig;
import io.simstream.config.ScoringConfig;
import io.simstream.retraining.RetrainRunner;
import io.simstream.training.Dl4jChallengerTrainer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** `retrain`: consumes labeled pairs and publishes better models, until SIGTERM. */
@Command(name = "retrain", mixinStandardHelpOptions = true,
        description = "Retrain on labeled feedback and publish challengers that pass the gate.",
        footerHeading = "%nSettings (properties file, SIMSTREAM_* environment variables, or --set name=value):%n")
public final class RetrainCommand implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE", description = "Properties file with settings.")
    Path configFile;

    @Option(names = "--bootstrap", description = "Kafka bootstrap servers (bootstrap.servers).")
    String bootstrap;

    @Option(names = "--registry-url", description = "Schema registry URL (registry.url).")
    String registryUrl;

    @Option(names = "--name", description = "Model name to retrain (model.name).")
    String modelName;

    @Option(names = "--set", paramLabel = "NAME=VALUE", description = "Any setting below, or a kafka.* pass-through.")
    Map<String, String> settings = new LinkedHashMap<>();

    static String settingsHelp() {
        return RetrainConfig.describe();
    }

    @Override
    public Integer call() throws Exception {
        Map<String, String> flags = new LinkedHashMap<>(settings);
        ServeCommand.putIfGiven(flags, ScoringConfig.BOOTSTRAP.name(), bootstrap);
        ServeCommand.putIfGiven(flags, ScoringConfig.REGISTRY_URL.name(), registryUrl);
        ServeCommand.putIfGiven(flags, ScoringConfig.MODEL_NAME.name(), modelName);
        RetrainConfig config = RetrainConfig.load(configFile, System.getenv(), flags);
        return RetrainRunner.run(config, new Dl4jChallengerTrainer(config.trainingConfig(),
                config.values().getBoolean(RetrainConfig.WARM_START)));
    }
}
