package io.simstream.registry;

import java.util.Locale;
import org.apache.avro.Schema;

/** Confluent's subject name strategies, under their short names or their class names. */
public enum SubjectNameStrategy {
    /** "orders" -> "orders-key" / "orders-value". */
    TOPIC_NAME("TopicNameStrategy"),
    /** The record's full name, whatever the topic. */
    RECORD_NAME("RecordNameStrategy"),
    /** "orders-io.simstream.avro.VectorPair". */
    TOPIC_RECORD_NAME("TopicRecordNameStrategy");

    private static final String CONFLUENT_PACKAGE = "io.confluent.kafka.serializers.subject.";
    private final String confluentName;

    SubjectNameStrategy(String confluentName) {
        this.confluentName = confluentName;
    }

    public String subject(String topic, boolean isKey, Schema schema) {
        return switch (this) {
            case TOPIC_NAME -> topic + (isKey ? "-key" : "-value");
            case RECORD_NAME -> schema.getFullName();
            case TOPIC_RECORD_NAME -> topic + "-" + schema.getFullName();
        };
    }

    public String confluentName() {
        return confluentName;
    }

    /** "TopicNameStrategy", "io.confluent.kafka.serializers.subject.TopicNameStrategy" (case-insensitive short names). */
    public static SubjectNameStrategy parse(String text) {
        String t = text.trim();
        if (t.startsWith(CONFLUENT_PACKAGE)) {
            t = t.substring(CONFLUENT_PACKAGE.length());
        }
        for (SubjectNameStrategy s : values()) {
            if (s.confluentName.toLowerCase(Locale.ROOT).equals(t.toLowerCase(Locale.ROOT))) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown subject name strategy '" + text + "': one of TopicNameStrategy,"
                + " RecordNameStrategy, TopicRecordNameStrategy (or Confluent's class names)");
    }
}
