package io.simstream.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.simstream.model.EncoderMember;
import io.simstream.model.Head;
import io.simstream.model.ModelArtifact;
import io.simstream.model.Normalizer;
import io.simstream.model.PairScorer;
import io.simstream.model.PairScorers;
import io.simstream.model.ScalarPairScorer;
import io.simstream.model.VectorPairScorer;
import io.simstream.training.Dl4jPairScorer;
import io.simstream.training.SiameseNetwork;
import io.simstream.training.TrainingConfig;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Consumer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Pairs per second on one thread, in one run: DL4J output() on the same weights at batch 1, 32
 * and 256, and the plain-Java kernels one pair at a time (what the streaming service does per
 * record). DL4J is timed on already-normalized INDArrays (its output() alone); the kernels
 * include normalization, so the comparison favours DL4J.
 */
public final class InferenceBenchmark {
    /** One measured configuration. */
    public record Row(String name, int batch, double pairsPerSecond, double microsPerPair) {
    }

    private final ModelArtifact model;
    private final double secondsPerCase;
    private final Random random = new Random(7);

    public InferenceBenchmark(ModelArtifact model, double secondsPerCase) {
        this.model = model;
        this.secondsPerCase = secondsPerCase;
    }

    /** A default-size model (dim -> 128x3) with DL4J's initial weights: enough for timing. */
    public static ModelArtifact untrainedModel(int dim, Head head) {
        TrainingConfig cfg = TrainingConfig.defaults().withHead(head);
        ComputationGraph g = SiameseNetwork.build(dim, cfg);
        return ModelArtifact.builder().name("bench-untrained").head(head)
                .normalizer(Normalizer.identity(dim))
                .encoder(SiameseNetwork.exportEncoder(g, cfg.hiddenSizes().size()))
                .headLayer(head == Head.BCE ? SiameseNetwork.exportHead(g) : null)
                .build();
    }

    /** Ensemble sizes whose scoring cost is compared with one encoder. */
    static final int[] ENSEMBLE_SIZES = {1, 3, 5};

    public List<Row> run(Consumer<String> progress) {
        List<Row> rows = new ArrayList<>();
        Dl4jPairScorer dl4j = Dl4jPairScorer.fromArtifact(model.member(0));
        for (int batch : new int[] {1, 32, 256}) {
            rows.add(report(timeDl4j(dl4j, batch), progress));
        }
        if (PairScorers.vectorApiAvailable()) {
            rows.add(report(timeKernel("kernel-vector", new VectorPairScorer(model.member(0))), progress));
        } else {
            progress.accept("Vector API not available (start java with --add-modules jdk.incubator.vector): skipping kernel-vector");
        }
        rows.add(report(timeKernel("kernel-scalar", new ScalarPairScorer(model.member(0))), progress));
        for (int k : ENSEMBLE_SIZES) {
            rows.add(report(timeKernel("ensemble-" + k, PairScorers.fastest(ensembleOf(model, k))), progress));
        }
        return rows;
    }

