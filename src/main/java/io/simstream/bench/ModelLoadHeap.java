package io.simstream.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.simstream.avro.ModelRecord;
import io.simstream.lifecycle.LoadedModel;
import io.simstream.lifecycle.ModelLoader;
import io.simstream.lifecycle.ModelRecords;
import io.simstream.lifecycle.PairScorerFactory;
import io.simstream.registry.AvroSerde;
import io.simstream.registry.InMemorySchemaRegistry;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.serialization.Serde;

/**
 * The heap a scorer needs to load a large model, measured in a JVM of its own (started by
 * {@code bench models}): a wide ensemble of the given size is split into chunk records, serialized
 * as they sit in the scorer's store (there RocksDB, off the heap; here a map, counted in the
 * baseline), and loaded the way the scorer loads a manifest: one chunk decoded at a time, parsed
 * into floats, verified. A sampler reads the heap in use every millisecond; that includes garbage
 * not yet collected, so the figure is an upper bound on what the load keeps alive (run it with a
 * small young generation, as bench models does, to keep that slack small). "whole" loads the same
 * model from one MODEL record instead, the way a record that fits a message is loaded, for
 * comparison. Prints one JSON line.
 */
public final class ModelLoadHeap {
    private ModelLoadHeap() {
    }

    /** args: the model size in bytes, then "chunks" or "whole". */
    public static void main(String[] args) throws Exception {
        long size = Long.parseLong(args[0]);
        boolean chunked = !"whole".equals(args.length > 1 ? args[1] : "chunks");
        Serde<ModelRecord> serde = AvroSerde.forValue(new InMemorySchemaRegistry(), ModelRecord.getClassSchema());
        ModelRecord whole = ModelRecords.of(BenchModels.wideEnsemble(16, size, 11), "default", 1, Map.of(),
                Instant.now());
        long modelBytes = whole.getArtifact().remaining();
        Map<String, byte[]> stored = new HashMap<>();
        ModelRecord toLoad;
        if (chunked) {
            ModelRecords.Split split = ModelRecords.split(whole, 1024 * 1024 - 16 * 1024);
            for (int i = 0; i < split.chunks().size(); i++) {
                stored.put(split.manifest().getChunks().get(i).getKey(), serde.serializer().serialize("models",
                        split.chunks().get(i)));
            }
            toLoad = split.manifest();
        } else {
            stored.put("default", serde.serializer().serialize("models", whole));
            toLoad = null;
        }
        whole = null;
        ModelLoader loader = new ModelLoader(PairScorerFactory.FASTEST, 0, Clock.systemUTC());
        long baseline = settledHeap();
        Sampler sampler = new Sampler();
        sampler.start();
        long start = System.nanoTime();
        LoadedModel loaded;
        if (chunked) {
            loaded = loader.load(toLoad, 0, key -> {
                byte[] b = stored.get(key);
                return b == null ? null : serde.deserializer().deserialize("models", b);
            });
        } else {
            loaded = loader.load(serde.deserializer().deserialize("models", stored.get("default")));
        }
        long loadMs = (System.nanoTime() - start) / 1_000_000;
        sampler.stop();
        long retained = settledHeap() - baseline;
        ObjectNode out = new ObjectMapper().createObjectNode()
                .put("mode", chunked ? "chunks" : "whole")
                .put("modelBytes", modelBytes)
                .put("floatBytes", BenchModels.weightBytes(loaded.artifact()))
                .put("loadMs", loadMs)
                .put("peakUsedAboveBaselineBytes", sampler.peak.get() - baseline)
                .put("retainedAboveBaselineBytes", retained)
                .put("gc", ManagementFactory.getGarbageCollectorMXBeans().stream().map(g -> g.getName()).toList()
                        .toString())
                .put("maxHeapBytes", Runtime.getRuntime().maxMemory());
        out.put("peakUsedRatio", Math.round(100.0 * (sampler.peak.get() - baseline) / modelBytes) / 100.0);
        System.out.println(out);
        if (loaded.version() != 1) {
            throw new IllegalStateException("loaded the wrong model");
        }
    }

    private static long settledHeap() throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
            used = Math.min(used, heapUsed());
        }
        return used;
    }

    private static long heapUsed() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** Samples the heap in use every millisecond on its own thread. */
    private static final class Sampler {
        final AtomicLong peak = new AtomicLong();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread = new Thread(() -> {
            while (running.get()) {
                peak.accumulateAndGet(heapUsed(), Math::max);
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "heap-sampler");

        void start() {
            thread.setDaemon(true);
            thread.start();
        }

        void stop() throws InterruptedException {
            running.set(false);
            thread.join();
            peak.accumulateAndGet(heapUsed(), Math::max);
        }
    }
}
