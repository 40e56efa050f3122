package io.simstream.training;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.simstream.data.Standardizer;
import io.simstream.evaluation.EvaluationReport;
import io.simstream.evaluation.PairScoring;
import io.simstream.evaluation.ThresholdCalibrator;
import io.simstream.model.EncoderMember;
import io.simstream.model.Head;
import io.simstream.model.ModelArtifact;
import io.simstream.model.PairScorers;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * Test quality against training cost of the levers that could become defaults, on several small
 * sets and seeds, in one run. Ensembles of K = 1, 3 and 5 come from ONE five-member training per
 * set and seed (a K-ensemble is its first K members; each member trains on its own, so this is
 * exactly what {@code --ensemble K} trains), so their cost is the sum of their members' times.
 * Seeds are spaced so that no two runs share a member seed.
 */
public final class QualitySweep {
    /**
     * A configuration to measure, as a change to the defaults, and the ensemble sizes to read from it.
     *
     * @param consecutiveSeeds 1, or n: the K-ensembles of seeds seed .. seed + n - 1 all come from one
     *                         training of K + n - 1 members (members are independent, so the ensemble
     *                         of seed s + i is members i .. i + K - 1), as three runs with seeds s,
     *                         s + 1 and s + 2 of {@code --ensemble K} would train them
     */
    public record Lever(String name, String description, UnaryOperator<TrainingConfig> change, List<Integer> ensembles,
                        int consecutiveSeeds) {
        Lever(String name, String description, UnaryOperator<TrainingConfig> change, List<Integer> ensembles) {
            this(name, description, change, ensembles, 1);
        }
    }

    /** One measured cell: a lever's K-ensemble on one set with one seed. */
    public record Cell(String set, long seed, String lever, int ensemble, double accuracy, double auc, double seconds,
                       long pairsFitted) {
    }

    public static final Map<String, Lever> LEVERS = levers();

    private static Map<String, Lever> levers() {
        Map<String, Lever> m = new LinkedHashMap<>();
        m.put("ensemble", new Lever("ensemble", "seed ensembles of K = 1, 3, 5 (defaults otherwise)", c -> c,
                List.of(1, 3, 5)));
        m.put("single", new Lever("single", "the defaults, K = 1 alone", c -> c, List.of(1)));
        m.put("average5", new Lever("average5", "mean of the weights after each of the last 5 epochs",
                c -> c.withAverageEpochs(5), List.of(1)));
        m.put("adam", new Lever("adam", "Adam 1e-3 instead of RMSprop, same schedule",
                c -> c.withOptimizer(TrainingConfig.Optimizer.ADAM), List.of(1)));
        m.put("wide", new Lever("wide", "encoder 256-256-256 instead of 128-128-128",
                c -> c.withHiddenSizes(List.of(256, 256, 256)), List.of(1)));
        m.put("bce", new Lever("bce", "BCE head, auxiliary contrastive weight 1 (its defaults)",
                c -> c.withHead(Head.BCE), List.of(1)));
        m.put("bce-average5", new Lever("bce-average5", "BCE head with the mean of the last 5 epochs' weights",
                c -> c.withHead(Head.BCE).withAverageEpochs(5), List.of(1)));
        m.put("k3-seeds3", new Lever("k3-seeds3", "the defaults with K = 3 at seeds s, s+1, s+2 (5 members)",
                c -> c, List.of(3), 3));
        m.put("bce-k3-seeds3", new Lever("bce-k3-seeds3", "BCE head, K = 3 at seeds s, s+1, s+2 (5 members)",
                c -> c.withHead(Head.BCE), List.of(3), 3));
        m.put("bce-l2", new Lever("bce-l2", "BCE head, and its encoder read by Euclidean distance instead of its"
                + " head (threshold calibrated the same way, on the selection run's validation distances)",
                c -> c.withHead(Head.BCE), List.of(1)));
        m.put("bce-aux3", new Lever("bce-aux3", "BCE head, auxiliary contrastive weight 3",
                c -> c.withHead(Head.BCE).withBceAuxWeight(3), List.of(1)));
        return m;
    }

    private QualitySweep() {
    }

    /**
     * @param checkpoint receives every cell measured so far after each training, so a sweep cut
     *                   short (they take hours on a loaded machine) keeps what it measured
     */
    public static List<Cell> run(List<SmallDataSets.Pairs> sets, List<Lever> levers, List<Long> seeds,
                                 TrainingConfig base, Consumer<String> progress, Consumer<List<Cell>> checkpoint) {
        List<Cell> cells = new ArrayList<>();
        for (SmallDataSets.Pairs set : sets) {
            for (Lever lever : levers) {
                for (long seed : seeds) {
                    cells.addAll(measure(set, lever, lever.change().apply(base.withSeed(seed)), progress));
                    checkpoint.accept(List.copyOf(cells));
                }
            }
        }
        return cells;
    }

