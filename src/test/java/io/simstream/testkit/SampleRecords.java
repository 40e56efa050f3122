package io.simstream.testkit;

import io.simstream.avro.DeadLetter;
import io.simstream.avro.LabeledPair;
import io.simstream.avro.ModelEvent;
import io.simstream.avro.ModelRecord;
import io.simstream.avro.PairDecision;
import io.simstream.avro.VectorPair;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/** One filled-in record of every schema, with values that survive float/double round trips exactly. */
public final class SampleRecords {
    public static final Instant AT = Instant.ofEpochMilli(1_767_000_000_123L);

    private SampleRecords() {
    }

    public static VectorPair vectorPair(String id) {
        return VectorPair.newBuilder().setId(id)
                .setLeft(List.of(0.5f, -1.25f, 3.0f, 0.0f))
                .setRight(List.of(1.0f, 2.5f, -0.75f, 8.0f))
                .setEventTime(AT)
                .setAttributes(Map.of("origin", "test", "k", "v"))
                .build();
    }

    public static LabeledPair labeledPair(String id) {
        return LabeledPair.newBuilder().setId(id).setLeft(List.of(1.5f, 2.0f)).setRight(List.of(-1.5f, 0.25f))
                .setSame(true).setLabeledAt(AT).setSource("annotator-7").build();
    }

    public static PairDecision pairDecision(String id) {
        return PairDecision.newBuilder().setPairId(id).setScore(0.375f).setSame(false).setThreshold(0.5f)
                .setModelName("siamese").setModelVersion(3).setHead("contrastive").setScoredAt(AT).setEventTime(AT.minusMillis(40)).build();
    }

    public static DeadLetter deadLetter(String id) {
        return DeadLetter.newBuilder().setOriginalKey(ByteBuffer.wrap(id.getBytes(StandardCharsets.UTF_8)))
                .setOriginalValue(ByteBuffer.wrap(new byte[] {1, 2, 3, (byte) 0xff}))
                .setSourceTopic("pairs").setSourcePartition(2).setSourceOffset(123_456_789_012L)
                .setErrorType("DESERIALIZATION").setReason("UNKNOWN_MAGIC_BYTE: unknown magic byte 1").setFailedAt(AT)
                .setApplication("simstream-scorer").build();
    }

    public static ModelRecord modelRecord(String name) {
        return ModelRecord.newBuilder().setName(name).setVersion(7).setSha256("ab".repeat(32))
                .setArtifact(ByteBuffer.wrap(new byte[] {9, 8, 7, 6, 5})).setHead("bce").setInputDim(64)
                .setPublishedAt(AT).setMetadata(Map.of("auc", "0.997")).build();
    }

    public static ModelEvent modelEvent(String name) {
        return ModelEvent.newBuilder().setModelName(name).setEventType("PUBLISHED").setChampionVersion(6L).setChallengerVersion(7L)
                .setChampionMetric(0.96).setChallengerMetric(0.975).setWindowSize(1000).setHoldoutSize(200)
                .setDurationMs(2_750).setReason("challenger wins").setAt(AT).build();
    }

    /** Every record type once. */
    public static List<SpecificRecord> all(String id) {
        return List.of(vectorPair(id), labeledPair(id), pairDecision(id), deadLetter(id), modelRecord(id), modelEvent(id));
    }
}
