package io.simstream.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The retrainer's settings, each declared once; shared ones are the scoring service's own fields. */
public final class RetrainConfig {
    public static final ConfigField APPLICATION_ID = ConfigField.string("application.id", "simstream-retrainer",
            "Group of retrainer instances: one per model name is active, the others stand by.");
    public static final ConfigField WINDOW_SIZE = ConfigField.integer("window.size", 5000, 10, 10_000_000,
            "Labeled pairs kept for training: the newest ones.");
    public static final ConfigField EVERY_LABELS = ConfigField.integer("retrain.every.labels", 1000, 1, 10_000_000,
            "Retrain after this many new labels ...");
    public static final ConfigField EVERY_MS = ConfigField.longValue("retrain.every.ms", 600_000, 1000,
            7L * 24 * 3_600_000, "... or after this many milliseconds, whichever comes first.");
    public static final ConfigField MIN_LABELS = ConfigField.integer("retrain.min.labels", 500, 10, 10_000_000,
            "Never retrain with fewer labels in the window.");
    public static final ConfigField HOLDOUT = ConfigField.decimal("holdout.fraction", 0.2, 0.05, 0.5,
            "Newest share of the window never trained on; champion and challenger are compared on it.");
    public static final ConfigField WARM_START = ConfigField.bool("warm.start", true,
            "Start the challenger from the champion's weights (false: from scratch).");
    public static final ConfigField GATE_METRIC = ConfigField.oneOf("gate.metric", "auc",
            List.of("auc", "accuracy", "f1"), "Metric the promotion gate compares on the holdout.");
    public static final ConfigField GATE_TOLERANCE = ConfigField.decimal("gate.tolerance", 0.005, 0, 1,
            "A challenger worse than the champion by more than this is not published.");
    public static final ConfigField GATE_MINIMUM = ConfigField.decimal("gate.minimum", 0.6, 0, 1,
            "A challenger needs at least this metric on the holdout (0.5 AUC is chance): labels without signal"
                    + " must not replace a model.");
    public static final ConfigField LABEL_DELAY = ConfigField.longValue("online.label.delay.ms", 600_000, 1000,
            7L * 24 * 3_600_000, "How long after its decision a label still counts for online accuracy.");
    public static final ConfigField SESSION_TIMEOUT = ConfigField.longValue("lock.session.timeout.ms", 10_000, 6000,
            300_000, "How soon a standby takes over after the active retrainer dies.");
    public static final ConfigField TRAIN_HEAD = ConfigField.oneOf("train.head", "contrastive",
            List.of("contrastive", "bce"), "Head of challengers (must match the champion for warm start).");
    public static final ConfigField TRAIN_MAX_EPOCHS = ConfigField.integer("train.max.epochs", 30, 1, 1000,
            "Epoch cap of a retraining round (early stopping usually ends it sooner).");
    public static final ConfigField TRAIN_SEED = ConfigField.longValue("train.seed", 42, Long.MIN_VALUE,
            Long.MAX_VALUE, "Seed of challenger training.");
    public static final ConfigField PUBLISH_STAGE = ConfigField.oneOf("retrain.publish.stage", "shadow",
            List.of("shadow", "full"), "How a retrained model that passed the gate goes out: as a shadow that the rollout"
                    + " controller promotes on live evidence (shadow -> canary -> full) or rolls back, or straight to all"
                    + " traffic (full).");
    public static final ConfigField ROLLOUT_AUTO = ConfigField.bool("rollout.auto", true,
            "The active retrainer promotes or rolls back the candidate in rollout (whoever published it) on the"
                    + " sequential test; false leaves every step to `models promote` / `models rollback`.");
    public static final ConfigField ROLLOUT_ALPHA = ConfigField.decimal("rollout.alpha", 0.05, 0.0001, 0.2,
            "Largest chance of promoting a candidate that is not better than the champion (and of rolling back one"
                    + " that is not worse), whatever the number of looks.");
    public static final ConfigField ROLLOUT_MIN_EFFECT = ConfigField.decimal("rollout.min.effect", 0.1, 0.01, 0.45,
            "Smallest improvement worth a promotion: the candidate's share of wins on the labeled pairs where exactly"
                    + " one of the two is right, above one half.");
    public static final ConfigField ROLLOUT_SHADOW_MIN_LABELS = ConfigField.integer("rollout.shadow.min.labels", 200, 1,
            10_000_000, "Labeled pairs scored by both models before a shadow may become a canary.");
    public static final ConfigField ROLLOUT_SHADOW_MAX = ConfigField.longValue("rollout.shadow.max.ms", 3_600_000, 1000,
            30L * 24 * 3_600_000, "A shadow without the evidence to become a canary within this long is rolled back.");
    public static final ConfigField ROLLOUT_CANARY_PERCENT = ConfigField.decimal("rollout.canary.percent", 20, 0.01,
            100, "Share of pair keys a canary decides (sticky per key).");
    public static final ConfigField ROLLOUT_CANARY_MIN_LABELS = ConfigField.integer("rollout.canary.min.labels", 100, 1,
            10_000_000, "Labeled decisions made by the canary itself before it may serve all pairs.");
    public static final ConfigField ROLLOUT_CANARY_MAX = ConfigField.longValue("rollout.canary.max.ms", 3_600_000, 1000,
            30L * 24 * 3_600_000, "A canary without the evidence to serve all pairs within this long is rolled back.");
    public static final ConfigField DRIFT_RETRAIN = ConfigField.bool("drift.retrain", true,
            "On a DRIFT event from the scorers: end a rollout in progress, keep only labels of pairs observed after the"
                    + " drift point, and retrain as soon as drift.min.labels of them are in (window and gate on the new"
                    + " distribution only).");
    public static final ConfigField DRIFT_MIN_LABELS = ConfigField.integer("drift.min.labels", 400, 10, 10_000_000,
            "Labels observed after a drift point that a drift round waits for.");
    public static final ConfigField METRICS_PORT = ConfigField.integer("metrics.port", 9465, -1, 65_535,
            "Port of /metrics, /health and /ready; 0 picks a free port, -1 disables the endpoint.");

