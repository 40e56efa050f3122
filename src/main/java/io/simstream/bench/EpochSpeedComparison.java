package io.simstream.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.simstream.data.PairDataset;
import io.simstream.evaluation.EpochRecord;
import io.simstream.training.SiameseTrainer;
import io.simstream.training.TrainingConfig;
import io.simstream.training.TrainingResult;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.ToDoubleFunction;

/**
 * Per-epoch training time of simstream against the user's PyTorch reference, on the same files in
 * one run. Like with like: both one thread, the same network, batch, optimiser, split, input
 * scaling and early-stopping rule; each side's median over its epochs (so the number of epochs
 * early stopping ran does not matter). An epoch is the fit plus what early stopping needs:
 * the reference computes the validation loss, simstream the validation loss and, from the same
 * scores, validation accuracy and AUC. The two alternate, round after round, so a change in the
 * machine's load falls on both; the ratio is the median of the rounds' medians.
 */
public final class EpochSpeedComparison {
    /** One round: a simstream selection run and a reference run, medians over their epochs. */
    public record Round(int epochs, double epochSeconds, double fitSeconds, TorchReference.Run torch) {
        double epochRatio() {
            return epochSeconds / torch.medianEpochSeconds();
        }
    }

    /** All rounds and the ratios of their medians (simstream / PyTorch; below 1 = simstream faster). */
    public record Result(List<Round> rounds, double epochSeconds, double fitSeconds, double torchEpochSeconds,
                         double torchFitSeconds) {
        public double epochRatio() {
            return epochSeconds / torchEpochSeconds;
        }

        public double fitRatio() {
            return fitSeconds / torchFitSeconds;
        }

        public ObjectNode toJson() {
            ObjectNode n = JsonNodeFactory.instance.objectNode();
            n.put("what", "median seconds per epoch, simstream selection run vs the PyTorch reference"
                    + " (scripts/torch_reference.py --scaling global), one thread each, alternating rounds");
            n.put("simstreamEpochSeconds", epochSeconds).put("simstreamFitSeconds", fitSeconds)
                    .put("torchEpochSeconds", torchEpochSeconds).put("torchFitSeconds", torchFitSeconds)
                    .put("epochRatio", epochRatio()).put("fitRatio", fitRatio());
            var a = n.putArray("rounds");
            for (Round r : rounds) {
                a.addObject().put("simstreamEpochs", r.epochs()).put("simstreamEpochSeconds", r.epochSeconds())
                        .put("simstreamFitSeconds", r.fitSeconds()).put("torchEpochs", r.torch().epochs())
                        .put("torchEpochSeconds", r.torch().medianEpochSeconds())
                        .put("torchFitSeconds", r.torch().medianFitSeconds())
                        .put("torchTestAccuracy", r.torch().testAccuracy()).put("loadAverage", r.torch().loadAverage())
                        .put("epochRatio", r.epochRatio());
            }
            return n;
        }
    }

    private EpochSpeedComparison() {
    }

    public static Result run(Path trainFile, Path testFile, PairDataset train, TrainingConfig base,
                             TorchReference torch, int rounds, Consumer<String> progress) throws IOException {
        TrainingConfig selection = base.withRefit(false).withEnsemble(1);
        List<Round> done = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            TorchReference.Run ref = null;
            if (i % 2 == 0) {
                ref = torch.run(trainFile, testFile, base.seed(), progress);
            }
            TrainingResult r = new SiameseTrainer(selection, line -> { }).train(train);
            Round round = new Round(r.epochsRun(), median(r.history(), EpochRecord::seconds),
                    median(r.history(), EpochRecord::fitSeconds), ref);
            progress.accept(String.format(Locale.ROOT, "simstream: %d epochs, median epoch %.3f s (fit %.3f s)",
                    round.epochs(), round.epochSeconds(), round.fitSeconds()));
            if (ref == null) {
                round = new Round(round.epochs(), round.epochSeconds(), round.fitSeconds(),
                        torch.run(trainFile, testFile, base.seed(), progress));
            }
            progress.accept(String.format(Locale.ROOT, "round %d of %d: epoch time %.2fx PyTorch's", i + 1, rounds,
                    round.epochRatio()));
            done.add(round);
        }
        return new Result(done, median(done, Round::epochSeconds), median(done, Round::fitSeconds),
                median(done, r -> r.torch().medianEpochSeconds()), median(done, r -> r.torch().medianFitSeconds()));
    }

    static <T> double median(List<T> items, ToDoubleFunction<T> value) {
        double[] v = items.stream().mapToDouble(value).sorted().toArray();
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }
}
