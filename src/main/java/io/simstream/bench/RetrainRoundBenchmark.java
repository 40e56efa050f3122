package io.simstream.bench;

import io.simstream.avro.LabeledPair;
import io.simstream.avro.ModelEvent;
import io.simstream.data.PairDataset;
import io.simstream.data.SyntheticPairs;
import io.simstream.data.Vectors;
import io.simstream.model.ModelArtifact;
import io.simstream.retraining.GateMetric;
import io.simstream.retraining.PromotionGate;
import io.simstream.retraining.RetrainJob;
import io.simstream.training.Dl4jChallengerTrainer;
import io.simstream.training.SiameseTrainer;
import io.simstream.training.TrainingConfig;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The time of one retraining round on the demo's window, without Kafka: the demo's bootstrap
 * champion (the defaults on 3,000 synthetic pairs, 30 epochs at most), then RetrainJob rounds on a
 * window as the demo's retrainer sees it right after the distribution shift (2 x 2,000 labels: the
 * older half from distribution A, the newer from B, newest last; the newest 20% is the gate's
 * holdout), trained as the demo trains challengers (the defaults, 30 epochs at most, validation on
 * the newest fifth, warm start from the champion). Every round is the same work, so the median of
 * a few says what a round costs on this machine.
 */
public final class RetrainRoundBenchmark {
    /** One round: what the gate decided and how long the round took. */
    public record Round(String eventType, long millis, double challengerAuc) {
    }

    private final int dim;
    private final int window;

    public RetrainRoundBenchmark(int dim, int window) {
        this.dim = dim;
        this.window = window;
    }

    public List<Round> run(int rounds, Consumer<String> progress) {
        TrainingConfig demo = TrainingConfig.defaults().withMaxEpochs(30);
        PairDataset bootstrapData = SyntheticPairs.generate(SyntheticPairs.Spec.of(3000, dim, 1));
        long t0 = System.nanoTime();
        ModelArtifact champion = new SiameseTrainer(demo, line -> { }).train(bootstrapData).artifact().withName("bench");
        progress.accept(String.format(Locale.ROOT, "bootstrap champion trained in %.1f s",
                (System.nanoTime() - t0) / 1e9));
        List<LabeledPair> labels = new ArrayList<>();
        labels.addAll(labeled(SyntheticPairs.generate(SyntheticPairs.Spec.of(window / 2, dim, 1000)), 0));
        labels.addAll(labeled(SyntheticPairs.generate(SyntheticPairs.Spec.of(window - window / 2, dim, 1001)
                .withShift(1.0)), window / 2));
        RetrainJob job = new RetrainJob("bench", new Dl4jChallengerTrainer(
                demo.withSplit(TrainingConfig.Split.ROW_ORDER, 0.2), true),
                new PromotionGate(GateMetric.AUC, 0.005, 0.6), 0.2, artifact -> 1L, Clock.systemUTC());
        List<Round> out = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            ModelEvent e = job.run(labels, champion);
            Round r = new Round(e.getEventType(), e.getDurationMs(),
                    e.getChallengerMetric() == null ? Double.NaN : e.getChallengerMetric());
            progress.accept(String.format(Locale.ROOT, "round %d: %s in %.1f s (challenger AUC %.4f on the holdout)",
                    i + 1, r.eventType(), r.millis() / 1000.0, r.challengerAuc()));
            out.add(r);
        }
        return out;
    }

    private static List<LabeledPair> labeled(PairDataset d, int firstId) {
        List<LabeledPair> out = new ArrayList<>();
        for (int i = 0; i < d.size(); i++) {
            out.add(LabeledPair.newBuilder().setId("p" + (firstId + i)).setLeft(Vectors.toList(d.left()[i]))
                    .setRight(Vectors.toList(d.right()[i])).setSame(d.labels()[i] == 1)
                    .setLabeledAt(Instant.ofEpochMilli(firstId + i)).setSource("bench").build());
        }
        return out;
    }
}