    public static final ConfigField SIGNING_KEY_FILE = ConfigField.optional("signing.key.file",
            "Ed25519 private key (PKCS#8 PEM, from bin/simstream keys generate) that signs every published challenger;"
                    + " unset = unsigned (unless signing.key is set).");
    public static final ConfigField SIGNING_KEY = ConfigField.optional("signing.key",
            "The same key as PEM text, for a secret mounted as the environment variable SIMSTREAM_SIGNING_KEY;"
                    + " never logged. Give this or signing.key.file, not both.");

    public static final List<ConfigField> OWN_FIELDS = List.of(APPLICATION_ID, ScoringConfig.MODEL_NAME, WINDOW_SIZE, EVERY_LABELS,
            EVERY_MS, MIN_LABELS, HOLDOUT, WARM_START, GATE_METRIC, GATE_TOLERANCE, GATE_MINIMUM, LABEL_DELAY, SESSION_TIMEOUT,
            TRAIN_HEAD, TRAIN_MAX_EPOCHS, TRAIN_SEED, PUBLISH_STAGE, ROLLOUT_AUTO, ROLLOUT_ALPHA, ROLLOUT_MIN_EFFECT,
            ROLLOUT_SHADOW_MIN_LABELS, ROLLOUT_SHADOW_MAX, ROLLOUT_CANARY_PERCENT, ROLLOUT_CANARY_MIN_LABELS,
            ROLLOUT_CANARY_MAX, DRIFT_RETRAIN, DRIFT_MIN_LABELS, ScoringConfig.STATE_DIR, ScoringConfig.COMMIT_INTERVAL,
            METRICS_PORT, SIGNING_KEY_FILE, SIGNING_KEY, ScoringConfig.TRUST_MODE, ScoringConfig.TRUST_KEYS);
    public static final List<ConfigField> FIELDS = ScoringConfig.with(ClusterConfig.FIELDS, OWN_FIELDS);

    /** The cluster's checks plus the retrainer's own. */
    public static final List<CrossCheck> CHECKS = checks();

    private static List<CrossCheck> checks() {
        List<CrossCheck> c = new ArrayList<>(ScoringConfig.withTrustCheck(ClusterConfig.CHECKS));
        c.add(new CrossCheck(v -> !v.get(SIGNING_KEY_FILE).isBlank() && !v.get(SIGNING_KEY).isBlank()
                ? "give " + SIGNING_KEY_FILE.name() + " or " + SIGNING_KEY.name() + " (" + SIGNING_KEY.envName()
                        + "), not both: which key signs must not be a guess" : null));
        c.add(new CrossCheck(v -> v.getInt(MIN_LABELS) > v.getInt(WINDOW_SIZE)
                ? MIN_LABELS.name() + " (" + v.getInt(MIN_LABELS) + ") must be <= " + WINDOW_SIZE.name() + " ("
                        + v.getInt(WINDOW_SIZE) + "): the window never holds that many labels, so it would never retrain"
                : null));
        return List.copyOf(c);
    }

    private final DeclaredConfig config;

    private RetrainConfig(DeclaredConfig config) {
        this.config = config;
    }

    public static RetrainConfig load(Path file, Map<String, String> env, Map<String, String> flags) {
        return new RetrainConfig(DeclaredConfig.load(FIELDS, CHECKS, file, env, flags));
    }

    public static RetrainConfig of(Map<String, String> settings) {
        return new RetrainConfig(DeclaredConfig.of(FIELDS, CHECKS, settings));
    }

    public DeclaredConfig values() {
        return config;
    }

    public int labelPartitions() {
        return config.getInt(TopicSettings.LABEL_PARTITIONS);
    }

    public int metricsPort() {
        return config.getInt(METRICS_PORT);
    }

    public ClusterConfig cluster() {
        return new ClusterConfig(config);
    }

    public Map<String, Object> clientConfig() {
        return cluster().clientConfig();
    }

    public Map<String, String> registryClientSettings() {
        return cluster().registryClientSettings();
    }

    public static String describe() {
        return DeclaredConfig.describe(FIELDS);
    }
}
