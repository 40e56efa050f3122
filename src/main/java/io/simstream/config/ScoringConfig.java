package io.simstream.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The scoring service's settings, each declared once in {@link #FIELDS} (the cluster's from
 * {@link ClusterConfig}). Sources, later winning: defaults, a properties file, environment
 * variables, flags. Keys starting with "kafka." go to the Kafka clients and Streams with the
 * prefix removed (security settings, tuning); an undeclared key is an error.
 */
public final class ScoringConfig {
    /** Exactly-once (the default) or at-least-once delivery of decisions. */
    public enum Guarantee {
        EXACTLY_ONCE_V2("exactly_once_v2"), AT_LEAST_ONCE("at_least_once");

        private final String streamsValue;

        Guarantee(String streamsValue) {
            this.streamsValue = streamsValue;
        }

        public String streamsValue() {
            return streamsValue;
        }

        static Guarantee parse(String v) {
            return valueOf(v.trim().toUpperCase(Locale.ROOT));
        }
    }

    public static final ConfigField BOOTSTRAP = ClusterConfig.BOOTSTRAP;
    public static final ConfigField REGISTRY_URL = ClusterConfig.REGISTRY_URL;
    public static final ConfigField APPLICATION_ID = ConfigField.string("application.id", "simstream-scoring",
            "Kafka Streams application id: instances sharing it share the work.");
    public static final ConfigField MODEL_NAME = new ConfigField("model.name", ConfigField.Type.STRING, "default",
            v -> v.isBlank() ? "must not be empty" : v.indexOf('#') >= 0
                    ? "must not contain '#' (it separates the keys of candidates and chunks on the models topic)" : null,
            "Key on the models topic of the model this service serves.");
    public static final ConfigField INPUT_DIM = ConfigField.integer("model.input.dim", 0, 0, 1 << 20,
            "Input dimension a model must have to be accepted; 0 accepts the dimension the model declares.");
    public static final ConfigField CREATE_TOPICS = ConfigField.bool("topics.create", true,
            "Create missing topics at startup.");
    public static final ConfigField GUARANTEE = ConfigField.oneOf("processing.guarantee", "exactly_once_v2",
            List.of("exactly_once_v2", "at_least_once"), "Kafka Streams processing guarantee.");
    public static final ConfigField THREADS = ConfigField.integer("num.stream.threads", 1, 1, 64,
            "Stream threads in this instance.");
    public static final ConfigField COMMIT_INTERVAL = ConfigField.longValue("commit.interval.ms", 100, 1,
            3_600_000, "How often Streams commits; with exactly-once, the floor of end-to-end latency.");
    public static final ConfigField PROFILE = ConfigField.oneOf("profile", "throughput",
            List.of("throughput", "latency"), "Preset of producer batching, poll sizes and (exactly-once) commit interval:"
                    + " throughput (linger 100 ms, commit 100 ms) or latency (linger 0, commit 20 ms); kafka.* settings and"
                    + " an explicit commit.interval.ms win.");
    public static final ConfigField ROCKSDB_MEMORY = ConfigField.longValue("rocksdb.memory.bytes", 32L << 20, 1L << 20,
            1L << 40, "Off-heap memory all RocksDB stores of this process share (block cache with the memtables"
                    + " counted in it).");
    public static final ConfigField STATE_DIR = ConfigField.string("state.dir",
            Path.of(System.getProperty("java.io.tmpdir"), "simstream-streams").toString(),
            "Directory of local state (the model store and waiting pairs); one per instance.");
    public static final ConfigField DRAIN_INTERVAL = ConfigField.longValue("waiting.drain.interval.ms", 200, 10,
            60_000, "How often pairs that arrived before any model are re-checked.");
    public static final ConfigField WAITING_MAX_PAIRS = ConfigField.integer("waiting.max.pairs", 100_000, 1,
            100_000_000, "At most this many pairs wait for a first model (per instance); beyond it, and beyond"
                    + " waiting.max.bytes, new pairs are dead-lettered as BUFFER_FULL with their exact bytes.");
    public static final ConfigField WAITING_MAX_BYTES = ConfigField.longValue("waiting.max.bytes", 64L << 20,
            1024, 1L << 40, "At most this many bytes (key, value and headers) of pairs wait for a first model (per"
                    + " instance); they are held on the heap (an in-memory store with a changelog): leave room in -Xmx.");
    public static final ConfigField WAITING_DRAIN_BATCH = ConfigField.integer("waiting.drain.batch", 500, 1,
            100_000, "Waiting pairs read from the store per drain step once a model serves: bounds the memory of a drain.");
    public static final ConfigField METRICS_PORT = ConfigField.integer("metrics.port", 9464, -1, 65_535,
            "Port of /metrics, /health and /ready; 0 picks a free port, -1 disables the endpoint.");
    public static final ConfigField REGISTRY_WAIT = ConfigField.longValue("registry.wait.max.ms", 60_000, 1_000,
            600_000, "How long a stream thread waits out a schema-registry fault on one pair before its thread is"
                    + " replaced (the pair is never dead-lettered for it); the producer's transaction.timeout.ms"
                    + " and max.poll.interval.ms are raised to this plus 60 s.");
    public static final ConfigField SHUTDOWN_TIMEOUT = ConfigField.longValue("shutdown.timeout.ms", 30_000, 0,
            600_000, "How long a shutdown waits for Streams to close.");

