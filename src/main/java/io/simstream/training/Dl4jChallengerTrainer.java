package io.simstream.training;

import com.fasterxml.jackson.databind.JsonNode;
import io.simstream.config.RetrainConfig;
import io.simstream.data.PairDataset;
import io.simstream.model.DenseLayer;
import io.simstream.model.Head;
import io.simstream.model.ModelArtifact;
import io.simstream.provenance.Provenance;
import io.simstream.retraining.ChallengerTrainer;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The retrainer's trainer: the same DL4J training as {@code train}, on the window's training part
 * (validation = its newest share, by row order, since the window is in time order). Warm start
 * continues from the champion when shapes allow, which converges in a few epochs on a drifting
 * stream; otherwise it trains from scratch.
 */
public final class Dl4jChallengerTrainer implements ChallengerTrainer {
    private static final Logger LOG = LoggerFactory.getLogger(Dl4jChallengerTrainer.class);

    private final TrainingConfig config;
    private final boolean warmStart;

    public Dl4jChallengerTrainer(TrainingConfig config, boolean warmStart) {
        this.config = config;
        this.warmStart = warmStart;
    }

    /** The defaults of {@code train}, with the retrainer's head, epoch cap, seed and warm start. */
    public static Dl4jChallengerTrainer fromConfig(RetrainConfig retrain) {
        var config = retrain.values();
        TrainingConfig base = TrainingConfig.defaults().withHead(Head.parse(config.get(RetrainConfig.TRAIN_HEAD)))
                .withMaxEpochs(config.getInt(RetrainConfig.TRAIN_MAX_EPOCHS)).withSeed(config.getLong(RetrainConfig.TRAIN_SEED));
        // The window is in time order: validate on its newest fifth rather than half of it.
        return new Dl4jChallengerTrainer(base.withSplit(TrainingConfig.Split.ROW_ORDER, 0.2),
                config.getBoolean(RetrainConfig.WARM_START));
    }

    @Override
    public ModelArtifact train(PairDataset trainingPart, ModelArtifact champion) {
        ModelArtifact start = warmStart && fits(champion, trainingPart.dim()) ? champion : null;
        LOG.info("Training a challenger on {} pairs ({})", trainingPart.size(),
                start == null ? "from scratch" : "warm start from v" + start.version());
        SiameseTrainer trainer = new SiameseTrainer(config, line -> LOG.debug("{}", line));
        return trainer.train(ValidationSplit.of(trainingPart, config), start).artifact();
    }

    @Override
    public JsonNode settings() {
        return Provenance.settings(config).put("warmStart", warmStart);
    }

    private boolean fits(ModelArtifact champion, int dim) {
        if (champion == null) {
            return false;
        }
        List<Integer> sizes = champion.encoder().stream().map(DenseLayer::out).toList();
        return champion.inputDim() == dim && champion.head() == config.head() && sizes.equals(config.hiddenSizes());
    }
}
