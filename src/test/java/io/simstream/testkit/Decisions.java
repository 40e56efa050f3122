package io.simstream.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.simstream.avro.PairDecision;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Checks on the decisions a test read back. */
public final class Decisions {
    private Decisions() {
    }

    /** Exactly the expected pairs were decided, each of them once. */
    public static void assertExactlyOnce(List<ConsumerRecord<String, PairDecision>> seen, Set<String> expected) {
        Map<String, Integer> counts = new HashMap<>();
        seen.forEach(r -> counts.merge(r.value().getPairId(), 1, Integer::sum));
        assertEquals(expected, counts.keySet(), "decided pairs");
        counts.forEach((id, n) -> assertEquals(1, n, "decisions for pair " + id));
    }
}