    public static final ConfigField DRIFT_ENABLED = ConfigField.bool("drift.enabled", true,
            "Watch each served model version's scores and inputs against the reference its artifact carries, and"
                    + " raise DRIFT model events (docs/drift.md).");
    public static final ConfigField DRIFT_WINDOW = ConfigField.integer("drift.window.pairs", 200, 20, 1_000_000,
            "Pairs per tumbling window, each tested against the reference; smaller windows react sooner but see"
                    + " only large shifts.");
    public static final ConfigField DRIFT_ALPHA = ConfigField.decimal("drift.alpha", 0.001, 1e-9, 0.5,
            "False-positive probability allowed per window for all tests together (each test at alpha / tests).");
    public static final ConfigField DRIFT_PERSISTENCE = ConfigField.integer("drift.persistence", 2, 1, 1000,
            "Consecutive alarming windows that raise an alarm (chance alarms about alpha^persistence per window).");
    public static final ConfigField DRIFT_REARM = ConfigField.integer("drift.rearm.windows", 5, 1, 1_000_000,
            "Quiet windows after an alarm before another may be raised: one drift episode, one alarm.");
    public static final ConfigField DRIFT_SCORE_TEST = ConfigField.bool("drift.score.test", true,
            "Test the score distribution (KS, with PSI as its effect size); a change in class balance moves it too.");
    public static final ConfigField DRIFT_MIN_PSI = ConfigField.decimal("drift.min.psi", 0.25, 0, 10,
            "Least PSI of a window's scores for the score test to count.");
    public static final ConfigField DRIFT_INPUT_TEST = ConfigField.bool("drift.input.test", true,
            "Test the model's scaled inputs (label-free covariate shift: their centre and mean squared norm).");
    public static final ConfigField DRIFT_MIN_INPUT_SHIFT = ConfigField.decimal("drift.min.input.shift", 0.25, 0, 10,
            "Least input effect for the input tests to count (share of the inputs' RMS spread, or of the norm).");

