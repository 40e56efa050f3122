package io.simstream.scoring;

import io.simstream.avro.ModelRecord;
import io.simstream.lifecycle.LoadedModel;
import io.simstream.lifecycle.ModelLoader;
import io.simstream.lifecycle.ModelRejectedException;
import io.simstream.registry.SerdeException;
import java.util.HashSet;
import java.util.Set;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maintains the global models store and the live scorer. Only verified records with a higher
 * version than the stored one enter the store, so the store always holds the last good model per
 * name. init() rebuilds the scorer from the store: after a restart the store may have been restored
 * from its checkpoint without any record passing through process() (KAFKA-7663, KAFKA-8037), and
 * the stream threads must not score with nothing while a good model sits in the store.
 */
final class ModelStoreProcessor implements Processor<String, byte[], Void, Void> {
    private static final Logger LOG = LoggerFactory.getLogger(ModelStoreProcessor.class);

    private final String storeName;
    private final String topic;
    private final LiveModel live;
    private final ModelLoader loader;
    private final Deserializer<ModelRecord> deserializer;
    private final RegistryWait registryWait;
    private final ScoringMetrics metrics;
    private KeyValueStore<String, byte[]> store;
    private ProcessorContext<Void, Void> context;
    /** Offsets already counted as rejected: a record seen again (restore, replay) is counted once. */
    private final Set<String> rejectedPositions = new HashSet<>();

    /** The store holds the accepted records' bytes as they arrived on topic. */
    ModelStoreProcessor(String storeName, String topic, LiveModel live, ModelLoader loader,
                        Deserializer<ModelRecord> deserializer, RegistryWait registryWait, ScoringMetrics metrics) {
        this.storeName = storeName;
        this.topic = topic;
        this.live = live;
        this.loader = loader;
        this.deserializer = deserializer;
        this.registryWait = registryWait;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.context = context;
        store = context.getStateStore(storeName);
        try (KeyValueIterator<String, byte[]> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> kv = it.next();
                if (live.name().equals(kv.key) && kv.value != null) {
                    ModelRecord model = decode(kv.value, "stored model '" + kv.key + "'", "store:" + kv.key);
                    if (model != null) {
                        activate(model, "restored from the store", "store:" + kv.key);
                    }
                }
            }
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
        if (record.value() == null) {
            LOG.warn("ignoring a tombstone for model '{}': the serving model is never unloaded", record.key());
            return;
        }
        String position = position();
        ModelRecord model = decode(record.value(), "record " + position, position);
        if (model == null) {
            return;
        }
        String name = record.key() != null ? record.key() : model.getName();
        ModelRecord stored = storedModel(name);
        if (stored != null && model.getVersion() <= stored.getVersion()) {
            LOG.info("ignoring model '{}' v{}: v{} is already installed (versions only go up)",
                    name, model.getVersion(), stored.getVersion());
            metrics.staleModelIgnored();
            return;
        }
        LoadedModel loaded = verify(model, live.name().equals(name) ? servingDim() : storedDim(stored), position);
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

    private ModelRecord storedModel(String name) {
        byte[] bytes = store.get(name);
        return bytes == null ? null : decode(bytes, "stored model '" + name + "'", "store:" + name);
    }

    private int servingDim() {
        LoadedModel serving = live.current();
        return serving == null ? 0 : serving.inputDim();
    }

    private static int storedDim(ModelRecord stored) {
        return stored == null ? 0 : stored.getInputDim();
    }

    private void activate(ModelRecord model, String why, String position) {
        LoadedModel loaded = verify(model, servingDim(), position);
        if (loaded != null) {
            swapIn(loaded, why);
        }
    }

    private LoadedModel verify(ModelRecord model, int servingDim, String position) {
        try {
            return loader.load(model, servingDim);
        } catch (ModelRejectedException e) {
            rejected(position + " model '" + model.getName() + "'", model.getVersion(), e);
            return null;
        }
    }

    private void swapIn(LoadedModel loaded, String why) {
        LoadedModel before = live.current();
        if (live.offer(loaded) == LiveModel.Offer.SWAPPED) {
            metrics.modelSwapped(loaded.loadedAt());
            LOG.info("serving model '{}' v{} ({}; was {})", loaded.name(), loaded.version(), why,
                    before == null ? "none" : "v" + before.version());
        } else if (before != null && before.sha256().equals(loaded.sha256())) {
            // The same record seen again (restore replays what init() already loaded): nothing to do.
            LOG.debug("model '{}' v{} is already serving", loaded.name(), loaded.version());
        } else {
            LOG.info("ignoring model '{}' v{}: v{} is already serving", loaded.name(), loaded.version(),
                    live.version());
            metrics.staleModelIgnored();
        }
    }
}
