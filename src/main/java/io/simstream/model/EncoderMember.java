package io.simstream.model;

import java.util.List;

/**
 * One trained encoder of an ensemble and, for the BCE head, its Dense(embedding -> 1) layer.
 * Every member reads the same normalized input; the kernel averages the members' scores.
 */
public record EncoderMember(List<DenseLayer> encoder, DenseLayer headLayer) {
    public EncoderMember {
        encoder = List.copyOf(encoder);
    }

    public int embeddingDim() {
        return encoder.get(encoder.size() - 1).out();
    }
}