    /** The instance.id value that turns static membership off. */
    public static final String NO_INSTANCE_ID = "none";
    /** The instance.id value that derives it from the host name and state.dir. */
    public static final String AUTO_INSTANCE_ID = "auto";
    public static final ConfigField INSTANCE_ID = new ConfigField("instance.id", ConfigField.Type.STRING,
            AUTO_INSTANCE_ID, v -> v.matches("[A-Za-z0-9._-]{1,200}") ? null
                    : "must be 1-200 characters of A-Z a-z 0-9 . _ -",
            "Stable name of this instance for static group membership (group.instance.id = application.id-"
                    + "instance.id-thread): an instance restarted after a crash gets its partitions back at once"
                    + " instead of after the dead member's session timeout. Must be unique among running instances."
                    + " 'auto' = host name + a hash of state.dir; 'none' = dynamic membership.");
    public static final ConfigField SESSION_TIMEOUT = ConfigField.longValue("session.timeout.ms", 30_000, 6_000,
            1_800_000, "How long the group waits for an instance that stopped heartbeating before its partitions go"
                    + " to the others; with static membership also how long a crashed instance that does not come"
                    + " back holds them.");
    /** The group.protocol values: Kafka's client-side rebalance protocol, and KIP-1071's broker-side one. */
    public static final String CLASSIC_PROTOCOL = "classic";
    public static final String STREAMS_PROTOCOL = "streams";
    public static final ConfigField GROUP_PROTOCOL = ConfigField.oneOf("group.protocol", CLASSIC_PROTOCOL,
            List.of(CLASSIC_PROTOCOL, STREAMS_PROTOCOL), "Kafka Streams rebalance protocol. classic: the instances"
                    + " assign tasks among themselves; static membership (instance.id) and session.timeout.ms apply."
                    + " streams (KIP-1071): the broker assigns tasks; needs brokers 4.2+ (feature streams.version=1,"
                    + " on by default in new clusters); Kafka 4.3 has no static membership with it (instance.id is"
                    + " not used), and the session timeout is the group's streams.session.timeout.ms (broker default"
                    + " group.streams.session.timeout.ms, 45 s). Moving a group between protocols needs every"
                    + " instance stopped first.");
    public static final ConfigField LEAVE_GROUP_ON_SHUTDOWN = ConfigField.bool("shutdown.leave.group", true,
            "On a requested shutdown, leave the group so other instances take over at once (true), or keep"
                    + " the partitions for session.timeout.ms so a quick restart finds them unmoved (false).");

    public static final ConfigField TRUST_MODE = ConfigField.oneOf("model.trust.mode", "warn",
            List.of("off", "warn", "require"), "What a model's signature must be for it to serve: require = signed by a"
                    + " key in model.trust.keys (anything else is rejected and counted, the serving model stays); warn"
                    + " = accepted with a WARN and simstream_model_untrusted_total; off = not checked.");
    public static final ConfigField TRUST_KEYS = ConfigField.optional("model.trust.keys",
            "Public keys whose model signatures are trusted: comma-separated files and/or directories of *.pub and"
                    + " *.pem (X.509 PEM, from bin/simstream keys generate); read at startup.");

    public static final ConfigField REFERENCE_TIMEOUT = ConfigField.longValue("model.reference.timeout.ms", 120_000,
            1_000, 3_600_000, "Bound on one attempt to read a REFERENCE model record's artifact (connect, headers and"
                    + " the whole body).");
    public static final ConfigField REFERENCE_RETRY = ConfigField.longValue("model.reference.retry.ms", 300_000, 0,
            86_400_000, "How long transport errors reading a model reference (unreachable URL, timeout, HTTP 5xx,"
                    + " missing file) are retried, with backoff, before the record is rejected and counted; the"
                    + " serving model keeps serving meanwhile, and later model records wait behind it.");
    public static final ConfigField REFERENCE_MAX_BYTES = ConfigField.longValue("model.reference.max.bytes", 4L << 30,
            1L << 10, 1L << 40, "The largest artifact a model reference may point at; a larger one is rejected unread.");