    private static List<Cell> measure(SmallDataSets.Pairs set, Lever lever, TrainingConfig cfg,
                                      Consumer<String> progress) {
        int most = lever.ensembles().stream().mapToInt(Integer::intValue).max().orElseThrow();
        int trained = most + lever.consecutiveSeeds() - 1;
        SiameseTrainer trainer = new SiameseTrainer(cfg.withEnsemble(trained), line -> { });
        ValidationSplit split = ValidationSplit.of(set.train(), cfg);
        SiameseTrainer.Members all = trainer.trainMembers(split, null, trained);
        List<Cell> cells = new ArrayList<>();
        for (int offset = 0; offset < lever.consecutiveSeeds(); offset++) {
            cells.addAll(read(set, lever, cfg.withSeed(cfg.seed() + offset), trainer, split,
                    all.slice(offset, offset + most), progress));
        }
        return cells;
    }

    private static List<Cell> read(SmallDataSets.Pairs set, Lever lever, TrainingConfig cfg, SiameseTrainer trainer,
                                   ValidationSplit split, SiameseTrainer.Members members, Consumer<String> progress) {
        List<Cell> cells = new ArrayList<>();
        for (int k : lever.ensembles()) {
            double seconds = members.seconds().subList(0, k).stream().mapToDouble(Double::doubleValue).sum();
            long fitted = 0;
            for (MemberRun run : members.runs().subList(0, k)) {
                fitted += (long) run.history().size() * split.train().size()
                        + (cfg.refit() ? (long) run.bestEpoch() * members.finalData().size() : 0);
            }
            TrainingResult r = trainer.assemble(split, members, EnsemblePolicy.choose(k, split.labelled().size()), seconds);
            EvaluationReport test = EvaluationReport.of(PairScoring.score(PairScorers.fastest(r.artifact()), set.test()),
                    r.artifact().threshold(), r.artifact().margin());
            Cell cell = new Cell(set.name(), cfg.seed(), lever.name(), k, test.accuracy(), test.auc(), seconds,
                    fitted);
            progress.accept(String.format(Locale.ROOT, "%-18s seed %3d  %-13s K=%d  accuracy %.4f  AUC %.4f  %6.1f s"
                    + "  %,d pairs fitted", cell.set(), cell.seed(), cell.lever(), k, cell.accuracy(), cell.auc(),
                    cell.seconds(), fitted));
            cells.add(cell);
            if (lever.name().equals("bce-l2")) {
                cells.add(encoderByDistance(set, cfg, split, members, k, seconds, fitted, progress));
            }
        }
        return cells;
    }

    /**
     * The BCE-trained encoders served as the contrastive head serves its own: Euclidean distance of
     * the embeddings, threshold calibrated on the selection runs' validation distances. Tells the
     * encoder apart from the head that reads it.
     */
    private static Cell encoderByDistance(SmallDataSets.Pairs set, TrainingConfig cfg, ValidationSplit split,
                                          SiameseTrainer.Members members, int k, double seconds, long fitted,
                                          Consumer<String> progress) {
        List<EncoderMember> selection = members.runs().subList(0, k).stream()
                .map(r -> new EncoderMember(r.member().encoder(), null)).toList();
        List<EncoderMember> finals = members.finals().subList(0, k).stream()
                .map(m -> new EncoderMember(m.encoder(), null)).toList();
        ModelArtifact selected = ModelArtifact.builder().head(Head.CONTRASTIVE).threshold(0.5f).margin(cfg.margin())
                .normalizer(Standardizer.fit(split.train(), cfg.scaling())).members(selection).build();
        float threshold = ThresholdCalibrator.calibrate(
                PairScoring.score(PairScorers.fastest(selected), split.validation()), cfg.calibration());
        ModelArtifact served = ModelArtifact.builder().head(Head.CONTRASTIVE).threshold(threshold).margin(cfg.margin())
                .normalizer(members.finalNorm()).members(finals).build();
        EvaluationReport test = EvaluationReport.of(PairScoring.score(PairScorers.fastest(served), set.test()),
                threshold, cfg.margin());
        Cell cell = new Cell(set.name(), cfg.seed(), "bce-encoder-l2", k, test.accuracy(), test.auc(), seconds, fitted);
        progress.accept(String.format(Locale.ROOT, "%-18s seed %3d  %-13s K=%d  accuracy %.4f  AUC %.4f  %6.1f s"
                + "  %,d pairs fitted", cell.set(), cell.seed(), cell.lever(), k, cell.accuracy(), cell.auc(),
                cell.seconds(), fitted));
        return cell;
    }

