package io.simstream.scoring;

import io.simstream.avro.ModelRecord;
import io.simstream.lifecycle.LoadedModel;
import io.simstream.lifecycle.ModelLoader;
import io.simstream.lifecycle.ModelRejectedException;
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
final class ModelStoreProcessor implements Processor<String, ModelRecord, Void, Void> {
    private static final Logger LOG = LoggerFactory.getLogger(ModelStoreProcessor.class);

    private final String storeName;
    private final LiveModel live;
    private final ModelLoader loader;
    private final ScoringMetrics metrics;
    private KeyValueStore<String, ModelRecord> store;

    ModelStoreProcessor(String storeName, LiveModel live, ModelLoader loader, ScoringMetrics metrics) {
        this.storeName = storeName;
        this.live = live;
        this.loader = loader;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(storeName);
        try (KeyValueIterator<String, ModelRecord> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<String, ModelRecord> kv = it.next();
                if (live.name().equals(kv.key) && kv.value != null) {
                    activate(kv.value, "restored from the store");
                }
            }
        }
    }

    @Override
    public void process(Record<String, ModelRecord> record) {
        ModelRecord model = record.value();
        if (model == null) {
            LOG.warn("ignoring a tombstone for model '{}': the serving model is never unloaded", record.key());
            return;
        }
        String name = record.key() != null ? record.key() : model.getName();
        ModelRecord stored = store.get(name);
        if (stored != null && model.getVersion() <= stored.getVersion()) {
            LOG.info("ignoring model '{}' v{}: v{} is already installed (versions only go up)",
                    name, model.getVersion(), stored.getVersion());
            metrics.staleModelIgnored();
            return;
        }
        LoadedModel loaded = verify(model);
        if (loaded == null) {
            return;
        }
        store.put(name, model);
        if (live.name().equals(name)) {
            swapIn(loaded, "published");
        } else {
            LOG.info("stored model '{}' v{} (this service serves '{}')", name, model.getVersion(), live.name());
        }
    }

    private void activate(ModelRecord model, String why) {
        LoadedModel loaded = verify(model);
        if (loaded != null) {
            swapIn(loaded, why);
        }
    }

    private LoadedModel verify(ModelRecord model) {
        try {
            return loader.load(model);
        } catch (ModelRejectedException e) {
            LOG.error("rejected model '{}' v{}: {}; the previous model keeps serving",
                    model.getName(), model.getVersion(), e.getMessage());
            metrics.modelRejected(e.reason());
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
