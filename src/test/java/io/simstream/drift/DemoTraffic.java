package io.simstream.drift;

import io.simstream.data.PairDataset;
import io.simstream.data.Standardizer;
import io.simstream.data.SyntheticPairs;
import io.simstream.model.ModelArtifact;
import io.simstream.model.PairScorer;
import io.simstream.model.PairScorers;
import io.simstream.testkit.TestModels;
import java.util.Arrays;
import java.util.Optional;
import java.util.Random;

/**
 * The demo's traffic without Kafka: dimension 32, synthetic distribution A before the shift and B
 * (SyntheticPairs shift 1) after it, as demo/PairSource sends them. The model is a small random
 * network whose normalizer is fitted on A (no training: the unit tests stay fast; bench drift uses
 * a model trained as the demo trains it). Streams draw at random from pre-scored pools.
 */
final class DemoTraffic {
    static final int DIM = 32;
    static final int POOL = 20_000;

    final ModelArtifact model;
    final Pool referencePool;
    final Pool stationary;
    final Pool shifted;

    record Pool(PairDataset data, float[] scores) {
        int size() {
            return scores.length;
        }
    }

    DemoTraffic() {
        PairDataset train = SyntheticPairs.generate(SyntheticPairs.Spec.of(3_000, DIM, 1));
        model = TestModels.random(DIM, 7).toBuilder().name("demo").version(2)
                .normalizer(Standardizer.fit(train)).build();
        referencePool = pool(0.5, 0.0, 101);
        stationary = pool(0.5, 0.0, 102);
        shifted = pool(0.5, 1.0, 103);
    }

    Pool pool(double positiveRate, double shift, long seed) {
        PairDataset d = SyntheticPairs.generate(new SyntheticPairs.Spec(POOL, DIM, seed, positiveRate,
                SyntheticPairs.Difficulty.MEDIUM, shift));
        PairScorer scorer = PairScorers.fastest(model);
        float[] s = new float[d.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = scorer.score(d.left()[i], d.right()[i]);
        }
        return new Pool(d, s);
    }

    /** A reference as training would capture it: pairs held out from everything else, fresh per call. */
    DriftReference reference(int pairs, Random rnd) {
        int[] idx = new int[referencePool.size()];
        Arrays.setAll(idx, i -> i);
        for (int i = 0; i < pairs; i++) {
            int j = i + rnd.nextInt(idx.length - i);
            int t = idx[i];
            idx[i] = idx[j];
            idx[j] = t;
        }
        return DriftReferences.of(model, referencePool.data().select(Arrays.copyOf(idx, pairs), "held out"),
                "held-out sample", true);
    }

    DriftDetector detector(DriftSettings settings, Random rnd) {
        return new DriftDetector(model.name(), model.version(), reference(2_000, rnd), model.normalizer(), settings);
    }

    /** One random pair of the pool, dated as at 200 pairs/s. */
    static Optional<DriftAlarm> feed(DriftDetector det, Pool pool, Random rnd, long pairIndex) {
        int k = rnd.nextInt(pool.size());
        return det.observe(pairIndex * 5, pool.scores()[k], pool.data().left()[k], pool.data().right()[k]);
    }

    /** Feeds count pairs; returns the alarms raised. */
    static int feed(DriftDetector det, Pool pool, Random rnd, long firstIndex, int count) {
        int alarms = 0;
        for (long i = firstIndex; i < firstIndex + count; i++) {
            alarms += feed(det, pool, rnd, i).isPresent() ? 1 : 0;
        }
        return alarms;
    }
}