    /**
     * Mean over seeds of one (set, lever, K), with the spread and the cost relative to K = 1 of the
     * defaults. The cost counts pairs passed through a fit (epochs x pairs, every member and phase):
     * unlike wall time on a shared machine it does not depend on the load, and with per-batch
     * overhead dominating (docs/training.md) it tracks the time of a network of the default width.
     */
    public record Summary(String set, String lever, int ensemble, int seeds, double accuracy, double accuracySd,
                          double auc, double seconds, double pairsFitted, double costToSingle) {
        String label() {
            return lever.equals("ensemble") ? "K = " + ensemble : lever;
        }
    }

    public static List<Summary> summarize(List<Cell> cells) {
        Map<String, List<Cell>> groups = new LinkedHashMap<>();
        for (Cell c : cells) {
            groups.computeIfAbsent(c.set() + "|" + c.lever() + "|" + c.ensemble(), g -> new ArrayList<>()).add(c);
        }
        Map<String, Double> singleCost = new LinkedHashMap<>();
        for (var e : groups.entrySet()) {
            Cell first = e.getValue().get(0);
            if ((first.lever().equals("ensemble") || first.lever().equals("single")) && first.ensemble() == 1) {
                singleCost.put(first.set(), e.getValue().stream().mapToDouble(Cell::pairsFitted).average().orElseThrow());
            }
        }
        List<Summary> out = new ArrayList<>();
        for (List<Cell> g : groups.values()) {
            Cell first = g.get(0);
            double acc = g.stream().mapToDouble(Cell::accuracy).average().orElseThrow();
            double sd = Math.sqrt(g.stream().mapToDouble(c -> (c.accuracy() - acc) * (c.accuracy() - acc)).sum()
                    / Math.max(1, g.size() - 1));
            double auc = g.stream().mapToDouble(Cell::auc).average().orElseThrow();
            double sec = g.stream().mapToDouble(Cell::seconds).average().orElseThrow();
            double fitted = g.stream().mapToDouble(Cell::pairsFitted).average().orElseThrow();
            Double single = singleCost.get(first.set());
            out.add(new Summary(first.set(), first.lever(), first.ensemble(), g.size(), acc, sd, auc, sec, fitted,
                    single == null ? Double.NaN : fitted / single));
        }
        return out;
    }

    /** The table as docs/training.md shows it. */
    public static String markdown(List<Summary> rows) {
        StringBuilder b = new StringBuilder();
        b.append("| set | configuration | test accuracy (mean ± sd, seeds) | AUC | pairs fitted | cost to K = 1"
                + " | wall time |\n");
        b.append("|---|---|---|---|---|---|---|\n");
        for (Summary s : rows) {
            String cost = Double.isNaN(s.costToSingle()) ? "–" : String.format(Locale.ROOT, "%.2fx", s.costToSingle());
            b.append(String.format(Locale.ROOT, "| %s | %s | %.4f ± %.4f (%d) | %.4f | %,.0f | %s | %.1f s |%n",
                    s.set(), s.label(), s.accuracy(), s.accuracySd(), s.seeds(), s.auc(), s.pairsFitted(), cost,
                    s.seconds()));
        }
        return b.toString();
    }

    public static ObjectNode toJson(List<Cell> cells, List<Summary> rows, List<Lever> levers) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("cores", Runtime.getRuntime().availableProcessors());
        ObjectNode l = n.putObject("levers");
        levers.forEach(v -> l.put(v.name(), v.description()));
        ArrayNode a = n.putArray("cells");
        for (Cell c : cells) {
            a.addObject().put("set", c.set()).put("seed", c.seed()).put("lever", c.lever()).put("ensemble", c.ensemble())
                    .put("testAccuracy", c.accuracy()).put("testAuc", c.auc()).put("seconds", c.seconds())
                    .put("pairsFitted", c.pairsFitted());
        }
        ArrayNode s = n.putArray("summary");
        for (Summary r : rows) {
            s.addObject().put("set", r.set()).put("lever", r.lever()).put("ensemble", r.ensemble()).put("seeds", r.seeds())
                    .put("testAccuracy", r.accuracy()).put("testAccuracySd", r.accuracySd()).put("testAuc", r.auc())
                    .put("seconds", r.seconds()).put("pairsFitted", r.pairsFitted()).put("costToSingle", r.costToSingle());
        }
        return n;
    }
}
