package io.simstream.scoring;

import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

/**
 * Caps what RocksDB may use off-heap, for every store of the process together: one LRU block
 * cache shared by all stores, with the memtables charged to it through one write-buffer manager
 * (the pattern of Kafka Streams' memory-management guide). Uncapped, each store instance takes
 * its own 50 MB cache and up to 3 x 16 MB memtables, and a scorer has one store per partition
 * plus the global model store: several hundred MB off-heap, outside any -Xmx, after a backlog.
 *
 * <p>Streams instantiates this class per store; the cache and manager are static because the
 * point is that they are shared, and are never closed (they live as long as the process).
 */
public final class BoundedRocksDbConfig implements RocksDBConfigSetter {
    /** Streams property with the total in bytes (from the declared setting rocksdb.memory.bytes). */
    public static final String TOTAL_BYTES_CONFIG = "simstream.rocksdb.memory.bytes";
    static final long DEFAULT_TOTAL_BYTES = 32L << 20;
    /** Share of the total the memtables may hold; the rest caches blocks. */
    private static final double MEMTABLE_SHARE = 0.5;
    /** Index and filter blocks are pinned in the high-priority part of the cache. */
    private static final double HIGH_PRIORITY_SHARE = 0.1;
    private static final int MEMTABLES_PER_STORE = 2;

    private static Cache cache;
    private static WriteBufferManager writeBufferManager;
    private static long totalBytes;

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        long total = configuredTotal(configs);
        // Streams hands over Options with its own table config; keep its settings, add the shared cache.
        BlockBasedTableConfig table = options.tableFormatConfig() instanceof BlockBasedTableConfig t ? t
                : new BlockBasedTableConfig();
        table.setBlockCache(shared(total));
        // The first store's total is the cap for all of them (one cache); size memtables from it.
        long cap = totalBytes();
        table.setCacheIndexAndFilterBlocks(true);
        table.setCacheIndexAndFilterBlocksWithHighPriority(true);
        table.setPinTopLevelIndexAndFilter(true);
        options.setWriteBufferManager(writeBufferManager);
        // Small memtables: the stores hold models and pairs waiting for the first model, not bulk data.
        options.setWriteBufferSize(Math.max(1L << 20, (long) (cap * MEMTABLE_SHARE) / 4));
        options.setMaxWriteBufferNumber(MEMTABLES_PER_STORE);
        options.setTableFormatConfig(table);
    }

    @Override
    public void close(String storeName, Options options) {
        // The cache and the write-buffer manager are shared by every store: not closed per store.
    }

    /** The cap in force in this process (0 before the first store opened). */
    public static synchronized long totalBytes() {
        return totalBytes;
    }

    private static synchronized Cache shared(long total) {
        if (cache == null) {
            totalBytes = total;
            cache = new LRUCache(total, -1, false, HIGH_PRIORITY_SHARE);
            writeBufferManager = new WriteBufferManager((long) (total * MEMTABLE_SHARE), cache);
        }
        return cache;
    }

    private static long configuredTotal(Map<String, Object> configs) {
        Object v = configs.get(TOTAL_BYTES_CONFIG);
        if (v == null) {
            return DEFAULT_TOTAL_BYTES;
        }
        return v instanceof Number n ? n.longValue() : Long.parseLong(v.toString().trim());
    }
}
