package io.simstream.training;

import io.simstream.data.PairDataset;
import io.simstream.data.Standardizer;
import io.simstream.evaluation.EpochRecord;
import io.simstream.evaluation.EvaluationReport;
import io.simstream.evaluation.ScoredPairs;
import io.simstream.evaluation.ThresholdCalibrator;
import io.simstream.model.DenseLayer;
import io.simstream.model.EncoderMember;
import io.simstream.model.Head;
import io.simstream.model.ModelArtifact;
import io.simstream.model.Normalizer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Consumer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains the Siamese network on a labeled pair file, in two phases.
 * <ol>
 * <li>Selection: for each ensemble member (seed, seed + 1, ...), fit the training part with early
 * stopping on validation loss, restoring the best epoch. The members' averaged validation scores
 * calibrate the threshold.</li>
 * <li>Refit (default): train each member again from scratch on every labelled pair (training
 * part, validation part, and pairs a disjoint split dropped) for the epoch count its selection
 * run chose, replaying its learning-rate schedule. Early stopping needs held-out pairs only to
 * pick the epoch count; once picked, keeping half the labels out of the final model wastes them
 * (measured: docs/training.md).</li>
 * </ol>
 */
public final class SiameseTrainer {
    private static final Logger LOG = LoggerFactory.getLogger(SiameseTrainer.class);
    /** Above this share of validation pairs reusing training vectors, validation numbers are flagged as optimistic. */
    public static final double LEAKAGE_WARN_SHARE = 0.0;
    /** Learning-rate factor after an epoch whose validation loss did not improve. */
    static final double PLATEAU_DECAY = 0.5;

    private final TrainingConfig cfg;
    private final Consumer<String> progress;

    public SiameseTrainer(TrainingConfig cfg, Consumer<String> progress) {
        this.cfg = cfg;
        this.progress = progress;
        NativeRuntime.configure();
    }

    public TrainingResult train(PairDataset data) {
        return train(ValidationSplit.of(data, cfg));
    }

    public TrainingResult train(ValidationSplit split) {
        return train(split, null);
    }

    /**
     * @param warmStart a model of the same shape to start from (its weights and its input
     *                  normalization, so the weights keep meaning what they meant), or null to
     *                  start from fresh random weights and statistics of this training part
     */
    public TrainingResult train(ValidationSplit split, ModelArtifact warmStart) {
        long start = System.nanoTime();
        EnsemblePolicy.Choice choice = EnsemblePolicy.choose(cfg.ensemble(), split.labelled().size());
        if (choice.automatic()) {
            progress.accept("ensemble of " + choice.members() + " (" + choice.rule() + ")");
        }
        Members members = trainMembers(split, warmStart, choice.members());
        double seconds = (System.nanoTime() - start) / 1e9;
        progress.accept(String.format(Locale.ROOT, "trained in %.1fs", seconds));
        return assemble(split, members, choice, seconds);
    }

    /**
     * Every member trained, each with its own selection run and refit (seeds seed, seed + 1, ...).
     *
     * @param finals   the encoders the artifact holds: refit ones, or the selection runs' own
     * @param seconds  each member's training time, selection and refit together
     */
    record Members(List<MemberRun> runs, List<EncoderMember> finals, Normalizer finalNorm, PairDataset finalData,
                   String inputScaling, List<Double> seconds) {
        /** Members from..to-1: what a run with seed (seed + from) and to - from members trains. */
        Members slice(int from, int to) {
            return new Members(runs.subList(from, to), finals.subList(from, to), finalNorm, finalData, inputScaling,
                    seconds.subList(from, to));
        }
    }

