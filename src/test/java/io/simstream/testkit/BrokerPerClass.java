package io.simstream.testkit;

import io.simstream.embedded.EmbeddedKafka;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real single-node KRaft broker for one test class, as Kafka's own Streams integration tests
 * do: {@code @RegisterExtension static final BrokerPerClass KAFKA = new BrokerPerClass();}.
 */
public final class BrokerPerClass implements BeforeAllCallback, AfterAllCallback {
    private final Map<String, String> brokerProps;
    private EmbeddedKafka kafka;

    public BrokerPerClass() {
        this(Map.of());
    }

    /** With these broker properties on top of the single-node ones. */
    public BrokerPerClass(Map<String, String> brokerProps) {
        this.brokerProps = Map.copyOf(brokerProps);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        kafka = EmbeddedKafka.start(brokerProps);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (kafka != null) {
            kafka.close();
        }
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }
}
