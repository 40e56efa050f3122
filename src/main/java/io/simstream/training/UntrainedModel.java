package io.simstream.training;

import io.simstream.model.Head;
import io.simstream.model.ModelArtifact;
import io.simstream.model.Normalizer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The network as training starts it: freshly initialised weights, exported as an artifact, so a
 * plain-Java kernel can show what an untrained model says about a file's pairs.
 */
public final class UntrainedModel {
    private UntrainedModel() {
    }

    /** The contrastive (distance) network of {@code cfg}'s shape at initialisation, reading inputs through {@code normalizer}. */
    public static ModelArtifact distanceModel(int dim, TrainingConfig cfg, Normalizer normalizer) {
        NativeRuntime.configure();
        Nd4j.getRandom().setSeed(cfg.seed());
        TrainingConfig shape = cfg.withHead(Head.CONTRASTIVE);
        ComputationGraph graph = SiameseNetwork.build(dim, shape);
        return ModelArtifact.builder().name("untrained").head(Head.CONTRASTIVE).threshold(0.5f).margin(cfg.margin())
                .normalizer(normalizer).encoder(SiameseNetwork.exportEncoder(graph, shape.hiddenSizes().size())).build();
    }
}
