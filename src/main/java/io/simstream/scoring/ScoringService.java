package io.simstream.scoring;

import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.simstream.UserInputException;
import io.simstream.config.ScoringConfig;
import io.simstream.config.TopicSettings;
import io.simstream.deadletter.DeadLetterDeserializationHandler;
import io.simstream.deadletter.DeadLetterProcessingHandler;
import io.simstream.deadletter.DeadLetterProductionHandler;
import io.simstream.lifecycle.ModelLoader;
import io.simstream.lifecycle.PairScorerFactory;
import io.simstream.lifecycle.ReferenceFetcher;
import io.simstream.lifecycle.TrustPolicy;
import io.simstream.observability.MetricsServer;
import io.simstream.observability.StreamsStoreTags;
import io.simstream.registry.AvroSerde;
import io.simstream.registry.RegistryWait;
import io.simstream.registry.SchemaRegistry;
import io.simstream.topics.TopicAdmin;
import io.simstream.topics.TopicChecks;
import io.simstream.topics.TopicNames;
import io.simstream.topics.TopicSpec;
import io.simstream.topics.Topics;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running instance of the scoring service: topics ensured, topology started, metrics served.
 * Built from a resolved {@link ScoringConfig} and a schema registry client.
 */
public final class ScoringService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ScoringService.class);
    /** transaction.timeout.ms and max.poll.interval.ms are at least registry.wait.max.ms plus this. */
    public static final long REGISTRY_WAIT_MARGIN_MS = 60_000;

    private final ScoringConfig config;
    private final ScoringSettings settings;
    private final LiveModel live;
    private final PrometheusMeterRegistry meters;
    private final ScoringMetrics metrics;
    private final Topics topics;
    private final RegistryWait pairWait;
    private final RegistryWait modelWait;
    private final RegistryWait startupWait;
    private volatile String phase = "starting";
    private final Topology topology;
    private final WaitingBuffer waiting;
    /** null until start() built it (after /health answers). */
    private volatile KafkaStreams streams;
    private KafkaStreamsMetrics streamsMetrics;
    private MetricsServer metricsServer;
    private final AtomicBoolean closed = new AtomicBoolean();

    /** Assembles the parts (no I/O: nothing connects before start()). */
    private ScoringService(ScoringConfig config, SchemaRegistry registry, PairScorerFactory scorers) {
        this.config = config;
        this.settings = ScoringSettings.from(config);
        this.live = new LiveModel(settings.modelName());
        this.meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        meters.config().meterFilter(new StreamsStoreTags());
        this.metrics = new ScoringMetrics(meters, live);
        // Pairs are input: their subject is read, never written.
        this.topics = Topics.forScorer(TopicNames.of(config.values()), registry, settings.pairPartitions());
        this.pairWait = new RegistryWait(settings.registryWait());
        this.modelWait = RegistryWait.unbounded();
        this.startupWait = RegistryWait.unbounded();
        this.waiting = new WaitingBuffer(settings.waitingMaxPairs(), settings.waitingMaxBytes(),
                settings.waitingDrainBatch());
        waiting.bindTo(meters);
        TrustPolicy trust = TrustPolicy.of(settings.trustMode(), settings.trustKeys(), metrics::modelUntrusted);
        LOG.info("model trust: {}", trust.describe());
        ReferenceFetcher references = new ReferenceFetcher(settings.references(), metrics::modelReferenceRetried);
        ModelLoader loader = new ModelLoader(scorers, settings.inputDim(), Clock.systemUTC(), trust, references);
        String instance = StaticMembership.groupInstanceId(config);
        DriftMonitors drift = new DriftMonitors(settings.drift(), meters, live,
                instance != null ? instance : StaticMembership.hostName());
        this.topology = ScoringTopology.build(topics, new ScoringRuntime(settings.applicationId(), live, loader, metrics,
                waiting, settings.drainInterval(), pairWait, modelWait, Clock.systemUTC(), drift));
    }

    /**
     * Building KafkaStreams creates its clients and state directory (seconds on a busy machine), so
     * it happens after /health already answers: a restarting instance is live, not ready.
     */
    private void createStreams() {
        phase = "starting Kafka Streams";
        KafkaStreams s = new KafkaStreams(topology, streamsProperties(config, topics, metrics));
        s.setUncaughtExceptionHandler(new ReplaceThreadHandler(5, Duration.ofMinutes(10), Clock.systemUTC()));
        // Timestamps of these transitions are how a slow recovery is told apart from a slow restore.
        s.setStateListener((now, before) -> LOG.info("Kafka Streams {} -> {}", before, now));
        this.streamsMetrics = new KafkaStreamsMetrics(s);
        streamsMetrics.bindTo(meters);
        this.streams = s;
    }

    /**
     * Serves /health and /ready first (so a probe sees a live, not-ready process while it waits),
     * then ensures the topics, resolves every output schema (a registry that is down now makes
     * this wait, never exit, and /ready say so), and only then starts Streams: a dead letter or a
     * decision produced later never needs the registry.
     */
    public static ScoringService start(ScoringConfig config, SchemaRegistry registry, PairScorerFactory scorers) {
        return start(config, registry, scorers, s -> { });
    }

    /** created sees the service before it waits for anything, so a shutdown can abort the startup. */
    public static ScoringService start(ScoringConfig config, SchemaRegistry registry, PairScorerFactory scorers,
                                       Consumer<ScoringService> created) {
        ScoringService service = new ScoringService(config, registry, scorers);
        created.accept(service);
        int port = service.settings.metricsPort();
        if (port >= 0) {
            service.metricsServer = MetricsServer.start(port, service.meters, service::isAlive,
                    service::notReadyReason, service::readyStatus);
            LOG.info("metrics on http://localhost:{}/metrics", service.metricsServer.port());
        }
        try {
            service.createStreams();
            service.prepare();
        } catch (RuntimeException e) {
            service.close();
            throw e;
        }
        service.streams.start();
        return service;
    }

    private void prepare() {
        if (settings.createTopics()) {
            phase = "creating topics";
            TopicAdmin.createMissing(config.clientConfig(), topics.scoring());
        }
        phase = "checking the models topic";
        TopicChecks.requireModelsTopic(config.clientConfig(), topics.models().name(), 0);
        for (TopicSpec<?, ?> out : List.of(topics.decisions(), topics.decisionsShadow(), topics.deadLetters(),
                topics.modelEvents())) {
            phase = "resolving the schema of output topic " + out.name();
            if (out.valueSerde() instanceof AvroSerde<?> serde) {
                int id = startupWait.call("resolve the schema of output topic " + out.name(),
                        () -> serde.resolveWriterId(out.name()));
                LOG.info("output topic {} writes schema id {}", out.name(), id);
            }
        }
        phase = null;
    }

    static Properties streamsProperties(ScoringConfig config, Topics topics, ScoringMetrics metrics) {
        Properties p = new Properties();
        ScoringSettings s = ScoringSettings.from(config);
        ScoringProfile profile = ScoringProfile.of(config);
        p.putAll(profile.clientSettings());
        p.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDbConfig.class);
        p.put(BoundedRocksDbConfig.TOTAL_BYTES_CONFIG, s.rocksDbMemoryBytes());
        p.putAll(config.kafkaOverrides());
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, s.applicationId());
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.get(ScoringConfig.BOOTSTRAP));
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, config.guarantee().streamsValue());
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, s.threads());
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, profile.commitIntervalMs(config));
        p.put(StreamsConfig.STATE_DIR_CONFIG, s.stateDir());
        p.put(StreamsConfig.GROUP_PROTOCOL_CONFIG, config.streamsProtocol() ? ScoringConfig.STREAMS_PROTOCOL
                : ScoringConfig.CLASSIC_PROTOCOL);
        if (config.streamsProtocol()) {
            // KIP-1071: the broker assigns tasks and owns the session timeout (a group config); a client
            // session.timeout.ms would only be ignored, and static membership is refused (StaticMembership).
            LOG.info("group protocol streams (KIP-1071): broker-side assignment, dynamic membership, the group's"
                    + " streams.session.timeout.ms");
        } else {
            // Crash recovery in seconds: see StaticMembership. Explicit kafka.* overrides still win.
            String instanceId = StaticMembership.groupInstanceId(config);
            if (instanceId != null) {
                LOG.info("static group membership: group.instance.id {}-<thread>", instanceId);
                p.putIfAbsent(StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), instanceId);
            }
            p.putIfAbsent(StreamsConfig.mainConsumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG),
                    (int) s.sessionTimeout().toMillis());
        }
        // A stream thread may wait up to registry.wait.max.ms on one pair inside its transaction
        // (RegistryWait): the broker must not abort that transaction, nor the group evict the member,
        // meanwhile. The margin covers the registry call in flight when the budget runs out.
        long txBudget = config.registryWait().toMillis() + REGISTRY_WAIT_MARGIN_MS;
        p.putIfAbsent(StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG), (int) txBudget);
        p.putIfAbsent(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG),
                (int) Math.max(txBudget, 300_000));
        checkAtLeast(p, StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG), txBudget);
        checkAtLeast(p, StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG), txBudget);
        p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterDeserializationHandler.class);
        p.putAll(DeadLetterDeserializationHandler.configs(topics.pairs().name(), topics.deadLetters().name(),
                topics.deadLetters().valueSerde().serializer(), metrics, s.applicationId()));
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterProcessingHandler.class);
        p.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterProductionHandler.class);
        // A new instance reads pairs already waiting on the topic instead of skipping them.
        p.putIfAbsent(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
        // Model records are far larger than pairs.
        p.putIfAbsent(StreamsConfig.globalConsumerPrefix("max.partition.fetch.bytes"), Topics.MODEL_MAX_MESSAGE_BYTES);
        // Under at-least-once Streams leaves its consumers at read_uncommitted: a rollout step or a model
        // whose publish transaction is still open (or was aborted) must never reach the store.
        p.put(StreamsConfig.globalConsumerPrefix(ConsumerConfig.ISOLATION_LEVEL_CONFIG), "read_committed");
        return p;
    }

    private static void checkAtLeast(Properties p, String key, long min) {
        long v = Long.parseLong(String.valueOf(p.get(key)));
        if (v < min) {
            throw new UserInputException("setting '" + key + "' = " + v + " is below registry.wait.max.ms + "
                    + REGISTRY_WAIT_MARGIN_MS + " ms = " + min + ": a stream thread waiting out a registry fault"
                    + " would lose its transaction or its group membership; raise it or lower registry.wait.max.ms");
        }
    }

    public KafkaStreams streams() {
        return streams;
    }

    public LiveModel liveModel() {
        return live;
    }

    public WaitingBuffer waitingBuffer() {
        return waiting;
    }

    public ScoringMetrics metrics() {
        return metrics;
    }

    public PrometheusMeterRegistry meterRegistry() {
        return meters;
    }

    /** The metrics endpoint's port, or -1 when it is disabled. */
    public int metricsPort() {
        return metricsServer == null ? -1 : metricsServer.port();
    }

    public boolean isAlive() {
        if (streams == null) {
            return !closed.get();
        }
        KafkaStreams.State s = streams.state();
        return s != KafkaStreams.State.ERROR && s != KafkaStreams.State.NOT_RUNNING
                && s != KafkaStreams.State.PENDING_ERROR;
    }

    public boolean isReady() {
        return notReadyReason() == null;
    }

    /** null when RUNNING with a model loaded, else what is missing. */
    public String notReadyReason() {
        for (RegistryWait w : List.of(startupWait, pairWait, modelWait)) {
            String outage = w.currentOutage();
            if (outage != null) {
                return outage;
            }
        }
        String p = phase;
        if (p != null) {
            return p;
        }
        KafkaStreams.State s = streams.state();
        if (s != KafkaStreams.State.RUNNING) {
            return "streams state " + s;
        }
        if (!live.isLoaded()) {
            String rejected = metrics.lastRejection();
            return "no model '" + live.name() + "' loaded yet" + (rejected == null ? "" : "; last rejected " + rejected)
                    + (waiting.pairs() > 0 || waiting.isFull() ? "; " + waiting.status() : "");
        }
        return null;
    }

    /**
     * The body of a 200 /ready: the serving version and who signed it, a candidate in rollout (stage and
     * signer), and the last refused model record.
     */
    public String readyStatus() {
        String rejected = metrics.lastRejection();
        Deployment d = live.deployment();
        return "ready: serving model '" + live.name() + "' v" + live.version()
                + (d.champion() == null ? "" : " (" + d.champion().trust().describe() + ")")
                + (d.hasCandidate() ? "; candidate v" + d.candidate().version() + " (" + d.rolloutDescription() + ", "
                        + d.candidate().trust().describe() + ")" : "")
                + (rejected == null ? "" : "; last rejected " + rejected);
    }

    /** Ends a startup that is waiting for the registry: start() then throws. */
    public void abortStartup() {
        startupWait.stop();
    }

    /** Idempotent: the shutdown hook and an error path may both call it. */
    public void close(Duration timeout) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        startupWait.stop();
        pairWait.stop();
        modelWait.stop();
        if (metricsServer != null) {
            metricsServer.close();
        }
        // A static member that just closes keeps its partitions until its session times out: good for a
        // quick restart, a stall for everyone else on a scale-down. shutdown.leave.group chooses.
        if (streams == null) {
            meters.close();
            return;
        }
        boolean leave = settings.leaveGroupOnShutdown();
        boolean closed = streams.close(CloseOptions.timeout(timeout).withGroupMembershipOperation(leave
                ? CloseOptions.GroupMembershipOperation.LEAVE_GROUP
                : CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP));
        if (!closed) {
            LOG.warn("Kafka Streams did not close within {}", timeout);
        }
        streamsMetrics.close();
        meters.close();
    }

    @Override
    public void close() {
        close(settings.shutdownTimeout());
    }
}
