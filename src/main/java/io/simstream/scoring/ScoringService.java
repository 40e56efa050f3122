package io.simstream.scoring;

import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.simstream.config.ScoringConfig;
import io.simstream.lifecycle.ModelLoader;
import io.simstream.lifecycle.PairScorerFactory;
import io.simstream.metrics.MetricsServer;
import io.simstream.registry.SchemaRegistry;
import io.simstream.topics.TopicAdmin;
import io.simstream.topics.TopicChecks;
import io.simstream.topics.TopicNames;
import io.simstream.topics.Topics;
import java.time.Clock;
import java.time.Duration;
import java.util.Properties;
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

    private final ScoringConfig config;
    private final LiveModel live;
    private final PrometheusMeterRegistry meters;
    private final ScoringMetrics metrics;
    private final KafkaStreams streams;
    private final KafkaStreamsMetrics streamsMetrics;
    private MetricsServer metricsServer;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    private ScoringService(ScoringConfig config, SchemaRegistry registry, PairScorerFactory scorers) {
        this.config = config;
        this.live = new LiveModel(config.get(ScoringConfig.MODEL_NAME));
        this.meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        this.metrics = new ScoringMetrics(meters, live);
        Topics topics = Topics.forServices(TopicNames.of(config), registry, config.getInt(ScoringConfig.PAIR_PARTITIONS));
        if (config.getBoolean(ScoringConfig.CREATE_TOPICS)) {
            TopicAdmin.createMissing(config.clientConfig(), topics.all());
        }
        TopicChecks.requireModelsTopic(config.clientConfig(), topics.models().name(), 0);
        String appId = config.get(ScoringConfig.APPLICATION_ID);
        ModelLoader loader = new ModelLoader(scorers, config.getInt(ScoringConfig.INPUT_DIM), Clock.systemUTC());
        Topology topology = ScoringTopology.build(topics,
                new ScoringTopology.Settings(appId, topics.pairs().name(), config.drainInterval()),
                live, loader, metrics, Clock.systemUTC());
        this.streams = new KafkaStreams(topology, streamsProperties(config, topics, metrics));
        this.streamsMetrics = new KafkaStreamsMetrics(streams);
        streamsMetrics.bindTo(meters);
    }

    /** Starts Streams and, unless disabled, the metrics endpoint. */
    public static ScoringService start(ScoringConfig config, SchemaRegistry registry, PairScorerFactory scorers) {
        ScoringService service = new ScoringService(config, registry, scorers);
        service.streams.start();
        int port = config.getInt(ScoringConfig.METRICS_PORT);
        if (port >= 0) {
            service.metricsServer = MetricsServer.start(port, service.meters, service::isAlive, service::notReadyReason);
            LOG.info("metrics on http://localhost:{}/metrics", service.metricsServer.port());
        }
        return service;
    }

    static Properties streamsProperties(ScoringConfig config, Topics topics, ScoringMetrics metrics) {
        Properties p = new Properties();
        ScoringProfile profile = ScoringProfile.of(config);
        p.putAll(profile.clientSettings());
        p.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDbConfig.class);
        p.put(BoundedRocksDbConfig.TOTAL_BYTES_CONFIG, config.getLong(ScoringConfig.ROCKSDB_MEMORY));
        p.putAll(config.kafkaOverrides());
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.get(ScoringConfig.APPLICATION_ID));
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.get(ScoringConfig.BOOTSTRAP));
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, config.guarantee().streamsValue());
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.getInt(ScoringConfig.THREADS));
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, profile.commitIntervalMs(config));
        p.put(StreamsConfig.STATE_DIR_CONFIG, config.get(ScoringConfig.STATE_DIR));
        p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterDeserializationHandler.class);
        p.putAll(DeadLetterDeserializationHandler.configs(topics.pairs().name(), topics.deadLetters().name(),
                topics.deadLetters().valueSerde().serializer(), metrics, config.get(ScoringConfig.APPLICATION_ID)));
        // A new instance reads pairs already waiting on the topic instead of skipping them.
        p.putIfAbsent(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
        // Model records are far larger than pairs.
        p.putIfAbsent(StreamsConfig.globalConsumerPrefix("max.partition.fetch.bytes"), Topics.MODEL_MAX_MESSAGE_BYTES);
        return p;
    }

    public KafkaStreams streams() {
        return streams;
    }

    public LiveModel liveModel() {
        return live;
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
        KafkaStreams.State s = streams.state();
        return s != KafkaStreams.State.ERROR && s != KafkaStreams.State.NOT_RUNNING
                && s != KafkaStreams.State.PENDING_ERROR;
    }

    public boolean isReady() {
        return notReadyReason() == null;
    }

    /** null when RUNNING with a model loaded, else what is missing. */
    public String notReadyReason() {
        KafkaStreams.State s = streams.state();
        if (s != KafkaStreams.State.RUNNING) {
            return "streams state " + s;
        }
        return live.isLoaded() ? null : "no model '" + live.name() + "' loaded yet";
    }

    /** Idempotent: the shutdown hook and an error path may both call it. */
    public void close(Duration timeout) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (metricsServer != null) {
            metricsServer.close();
        }
        boolean closed = streams.close(timeout);
        if (!closed) {
            LOG.warn("Kafka Streams did not close within {}", timeout);
        }
        streamsMetrics.close();
        meters.close();
    }

    @Override
    public void close() {
        close(config.shutdownTimeout());
    }
}
