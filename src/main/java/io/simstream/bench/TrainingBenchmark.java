package io.simstream.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.simstream.data.PairDataset;
import io.simstream.evaluation.EvaluationReport;
import io.simstream.evaluation.PairScoring;
import io.simstream.model.PairScorers;
import io.simstream.training.SiameseTrainer;
import io.simstream.training.TrainingConfig;
import io.simstream.training.TrainingResult;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Training cost and quality of each configuration on the same data, in one run: plain (selection
 * only), refit, and refit ensembles of K. Pairs/s counts every pair passed through a fit, summed
 * over epochs, members and phases; wall time covers the whole run. Ratios are to the plain run,
 * and each ensemble's wall time is also compared with K single refit runs.
 */
public final class TrainingBenchmark {
    /** One measured configuration. */
    public record Row(String name, boolean refit, int ensemble, double seconds, long pairsFitted, double pairsPerSecond,
                      double testAccuracy, double testAuc) {
    }

    private final PairDataset train;
    private final PairDataset test;
    private final TrainingConfig base;
    private final List<Integer> ensembles;

    public TrainingBenchmark(PairDataset train, PairDataset test, TrainingConfig base, List<Integer> ensembles) {
        this.train = train;
        this.test = test;
        this.base = base;
        this.ensembles = List.copyOf(ensembles);
    }

    public List<Row> run(Consumer<String> progress) {
        List<Row> rows = new ArrayList<>();
        rows.add(measure("plain", base.withRefit(false).withEnsemble(1), progress));
        rows.add(measure("refit", base.withRefit(true).withEnsemble(1), progress));
        for (int k : ensembles) {
            if (k > 1) {
                rows.add(measure("refit-ensemble-" + k, base.withRefit(true).withEnsemble(k), progress));
            }
        }
        return rows;
    }

    private Row measure(String name, TrainingConfig cfg, Consumer<String> progress) {
        long start = System.nanoTime();
        TrainingResult r = new SiameseTrainer(cfg, line -> { }).train(train);
        double seconds = (System.nanoTime() - start) / 1e9;
        long fitted = 0;
        for (TrainingResult.MemberSummary m : r.members()) {
            fitted += (long) m.epochsRun() * r.trainPairs();
            if (r.refit()) {
                fitted += (long) m.bestEpoch() * r.finalPairs();
            }
        }
        double acc = Double.NaN;
        double auc = Double.NaN;
        if (test != null) {
            EvaluationReport rep = EvaluationReport.of(PairScoring.score(PairScorers.fastest(r.artifact()), test),
                    r.artifact().threshold(), r.artifact().margin());
            acc = rep.accuracy();
            auc = rep.auc();
        }
        Row row = new Row(name, cfg.refit(), cfg.ensemble(), seconds, fitted, fitted / seconds, acc, auc);
        progress.accept(String.format(Locale.ROOT, "%-18s %7.1f s  %,10.0f pairs/s  test accuracy %.4f  AUC %.4f",
                name, seconds, row.pairsPerSecond(), acc, auc));
        return row;
    }

    public static ObjectNode toJson(PairDataset train, List<Row> rows) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("train", train.source());
        n.put("pairs", train.size());
        n.put("dim", train.dim());
        n.put("cores", Runtime.getRuntime().availableProcessors());
        n.put("systemLoadAverage", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        ArrayNode a = n.putArray("results");
        Row plain = rows.get(0);
        Row single = rows.stream().filter(r -> r.refit() && r.ensemble() == 1).findFirst().orElse(null);
        ObjectNode ratios = n.putObject("ratiosToPlain");
        ObjectNode perMember = n.putObject("ensembleCostToKSingleRuns");
        for (Row r : rows) {
            a.addObject().put("name", r.name()).put("refit", r.refit()).put("ensemble", r.ensemble())
                    .put("seconds", r.seconds()).put("pairsFitted", r.pairsFitted()).put("pairsPerSecond", r.pairsPerSecond())
                    .put("testAccuracy", r.testAccuracy()).put("testAuc", r.testAuc());
            if (r != plain) {
                ratios.putObject(r.name()).put("wallTime", r.seconds() / plain.seconds())
                        .put("pairsPerSecond", r.pairsPerSecond() / plain.pairsPerSecond());
            }
            if (single != null && r.ensemble() > 1) {
                // The goal: an ensemble of K costs no more than K single (refit) runs, i.e. <= 1.
                perMember.put(r.name(), r.seconds() / (r.ensemble() * single.seconds()));
            }
        }
        return n;
    }
}
