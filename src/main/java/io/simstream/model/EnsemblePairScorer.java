package io.simstream.model;

import java.util.List;

/**
 * Scores a pair with every member of an ensemble and returns the mean: the mean distance for
 * the contrastive head, the mean probability for BCE. Averaging scores (not embeddings) is what
 * makes members trained from different seeds combinable: their embedding spaces are unrelated,
 * but their distances all answer the same question on the same scale.
 */
final class EnsemblePairScorer implements PairScorer {
    private final ModelArtifact model;
    private final PairScorer[] members;

    EnsemblePairScorer(ModelArtifact model, List<PairScorer> members) {
        if (members.size() != model.ensembleSize()) {
            throw new IllegalArgumentException(members.size() + " kernels for an ensemble of " + model.ensembleSize());
        }
        this.model = model;
        this.members = members.toArray(new PairScorer[0]);
    }

    @Override
    public float score(float[] left, float[] right) {
        float sum = 0f;
        for (PairScorer m : members) {
            sum += m.score(left, right);
        }
        return sum / members.length;
    }

    @Override
    public ModelArtifact model() {
        return model;
    }
}
