package io.simstream.deploy;

import io.simstream.testkit.FreePort;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

/** Free host ports on 127.0.0.1 for one compose run, and the variables that give them to docker-compose.yml. */
record StackPorts(int kafka, int registry, int firstScorer, int retrainer) {
    static StackPorts pick() {
        while (true) {
            StackPorts p = new StackPorts(FreePort.onLoopback(), FreePort.onLoopback(), FreePort.range(2),
                    FreePort.onLoopback());
            // Each pick is free on its own; the four must also differ from each other.
            if (new HashSet<>(List.of(p.kafka, p.registry, p.firstScorer, p.firstScorer + 1, p.retrainer)).size() == 5) {
                return p;
            }
        }
    }

    String kafkaBootstrap() {
        return "127.0.0.1:" + kafka;
    }

    /** One port per scorer replica: the engine hands each replica one port of the range. */
    List<Integer> scorers() {
        return List.of(firstScorer, firstScorer + 1);
    }

    Map<String, String> env() {
        return Map.of("KAFKA_HOST_PORT", String.valueOf(kafka),
                "REGISTRY_HOST_PORT", String.valueOf(registry),
                "SCORER_METRICS_PORTS", firstScorer + "-" + (firstScorer + 1),
                "RETRAINER_METRICS_PORT", String.valueOf(retrainer));
    }
}
