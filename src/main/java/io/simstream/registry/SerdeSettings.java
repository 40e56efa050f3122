package io.simstream.registry;

/**
 * How serializers pick the schema id they write, with Confluent's setting names and defaults.
 *
 * @param autoRegister              auto.register.schemas: register an output schema the subject lacks
 * @param useLatestVersion          use.latest.version: write with the subject's latest version
 * @param latestCompatibilityStrict latest.compatibility.strict: the latest must read our records
 * @param valueStrategy             value.subject.name.strategy
 * @param keyStrategy               key.subject.name.strategy
 */
public record SerdeSettings(boolean autoRegister, boolean useLatestVersion, boolean latestCompatibilityStrict,
                            SubjectNameStrategy valueStrategy, SubjectNameStrategy keyStrategy) {
    public static final SerdeSettings DEFAULT = new SerdeSettings(true, false, true, SubjectNameStrategy.TOPIC_NAME,
            SubjectNameStrategy.TOPIC_NAME);

    public SubjectNameStrategy strategy(boolean isKey) {
        return isKey ? keyStrategy : valueStrategy;
    }
}