    /** Trains {@code count} members; {@link #assemble} makes a model of the first K of them. */
    Members trainMembers(ValidationSplit split, ModelArtifact warmStart, int count) {
        SplitReport report = split.report();
        progress.accept(String.format(Locale.ROOT, "split %s: %d training pairs, %d validation pairs%s;"
                + " %.1f%% of validation pairs share a vector with training pairs", report.kind().id(),
                report.trainPairs(), report.validationPairs(),
                report.droppedPairs() > 0 ? ", " + report.droppedPairs() + " pairs across the boundary left out" : "",
                100 * report.sharedVectorShare()));
        if (report.sharedVectorShare() > LEAKAGE_WARN_SHARE) {
            LOG.warn("{}% of validation pairs share a vector with training pairs: validation metrics are optimistic"
                    + " (--split disjoint avoids it; use a test file for honest numbers)",
                    String.format(Locale.ROOT, "%.1f", 100 * report.sharedVectorShare()));
        }
        if (warmStart != null) {
            checkWarmStartShape(warmStart, split.train().dim());
        }
        Normalizer selectionNorm = warmStart != null ? warmStart.normalizer()
                : Standardizer.fit(split.train(), cfg.scaling());
        PairDataset finalData = cfg.refit() ? split.labelled() : split.train();
        Normalizer finalNorm = !cfg.refit() || warmStart != null ? selectionNorm
                : Standardizer.fit(finalData, cfg.scaling());
        List<MemberRun> runs = new ArrayList<>();
        List<EncoderMember> finals = new ArrayList<>();
        List<Double> seconds = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            long t0 = System.nanoTime();
            if (count > 1) {
                progress.accept("ensemble member " + (k + 1) + " of " + count + " (seed " + (cfg.seed() + k) + ")");
            }
            MemberRun run = select(split, selectionNorm, cfg.seed() + k, warmMember(warmStart, k));
            runs.add(run);
            if (cfg.refit()) {
                progress.accept(String.format(Locale.ROOT, "refit%s on all %d labelled pairs for %d epochs",
                        count > 1 ? " of member " + (k + 1) : "", finalData.size(), run.bestEpoch()));
                finals.add(refit(finalData, finalNorm, run, warmMember(warmStart, k)));
            } else {
                finals.add(run.member());
            }
            seconds.add((System.nanoTime() - t0) / 1e9);
        }
        String scaling = warmStart != null && warmStart.inputScaling() != null ? warmStart.inputScaling()
                : cfg.scaling().id();
        return new Members(runs, finals, finalNorm, finalData, scaling, seconds);
    }

    /** The model of the first {@code k} members: threshold calibrated on their mean validation score. */
    TrainingResult assemble(ValidationSplit split, Members all, EnsemblePolicy.Choice choice, double seconds) {
        int k = choice.members();
        List<MemberRun> runs = all.runs().subList(0, k);
        ScoredPairs valScores = averaged(runs, split.validation().labels());
        float threshold = ThresholdCalibrator.calibrate(valScores, cfg.calibration());
        EvaluationReport valReport = EvaluationReport.of(valScores, threshold, cfg.margin());
        progress.accept(String.format(Locale.ROOT, "threshold %.4f calibrated on validation (%s)%s", threshold,
                cfg.calibration().name().toLowerCase(Locale.ROOT), k > 1 ? " over the members' mean score" : ""));
        ModelArtifact artifact = ModelArtifact.builder()
                .head(cfg.head())
                .threshold(threshold)
                .margin(cfg.margin())
                .normalizer(all.finalNorm())
                .members(all.finals().subList(0, k))
                .inputScaling(all.inputScaling())
                .build();
        MemberRun first = runs.get(0);
        List<TrainingResult.MemberSummary> summaries = runs.stream().map(r -> new TrainingResult.MemberSummary(
                r.seed(), r.bestEpoch(), r.history().size(), r.validationScores().auc())).toList();
        return new TrainingResult(artifact, first.history(), first.bestEpoch(), first.stoppedEarly(), seconds,
                split.train().size(), valReport, valScores, split.report(), cfg.scaling(), cfg.refit(),
                all.finalData().size(), summaries, choice);
    }

    /** One member's selection run: early stopping on validation loss, best epoch restored. */
    private MemberRun select(ValidationSplit split, Normalizer normalizer, long seed, EncoderMember warm) {
        PairDataset train = split.train();
        PairDataset val = split.validation();
        ComputationGraph graph = newGraph(train.dim(), seed, warm);
        BatchOutputs batchOutputs = new BatchOutputs(cfg.head());
        graph.addListeners(batchOutputs);
        Batches batches = new Batches(train, normalizer);
        INDArray valL = matrix(val.left(), normalizer);
        INDArray valR = matrix(val.right(), normalizer);
        Random shuffle = new Random(seed);
        List<EpochRecord> history = new ArrayList<>();
        List<Double> rates = new ArrayList<>();
        double bestLoss = Double.POSITIVE_INFINITY;
        INDArray bestParams = null;
        // The weights after each of the last epochs, enough to average the ones ending at the best epoch.
        Deque<INDArray> recent = new ArrayDeque<>();
        int bestEpoch = 0;
        int sinceBest = 0;
        boolean stoppedEarly = false;
        double learningRate = cfg.learningRate();
        for (int epoch = 1; epoch <= cfg.maxEpochs(); epoch++) {
            long t0 = System.nanoTime();
            rates.add(learningRate);
            EpochFit fit = fitEpoch(graph, batches, shuffle, batchOutputs);
            long fitted = System.nanoTime();
            // Early stopping needs the validation loss; accuracy and AUC come from the same scores.
            ScoredPairs valScores = new ScoredPairs(output(graph, valL, valR), val.labels(), cfg.head());
            double valLoss = valScores.loss(cfg.margin());
            EpochRecord rec = new EpochRecord(epoch, fit.loss(), valLoss, fit.accuracy(),
                    valScores.confusionAt(EvaluationReport.FIXED_THRESHOLD).accuracy(), valScores.auc(),
                    (System.nanoTime() - t0) / 1e9, (fitted - t0) / 1e9);
            history.add(rec);
            progress.accept(String.format(Locale.ROOT,
                    "epoch %3d  train loss %.4f  val loss %.4f  val acc %.4f  val AUC %.4f  %.2fs",
                    epoch, rec.trainLoss(), rec.validationLoss(), rec.validationAccuracy(), rec.validationAuc(), rec.seconds()));
            checkFinite(fit.loss(), epoch);
            if (cfg.averageEpochs() > 1) {
                recent.addLast(graph.params().dup());
                if (recent.size() > cfg.averageEpochs() + cfg.patience()) {
                    recent.removeFirst();
                }
            }
            if (valLoss < bestLoss) {
                bestLoss = valLoss;
                bestParams = graph.params().dup();
                bestEpoch = epoch;
                sinceBest = 0;
            } else if (++sinceBest >= cfg.patience()) {
                stoppedEarly = epoch < cfg.maxEpochs();
                break;
            } else {
                // Reduce-on-plateau: a validation loss that did not improve means the steps are too
                // coarse for this region; halve them. Patience still counts these epochs, so the
                // stopping rule is unchanged. Measured on digits64 over 3 seeds: test accuracy
                // 0.977-0.979 (min 0.977) vs 0.974-0.986 (min 0.974) without it: less seed variance.
                learningRate *= PLATEAU_DECAY;
                graph.setLearningRate(learningRate);
            }
        }
        if (cfg.averageEpochs() > 1) {
            // recent ends at the last epoch run; the best is (epochs run - best) before it.
            List<INDArray> upToBest = new ArrayList<>(recent).subList(0, recent.size() - (history.size() - bestEpoch));
            bestParams = mean(upToBest.subList(Math.max(0, upToBest.size() - cfg.averageEpochs()), upToBest.size()));
        }
        graph.setParams(bestParams);
        ScoredPairs valScores = new ScoredPairs(output(graph, valL, valR), val.labels(), cfg.head());
        progress.accept(String.format(Locale.ROOT, "restored best epoch %d of %d (val loss %.4f)", bestEpoch,
                history.size(), bestLoss));
        return new MemberRun(seed, export(graph), history, bestEpoch, stoppedEarly,
                rates.subList(0, bestEpoch), valScores);
    }

    /** Trains a fresh graph (same seed as the member's selection run) on all labelled pairs for its epoch count. */
    private EncoderMember refit(PairDataset all, Normalizer normalizer, MemberRun run, EncoderMember warm) {
        ComputationGraph graph = newGraph(all.dim(), run.seed(), warm);
        Batches batches = new Batches(all, normalizer);
        Random shuffle = new Random(run.seed());
        List<INDArray> last = new ArrayList<>();
        for (int epoch = 0; epoch < run.bestEpoch(); epoch++) {
            graph.setLearningRate(run.learningRates().get(epoch));
            checkFinite(fitEpoch(graph, batches, shuffle, null).loss(), epoch + 1);
            if (cfg.averageEpochs() > 1 && epoch >= run.bestEpoch() - cfg.averageEpochs()) {
                last.add(graph.params().dup());
            }
        }
        if (!last.isEmpty()) {
            graph.setParams(mean(last));
        }
        return export(graph);
    }

    private ComputationGraph newGraph(int dim, long seed, EncoderMember warm) {
        Nd4j.getRandom().setSeed(seed);
        ComputationGraph graph = SiameseNetwork.build(dim, cfg.withSeed(seed));
        if (warm != null) {
            SiameseNetwork.importWeights(graph, warm.encoder(), warm.headLayer());
        }
        return graph;
    }

    /**
     * The mean of weight vectors from consecutive epochs. Late in training, with the learning rate
     * halved on every plateau, they lie around one basin; their mean sits nearer its centre than any
     * of them, which averages out the last epochs' mini-batch noise (stochastic weight averaging).
     */
    private static INDArray mean(List<INDArray> params) {
        INDArray sum = params.get(0).dup();
        for (int i = 1; i < params.size(); i++) {
            sum.addi(params.get(i));
        }
        return sum.divi(params.size());
    }

    private EncoderMember export(ComputationGraph graph) {
        return new EncoderMember(SiameseNetwork.exportEncoder(graph, cfg.hiddenSizes().size()),
                cfg.head() == Head.BCE ? SiameseNetwork.exportHead(graph) : null);
    }

    private ScoredPairs averaged(List<MemberRun> runs, int[] labels) {
        float[] mean = new float[labels.length];
        for (MemberRun r : runs) {
            float[] s = r.validationScores().scores();
            for (int i = 0; i < mean.length; i++) {
                mean[i] += s[i] / runs.size();
            }
        }
        return new ScoredPairs(mean, labels, cfg.head());
    }

    private static EncoderMember warmMember(ModelArtifact warmStart, int k) {
        return warmStart == null ? null : warmStart.members().get(k % warmStart.ensembleSize());
    }

    private static void checkFinite(double trainLoss, int epoch) {
        if (!Double.isFinite(trainLoss)) {
            throw new IllegalStateException("training diverged at epoch " + epoch + " (loss " + trainLoss
                    + "); try a lower learning rate");
        }
    }

    private void checkWarmStartShape(ModelArtifact m, int dim) {
        for (EncoderMember member : m.members()) {
            List<Integer> sizes = member.encoder().stream().map(DenseLayer::out).toList();
            if (m.inputDim() != dim || m.head() != cfg.head() || !sizes.equals(cfg.hiddenSizes())) {
                throw new IllegalArgumentException("cannot warm-start from " + m + " with layers " + sizes
                        + ": training wants dim " + dim + ", head " + cfg.head().id() + ", layers " + cfg.hiddenSizes());
            }
        }
    }

    /** An epoch's running training figures, over its mini-batches (with dropout, as Keras reports them). */
    private record EpochFit(double loss, double accuracy) {
    }

    /**
     * The pairs to fit, scaled once into native arrays: the two sides and the label column, gathered
     * into each epoch's shuffled order natively (the labels too, so no array is built in Java per
     * batch).
     */
    private static final class Batches {
        final INDArray left;
        final INDArray right;
        final INDArray labelColumn;
        final int[] labels;

        Batches(PairDataset data, Normalizer normalizer) {
            left = matrix(data.left(), normalizer);
            right = matrix(data.right(), normalizer);
            labels = data.labels();
            float[][] y = new float[labels.length][1];
            for (int i = 0; i < labels.length; i++) {
                y[i][0] = labels[i];
            }
            labelColumn = Nd4j.create(y);
        }
    }

    /**
     * One pass over the shuffled training pairs: the mean mini-batch loss and, when
     * {@code outputs} is given, the share of pairs each batch's forward pass got right at the fixed
     * threshold.
     */
    private EpochFit fitEpoch(ComputationGraph graph, Batches data, Random shuffle, BatchOutputs outputs) {
        int[] labels = data.labels;
        int n = labels.length;
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = shuffle.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        boolean twoOutputs = graph.getNumOutputArrays() == 2;
        // One gather per epoch into shuffled order; each mini-batch is then a view of consecutive
        // rows: three native ops per epoch instead of three per batch.
        INDArray left = Nd4j.pullRows(data.left, 1, order);
        INDArray right = Nd4j.pullRows(data.right, 1, order);
        INDArray y = Nd4j.pullRows(data.labelColumn, 1, order);
        double lossSum = 0;
        long correct = 0;
        for (int from = 0; from < n; from += cfg.batchSize()) {
            int to = Math.min(n, from + cfg.batchSize());
            int[] idx = Arrays.copyOfRange(order, from, to);
            INDArrayIndex rows = NDArrayIndex.interval(from, to);
            INDArray batchY = y.get(rows, NDArrayIndex.all());
            graph.fit(new INDArray[] {left.get(rows, NDArrayIndex.all()), right.get(rows, NDArrayIndex.all())},
                    twoOutputs ? new INDArray[] {batchY, batchY} : new INDArray[] {batchY});
            lossSum += graph.score() * idx.length;
            float[] scores = outputs == null ? null : outputs.last();
            if (scores != null) {
                for (int k = 0; k < idx.length; k++) {
                    if (cfg.head().isSame(scores[k], EvaluationReport.FIXED_THRESHOLD) == (labels[idx[k]] == 1)) {
                        correct++;
                    }
                }
            }
        }
        return new EpochFit(lossSum / n, outputs == null ? Double.NaN : (double) correct / n);
    }

    static float[] output(ComputationGraph graph, INDArray left, INDArray right) {
        return graph.output(false, left, right)[0].reshape(left.size(0)).toFloatVector();
    }

    static INDArray matrix(float[][] rows, Normalizer normalizer) {
        float[][] out = new float[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            out[i] = normalizer.apply(rows[i]);
        }
        return Nd4j.create(out);
    }
}
