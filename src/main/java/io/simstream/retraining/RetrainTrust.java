package io.simstream.retraining;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.simstream.config.ConfigField;
import io.simstream.config.DeclaredConfig;
import io.simstream.config.RetrainConfig;
import io.simstream.config.ScoringConfig;
import io.simstream.lifecycle.TrustPolicy;
import io.simstream.provenance.Provenance;
import io.simstream.signing.ArtifactSigner;
import io.simstream.signing.SigningKeys;
import java.nio.file.Path;
import java.util.List;

/**
 * The retrainer's side of model trust: which champions it accepts (model.trust.mode and keys,
 * checked by the same loader as serve's: a warm start from an unverified champion would carry its
 * weights into a model this retrainer then signs), and how it stamps what it publishes.
 */
public record RetrainTrust(TrustPolicy champions, ChallengerStamp stamp) {
    /** The retrainer's settings recorded in each challenger's provenance (never cluster or key settings). */
    static final List<ConfigField> RECORDED = List.of(ScoringConfig.MODEL_NAME, RetrainConfig.WINDOW_SIZE,
            RetrainConfig.HOLDOUT, RetrainConfig.WARM_START, RetrainConfig.GATE_METRIC, RetrainConfig.GATE_TOLERANCE,
            RetrainConfig.GATE_MINIMUM, RetrainConfig.TRAIN_HEAD, RetrainConfig.TRAIN_MAX_EPOCHS, RetrainConfig.TRAIN_SEED,
            RetrainConfig.EVERY_LABELS, RetrainConfig.EVERY_MS, RetrainConfig.MIN_LABELS);

    public static RetrainTrust none() {
        return new RetrainTrust(TrustPolicy.off(), ChallengerStamp.NONE);
    }

    /** Keys are read now: a bad key file or PEM stops the retrainer at startup (exit 2), never a round. */
    public static RetrainTrust from(RetrainConfig retrain, ChallengerTrainer trainer) {
        DeclaredConfig config = retrain.values();
        TrustPolicy champions = TrustPolicy.of(config.get(ScoringConfig.TRUST_MODE), config.get(ScoringConfig.TRUST_KEYS),
                status -> { });
        String file = config.get(RetrainConfig.SIGNING_KEY_FILE);
        String pem = config.get(RetrainConfig.SIGNING_KEY);
        ArtifactSigner signer = !file.isBlank() ? new ArtifactSigner(SigningKeys.privateKeyFile(Path.of(file)))
                : !pem.isBlank() ? new ArtifactSigner(SigningKeys.privateKey(pem, "setting " + RetrainConfig.SIGNING_KEY.name()
                        + " (" + RetrainConfig.SIGNING_KEY.envName() + ")")) : null;
        ObjectNode settings = Provenance.object();
        ObjectNode own = settings.putObject("retrain");
        RECORDED.forEach(f -> own.put(f.name(), config.get(f)));
        settings.set("training", trainer.settings());
        return new RetrainTrust(champions, new ChallengerStamp(settings, signer));
    }

    /** One line for the startup log. */
    public String describe() {
        return "champions: " + champions.describe() + "; challengers "
                + (stamp.signer() == null ? "unsigned" : "signed with key " + stamp.signer().keyId());
    }
}