    public static final List<ConfigField> OWN_FIELDS = List.of(APPLICATION_ID, MODEL_NAME,
            INPUT_DIM, CREATE_TOPICS,
            GUARANTEE, THREADS, PROFILE, COMMIT_INTERVAL, ROCKSDB_MEMORY, STATE_DIR, DRAIN_INTERVAL, WAITING_MAX_PAIRS,
            WAITING_MAX_BYTES, WAITING_DRAIN_BATCH, METRICS_PORT, REGISTRY_WAIT, SHUTDOWN_TIMEOUT, INSTANCE_ID,
            SESSION_TIMEOUT, GROUP_PROTOCOL, LEAVE_GROUP_ON_SHUTDOWN, DRIFT_ENABLED, DRIFT_WINDOW, DRIFT_ALPHA,
            DRIFT_PERSISTENCE, DRIFT_REARM, DRIFT_SCORE_TEST, DRIFT_MIN_PSI, DRIFT_INPUT_TEST, DRIFT_MIN_INPUT_SHIFT,
            TRUST_MODE, TRUST_KEYS, REFERENCE_TIMEOUT, REFERENCE_RETRY, REFERENCE_MAX_BYTES);

    /**
     * The scorer's registry client answers quickly and retries little by itself: RegistryWait does
     * the waiting (registry.wait.max.ms), and one slow call must stay well inside that budget plus
     * the transaction margin. Given values still win.
     */
    static final Map<String, String> SERVE_REGISTRY_DEFAULTS = Map.of(ClusterConfig.READ_TIMEOUT.name(), "5000",
            ClusterConfig.CONNECT_TIMEOUT.name(), "5000", ClusterConfig.MAX_RETRIES.name(), "1");

    public static final List<ConfigField> FIELDS = with(ClusterConfig.FIELDS.stream()
            .map(f -> SERVE_REGISTRY_DEFAULTS.containsKey(f.name()) ? f.withDefault(SERVE_REGISTRY_DEFAULTS.get(f.name())) : f)
            .toList(), OWN_FIELDS);

    /** The cluster's checks plus: require without keys would reject every model; the group protocol's; drift's. */
    public static final List<CrossCheck> CHECKS = withDriftCheck(withProtocolChecks(withTrustCheck(ClusterConfig.CHECKS)));

    private static List<CrossCheck> withDriftCheck(List<CrossCheck> checks) {
        List<CrossCheck> c = new ArrayList<>(checks);
        c.add(new CrossCheck(v -> v.getBoolean(DRIFT_ENABLED) && !v.getBoolean(DRIFT_SCORE_TEST)
                && !v.getBoolean(DRIFT_INPUT_TEST) ? DRIFT_ENABLED.name() + "=true needs " + DRIFT_SCORE_TEST.name()
                + " or " + DRIFT_INPUT_TEST.name() + " (or turn drift off)" : null));
        return List.copyOf(c);
    }

    /**
     * Settings that mean nothing under group.protocol=streams are refused rather than ignored: a
     * pinned instance.id would silently lose the quick crash recovery it was set for (Streams 4.3
     * rejects group.instance.id with that protocol), and a client session.timeout.ms is ignored there
     * (the group's streams.session.timeout.ms rules). kafka.group.protocol would bypass both checks.
     */
    static List<CrossCheck> withProtocolChecks(List<CrossCheck> checks) {
        List<CrossCheck> c = new ArrayList<>(checks);
        c.add(new CrossCheck(v -> v.kafkaOverrides().containsKey(GROUP_PROTOCOL.name())
                ? "kafka." + GROUP_PROTOCOL.name() + " is not passed through: set " + GROUP_PROTOCOL.name()
                        + " (serve derives static membership and the session timeout from it)" : null));
        c.add(new CrossCheck(v -> isStreamsProtocol(v) && !v.get(INSTANCE_ID).equalsIgnoreCase(AUTO_INSTANCE_ID)
                && !v.get(INSTANCE_ID).equalsIgnoreCase(NO_INSTANCE_ID)
                ? INSTANCE_ID.name() + "=" + v.get(INSTANCE_ID) + " asks for static membership, which Kafka 4.3 does not"
                        + " support with " + GROUP_PROTOCOL.name() + "=streams: remove it (or set 'none'), or use "
                        + GROUP_PROTOCOL.name() + "=classic" : null));
        c.add(new CrossCheck(v -> isStreamsProtocol(v) && !v.get(SESSION_TIMEOUT).equals(SESSION_TIMEOUT.defaultValue())
                ? SESSION_TIMEOUT.name() + " is a client setting of the classic protocol; with " + GROUP_PROTOCOL.name()
                        + "=streams the group's session timeout is streams.session.timeout.ms (kafka-configs.sh"
                        + " --entity-type groups --entity-name <application.id> --alter --add-config"
                        + " streams.session.timeout.ms=...), within the broker's group.streams.min/max.session.timeout.ms"
                : null));
        return List.copyOf(c);
    }

