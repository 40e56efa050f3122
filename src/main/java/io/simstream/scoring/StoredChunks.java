package io.simstream.scoring;

import io.simstream.avro.ModelRecord;
import io.simstream.lifecycle.ChunkStream;
import io.simstream.lifecycle.ModelRejectedException.Reason;
import io.simstream.registry.RegistryWait;
import io.simstream.registry.SerdeException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The chunks of large models as the global store keeps them: each CHUNK record's bytes as they
 * arrived, under its own key, on disk (RocksDB), until its tombstone deletes it. A manifest's
 * artifact is read from here one chunk at a time ({@link ChunkStream}), so a large model is never
 * on the heap as bytes, only as the floats it is parsed into.
 */
final class StoredChunks implements ChunkStream.Chunks {
    private final KeyValueStore<String, byte[]> store;
    private final Deserializer<ModelRecord> deserializer;
    private final RegistryWait registryWait;
    private final String topic;

    StoredChunks(KeyValueStore<String, byte[]> store, Deserializer<ModelRecord> deserializer, RegistryWait registryWait,
                 String topic) {
        this.store = store;
        this.deserializer = deserializer;
        this.registryWait = registryWait;
        this.topic = topic;
    }

    /** Keeps a chunk as it arrived (null: its tombstone, the chunk is gone). */
    void put(String key, byte[] value) {
        if (value == null) {
            store.delete(key);
        } else {
            store.put(key, value);
        }
    }

    @Override
    public ModelRecord chunk(String key) throws ChunkStream.Problem {
        byte[] bytes = store.get(key);
        if (bytes == null) {
            return null;
        }
        try {
            return registryWait.call("read the schema of chunk '" + key + "'", () -> deserializer.deserialize(topic, bytes));
        } catch (SerdeException e) {
            throw new ChunkStream.Problem(Reason.CHUNK_MISMATCH, "chunk '" + key + "' is not a ModelRecord: "
                    + e.getMessage());
        }
    }
}