    /** A K-member ensemble of this model's encoders (cycled): the cost of scoring depends on shapes, not weights. */
    static ModelArtifact ensembleOf(ModelArtifact model, int k) {
        List<EncoderMember> members = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            members.add(model.members().get(i % model.ensembleSize()));
        }
        return model.toBuilder().members(members).build();
    }

    private Row report(Row r, Consumer<String> progress) {
        progress.accept(String.format(Locale.ROOT, "%-14s batch %3d  %,12.0f pairs/s  %8.2f us/pair",
                r.name(), r.batch(), r.pairsPerSecond(), r.microsPerPair()));
        return r;
    }

    private Row timeDl4j(Dl4jPairScorer dl4j, int batch) {
        int pool = 8;
        INDArray[] left = new INDArray[pool];
        INDArray[] right = new INDArray[pool];
        for (int i = 0; i < pool; i++) {
            left[i] = dl4j.normalized(randomRows(batch));
            right[i] = dl4j.normalized(randomRows(batch));
        }
        double sink = 0;
        long warmupEnd = System.nanoTime() + (long) (0.3 * secondsPerCase * 1e9);
        for (int i = 0; System.nanoTime() < warmupEnd; i++) {
            sink += dl4j.output(left[i % pool], right[i % pool])[0];
        }
        long pairs = 0;
        long start = System.nanoTime();
        long end = start + (long) (secondsPerCase * 1e9);
        int i = 0;
        while (System.nanoTime() < end) {
            sink += dl4j.output(left[i % pool], right[i % pool])[0];
            pairs += batch;
            i++;
        }
        return row("dl4j-output", batch, pairs, System.nanoTime() - start, sink);
    }

    private Row timeKernel(String name, PairScorer scorer) {
        int pool = 256;
        float[][] left = randomRows(pool);
        float[][] right = randomRows(pool);
        double sink = 0;
        long warmupEnd = System.nanoTime() + (long) (0.3 * secondsPerCase * 1e9);
        for (int i = 0; System.nanoTime() < warmupEnd; i++) {
            sink += scorer.score(left[i % pool], right[i % pool]);
        }
        long pairs = 0;
        long start = System.nanoTime();
        long end = start + (long) (secondsPerCase * 1e9);
        while (System.nanoTime() < end) {
            // Check the clock every 64 pairs: a pair takes microseconds, nanoTime is not free.
            for (int k = 0; k < 64; k++, pairs++) {
                sink += scorer.score(left[(int) (pairs % pool)], right[(int) (pairs % pool)]);
            }
        }
        return row(name, 1, pairs, System.nanoTime() - start, sink);
    }

    private static Row row(String name, int batch, long pairs, long nanos, double sink) {
        if (Double.isNaN(sink)) {
            throw new IllegalStateException(name + " produced NaN scores");
        }
        double seconds = nanos / 1e9;
        return new Row(name, batch, pairs / seconds, 1e6 * seconds / pairs);
    }

    private float[][] randomRows(int n) {
        float[][] rows = new float[n][model.inputDim()];
        for (float[] r : rows) {
            for (int j = 0; j < r.length; j++) {
                r[j] = (float) (0.05 * random.nextGaussian());
            }
        }
        return rows;
    }

    /** The rows plus the ratios that matter: kernel at batch 1 vs DL4J at each batch size. */
    public static ObjectNode toJson(ModelArtifact model, List<Row> rows) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("model", model.toString());
        n.put("inputDim", model.inputDim());
        n.put("parameters", model.parameterCount());
        n.put("vectorApi", PairScorers.vectorApiAvailable());
        n.put("threads", 1);
        n.put("ompNumThreads", String.valueOf(System.getenv("OMP_NUM_THREADS")));
        // Shared machines: a load above the core count makes every figure here smaller; record it.
        n.put("cores", Runtime.getRuntime().availableProcessors());
        n.put("systemLoadAverage", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        ArrayNode a = n.putArray("results");
        for (Row r : rows) {
            a.addObject().put("name", r.name()).put("batch", r.batch()).put("pairsPerSecond", r.pairsPerSecond())
                    .put("microsPerPair", r.microsPerPair());
        }
        ObjectNode ratios = n.putObject("ratios");
        Row one = rows.stream().filter(r -> r.name().equals("ensemble-1")).findFirst().orElse(null);
        for (Row r : rows) {
            if (one != null && r.name().startsWith("ensemble-") && r != one) {
                ratios.put(r.name() + "_cost_vs_ensemble-1", one.pairsPerSecond() / r.pairsPerSecond());
            }
        }
        for (Row k : rows) {
            if (!k.name().startsWith("kernel")) {
                continue;
            }
            for (Row d : rows) {
                if (d.name().startsWith("dl4j")) {
                    ratios.put(k.name() + "_batch1_vs_dl4j_batch" + d.batch(), k.pairsPerSecond() / d.pairsPerSecond());
                }
            }
        }
        return n;
    }
}
