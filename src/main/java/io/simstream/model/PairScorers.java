package io.simstream.model;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks the scoring kernel at run time. The Vector API is an incubator module that a jar
 * manifest cannot enable, so {@code java -jar} without {@code --add-modules jdk.incubator.vector}
 * must still score: then the plain-loop kernel is used.
 */
public final class PairScorers {
    private static final Logger LOG = LoggerFactory.getLogger(PairScorers.class);
    private static final boolean VECTOR_AVAILABLE = probeVectorModule();

    private PairScorers() {
    }

    /** The fastest kernel this JVM can run; for an ensemble, one per member, scores averaged. */
    public static PairScorer fastest(ModelArtifact model) {
        return perMember(model, PairScorers::fastestSingle);
    }

    public static PairScorer scalar(ModelArtifact model) {
        return perMember(model, ScalarPairScorer::new);
    }

    private static PairScorer perMember(ModelArtifact model, Function<ModelArtifact, PairScorer> kernel) {
        if (model.ensembleSize() == 1) {
            return kernel.apply(model);
        }
        List<PairScorer> members = new ArrayList<>();
        for (int i = 0; i < model.ensembleSize(); i++) {
            members.add(kernel.apply(model.member(i)));
        }
        return new EnsemblePairScorer(model, members);
    }

    private static PairScorer fastestSingle(ModelArtifact model) {
        if (VECTOR_AVAILABLE) {
            try {
                return new VectorPairScorer(model);
            } catch (LinkageError e) {
                LOG.warn("Vector API kernel unavailable ({}), using the scalar kernel", e.toString());
            }
        }
        return new ScalarPairScorer(model);
    }

    /** Whether jdk.incubator.vector is resolved in this JVM (started with --add-modules jdk.incubator.vector). */
    public static boolean vectorApiAvailable() {
        return VECTOR_AVAILABLE;
    }

    private static boolean probeVectorModule() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return false;
        }
        try {
            return VectorPairScorer.lanes() > 1;
        } catch (LinkageError | RuntimeException e) {
            return false;
        }
    }
}
