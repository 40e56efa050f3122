package io.simstream.scoring;

import io.simstream.avro.ModelRecord;
import io.simstream.lifecycle.LoadedModel;
import io.simstream.lifecycle.ModelLoader;
import io.simstream.lifecycle.ModelRejectedException;
import io.simstream.lifecycle.RolloutStage;
import io.simstream.registry.RegistryWait;
import io.simstream.registry.SerdeException;
import io.simstream.topics.ModelKeys;
import io.simstream.topics.TopicSpec;
import java.util.HashSet;
import java.util.Set;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maintains the global models store and the live deployment. Only verified records with a higher
 * version than the stored one enter the store, so the store always holds the last good record per
 * key: the champion under the model name, the candidate in rollout under {@code <name>#candidate}
 * (a tombstone ends its rollout). init() rebuilds the deployment from the store: after a restart the
 * store may have been restored from its checkpoint without any record passing through process()
 * (KAFKA-7663, KAFKA-8037), and the stream threads must not score with nothing while a good model
 * sits in the store.
 *
 * <p>A large model arrives as CHUNK records (kept in the store under their own keys, deleted by
 * their tombstones) followed, in the same transaction, by its MANIFEST under the model's key; the
 * loader reads the artifact from the stored chunks ({@link StoredChunks}), verifying every chunk,
 * the whole artifact and its signature before anything swaps. init() assembles the same way.
 */
final class ModelStoreProcessor implements Processor<String, byte[], Void, Void> {
    private static final Logger LOG = LoggerFactory.getLogger(ModelStoreProcessor.class);
    static final String STORE = "models-store";

    /** Makes the global store's processor from the instance's runtime; also says how the store is built. */
    static final class Supplier implements ProcessorSupplier<String, byte[], Void, Void> {
        private final TopicSpec<String, ModelRecord> models;
        private final ScoringRuntime runtime;

        Supplier(TopicSpec<String, ModelRecord> models, ScoringRuntime runtime) {
            this.models = models;
            this.runtime = runtime;
        }

        @Override
        public Processor<String, byte[], Void, Void> get() {
            return new ModelStoreProcessor(models.name(), runtime, models.valueSerde().deserializer());
        }

        /** The records' bytes as they arrived on the topic, by key; the topic itself is the changelog. */
        StoreBuilder<KeyValueStore<String, byte[]>> storeBuilder() {
            return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(),
                    Serdes.ByteArray()).withLoggingDisabled();
        }
    }

    private final String topic;
    private final LiveModel live;
    private final ModelLoader loader;
    private final Deserializer<ModelRecord> deserializer;
    private final RegistryWait registryWait;
    private final ScoringMetrics metrics;
    private final String candidateKey;
    private KeyValueStore<String, byte[]> store;
    private StoredChunks chunks;
    private ProcessorContext<Void, Void> context;
    /** Offsets already counted as rejected: a record seen again (restore, replay) is counted once. */
    private final Set<String> rejectedPositions = new HashSet<>();

    private ModelStoreProcessor(String topic, ScoringRuntime runtime, Deserializer<ModelRecord> deserializer) {
        this.topic = topic;
        this.live = runtime.live();
        this.loader = runtime.loader();
        this.deserializer = deserializer;
        this.registryWait = runtime.modelWait();
        this.metrics = runtime.metrics();
        this.candidateKey = ModelKeys.candidate(live.name());
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.context = context;
        store = context.getStateStore(STORE);
        chunks = new StoredChunks(store, deserializer, registryWait, topic);
        // The champion first: a candidate is only taken when it is newer than it.
        ModelRecord champion = storedModel(live.name());
        if (champion != null) {
            LoadedModel loaded = verify(champion, servingDim(), "store:" + live.name());
            if (loaded != null) {
                swapIn(loaded, "restored from the store");
            }
        }
        ModelRecord candidate = storedModel(candidateKey);
        if (candidate != null) {
            offerCandidate(candidate, "store:" + candidateKey, "restored from the store");
        }
    }

    /** null when the bytes are not a ModelRecord; waits (without limit: no transaction here) through registry faults. */
    private ModelRecord decode(byte[] bytes, String what, String position) {
        try {
            return registryWait.call("read the schema of " + what, () -> deserializer.deserialize(topic, bytes));
        } catch (SerdeException e) {
            rejected(position, -1, new ModelRejectedException(ModelRejectedException.Reason.UNDECODABLE,
                    what + " is not a ModelRecord: " + e.getMessage()));
            return null;
        }
    }

    /** Where the current record sits on the topic; a rejection is counted once per position. */
    private String position() {
        return context.recordMetadata().map(m -> m.topic() + "-" + m.partition() + "@" + m.offset()).orElse("?");
    }

    private void rejected(String position, long version, ModelRejectedException e) {
        LOG.error("rejected model record {} (v{}): {}; the previous model keeps serving", position, version,
                e.getMessage());
        if (rejectedPositions.add(position)) {
            metrics.modelRejected(e.reason(), version, e.getMessage());
        }
    }

    @Override
    public void process(Record<String, byte[]> record) {
        String key = record.key();
        if (ModelKeys.isChunk(key)) {
            // Checked when a manifest is loaded from them, not before: a chunk alone serves nothing.
            chunks.put(key, record.value());
            return;
        }
        if (candidateKey.equals(key)) {
            processCandidate(record);
            return;
        }
        if (record.value() == null) {
            LOG.warn("ignoring a tombstone for model '{}': the serving model is never unloaded", key);
            return;
        }
        String position = position();
        ModelRecord model = decode(record.value(), "record " + position, position);
        if (model == null) {
            return;
        }
        String name = key != null ? key : model.getName();
        if (!ModelKeys.isServing(name)) {
            // Another model's candidate: kept as it came, for the instances that serve it.
            store.put(name, record.value());
            return;
        }
        if (RolloutStage.parse(model.getStage()) != RolloutStage.FULL) {
            rejected(position, model.getVersion(), new ModelRejectedException(ModelRejectedException.Reason.BAD_RECORD,
                    "stage '" + model.getStage() + "' under the serving key '" + name + "': a candidate goes under '"
                            + ModelKeys.candidate(name) + "'"));
            return;
        }
        ModelRecord stored = storedModel(name);
        if (stored != null && model.getVersion() <= stored.getVersion()) {
            LOG.info("ignoring model '{}' v{}: v{} is already installed (versions only go up)",
                    name, model.getVersion(), stored.getVersion());
            metrics.staleModelIgnored();
            return;
        }
        LoadedModel loaded = promotedCandidate(name, model);
        if (loaded == null) {
            loaded = verify(model, live.name().equals(name) ? servingDim() : storedDim(stored), position);
        }
        if (loaded == null) {
            return;
        }
        store.put(name, record.value());
        if (live.name().equals(name)) {
            swapIn(loaded, "published");
        } else {
            LOG.info("stored model '{}' v{} (this service serves '{}')", name, model.getVersion(), live.name());
        }
    }

    /**
     * The candidate in rollout when this champion record is its promotion (same version, same
     * artifact): it was verified when it became the candidate, and loading a large model again would
     * hold it twice. null otherwise.
     */
    private LoadedModel promotedCandidate(String name, ModelRecord model) {
        Deployment now = live.deployment();
        return live.name().equals(name) && now.hasCandidate() && now.candidate().version() == model.getVersion()
                && now.candidate().sha256().equalsIgnoreCase(model.getSha256()) ? now.candidate() : null;
    }

    /** A candidate record starts or re-stages a rollout; its tombstone ends it. */
    private void processCandidate(Record<String, byte[]> record) {
        if (record.value() == null) {
            store.delete(candidateKey);
            long was = live.candidateVersion();
            if (live.dropCandidate() == LiveModel.Offer.SWAPPED) {
                LOG.info("candidate v{} of model '{}' is no longer in rollout", was, live.name());
            }
            return;
        }
        String position = position();
        ModelRecord model = decode(record.value(), "record " + position, position);
        if (model != null && offerCandidate(model, position, "published")) {
            store.put(candidateKey, record.value());
        }
    }

    /** Whether the candidate was taken (loaded, or the same version re-staged). */
    private boolean offerCandidate(ModelRecord model, String position, String why) {
        RolloutStage stage = RolloutStage.parse(model.getStage());
        if (stage != RolloutStage.SHADOW && stage != RolloutStage.CANARY) {
            rejected(position, model.getVersion(), new ModelRejectedException(ModelRejectedException.Reason.BAD_RECORD,
                    "a candidate needs stage SHADOW or CANARY, the record says '" + model.getStage() + "'"));
            return false;
        }
        double percent = model.getCanaryPercent();
        if (!(percent >= 0 && percent <= 100)) {
            rejected(position, model.getVersion(), new ModelRejectedException(ModelRejectedException.Reason.BAD_RECORD,
                    "canary share " + percent + "% is not within 0-100%"));
            return false;
        }
        if (model.getVersion() <= live.version()) {
            LOG.info("ignoring candidate v{} of model '{}': v{} already serves", model.getVersion(), live.name(),
                    live.version());
            metrics.staleModelIgnored();
            return false;
        }
        Deployment now = live.deployment();
        LoadedModel loaded = now.hasCandidate() && now.candidate().version() == model.getVersion()
                && now.candidate().sha256().equalsIgnoreCase(model.getSha256())
                ? now.candidate() : verify(model, servingDim(), position);
        if (loaded == null) {
            return false;
        }
        if (live.offerCandidate(loaded, stage, percent) == LiveModel.Offer.SWAPPED) {
            LOG.info("model '{}' candidate v{} in {} ({}): now {}", live.name(), loaded.version(), stage.id(), why,
                    live.deployment().describe());
            return true;
        }
        return false;
    }

    private ModelRecord storedModel(String key) {
        byte[] bytes = store.get(key);
        return bytes == null ? null : decode(bytes, "stored model '" + key + "'", "store:" + key);
    }

    private int servingDim() {
        LoadedModel serving = live.current();
        return serving == null ? 0 : serving.inputDim();
    }

    private static int storedDim(ModelRecord stored) {
        return stored == null ? 0 : stored.getInputDim();
    }

    private LoadedModel verify(ModelRecord model, int servingDim, String position) {
        try {
            return loader.load(model, servingDim, chunks);
        } catch (ModelRejectedException e) {
            rejected(position + " model '" + model.getName() + "'", model.getVersion(), e);
            return null;
        }
    }

    private void swapIn(LoadedModel loaded, String why) {
        Deployment before = live.deployment();
        if (live.offer(loaded) == LiveModel.Offer.SWAPPED) {
            metrics.modelSwapped(loaded.loadedAt());
            LOG.info("serving model '{}' v{} ({}; was {}; now {})", loaded.name(), loaded.version(), why,
                    before.describe(), live.deployment().describe());
        } else if (before.champion() != null && before.champion().sha256().equals(loaded.sha256())) {
            // The same record seen again (restore replays what init() already loaded): nothing to do.
            LOG.debug("model '{}' v{} is already serving", loaded.name(), loaded.version());
        } else {
            LOG.info("ignoring model '{}' v{}: v{} is already serving", loaded.name(), loaded.version(),
                    live.version());
            metrics.staleModelIgnored();
        }
    }
}