    private static boolean isStreamsProtocol(DeclaredConfig v) {
        return v.get(GROUP_PROTOCOL).equalsIgnoreCase(STREAMS_PROTOCOL);
    }

    /** checks plus the one that model.trust.mode=require comes with keys (the retrainer's too). */
    static List<CrossCheck> withTrustCheck(List<CrossCheck> checks) {
        List<CrossCheck> c = new ArrayList<>(checks);
        c.add(new CrossCheck(v -> v.get(TRUST_MODE).equalsIgnoreCase("require") && v.get(TRUST_KEYS).isBlank()
                ? TRUST_MODE.name() + "=require needs " + TRUST_KEYS.name() + ": the public keys whose signatures are"
                        + " trusted (without any, every model would be rejected)" : null));
        return List.copyOf(c);
    }

    /** Fields of a command: the cluster's, then its own. */
    static List<ConfigField> with(List<ConfigField> cluster, List<ConfigField> own) {
        return ClusterConfig.concat(cluster, own);
    }

    private final DeclaredConfig values;

    private ScoringConfig(DeclaredConfig values) {
        this.values = values;
    }

    /**
     * Resolves and validates all settings. file may be null; env is usually System.getenv();
     * flags are name=value pairs given on the command line.
     */
    public static ScoringConfig load(Path file, Map<String, String> env, Map<String, String> flags) {
        return new ScoringConfig(DeclaredConfig.load(FIELDS, CHECKS, file, env, flags));
    }

    /** From one map of settings (tests, embedded use). */
    public static ScoringConfig of(Map<String, String> settings) {
        return new ScoringConfig(DeclaredConfig.of(FIELDS, CHECKS, settings));
    }

    public String get(ConfigField f) {
        return values.get(f);
    }

    public int getInt(ConfigField f) {
        return values.getInt(f);
    }

    public long getLong(ConfigField f) {
        return values.getLong(f);
    }

    public boolean getBoolean(ConfigField f) {
        return values.getBoolean(f);
    }

    /** True under group.protocol=streams (KIP-1071). */
    public boolean streamsProtocol() {
        return isStreamsProtocol(values);
    }

    public Guarantee guarantee() {
        return Guarantee.parse(get(GUARANTEE));
    }

    public Duration drainInterval() {
        return Duration.ofMillis(getLong(DRAIN_INTERVAL));
    }

    public Duration registryWait() {
        return Duration.ofMillis(getLong(REGISTRY_WAIT));
    }

    public Duration shutdownTimeout() {
        return Duration.ofMillis(getLong(SHUTDOWN_TIMEOUT));
    }

    /** Every resolved setting, for readers in other packages (topic names). */
    public DeclaredConfig values() {
        return values;
    }

    /** How to reach Kafka and the registry. */
    public ClusterConfig cluster() {
        return new ClusterConfig(values);
    }

    /** Settings passed through to Kafka clients and Streams (security, tuning), prefix removed. */
    public Map<String, String> kafkaOverrides() {
        return values.kafkaOverrides();
    }

    /** The registry client's settings under Confluent's names (see {@link ClusterConfig#registryClientSettings()}). */
    public Map<String, String> registryClientSettings() {
        return cluster().registryClientSettings();
    }

    /** Config for plain Kafka clients (admin, producers, consumers): bootstrap plus the pass-through. */
    public Map<String, Object> clientConfig() {
        return cluster().clientConfig();
    }

    /** The --help text: every field with type, default and env name. */
    public static String describe() {
        return DeclaredConfig.describe(FIELDS);
    }
}
