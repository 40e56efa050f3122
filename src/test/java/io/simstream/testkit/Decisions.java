package io.simstream.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.simstream.avro.PairDecision;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Checks on the decisions a test read back. */
public final class Decisions {
    private Decisions() {
    }

    /**
     * Exactly the expected pairs were decided, each of them once, each decision keyed like its pair:
     * the one exactly-once check every test uses (on records read with read_committed).
     */
    public static void assertExactlyOnce(List<ConsumerRecord<String, PairDecision>> seen, Set<String> expected) {
        Map<String, Integer> counts = new TreeMap<>();
        seen.forEach(r -> counts.merge(r.value().getPairId(), 1, Integer::sum));
        Map<String, Integer> repeated = new TreeMap<>(counts);
        repeated.values().removeIf(n -> n == 1);
        assertEquals(Map.of(), repeated, "pairs decided more than once");
        assertEquals(new TreeSet<>(expected), counts.keySet(), "decided pairs");
        for (ConsumerRecord<String, PairDecision> r : seen) {
            assertEquals(r.key(), r.value().getPairId(), "decision keyed like its pair");
        }
    }

    /** The ids prefix0 .. prefix(count-1), as the tests' pair generators name pairs. */
    public static Set<String> ids(String prefix, int count) {
        Set<String> ids = new TreeSet<>();
        for (int i = 0; i < count; i++) {
            ids.add(prefix + i);
        }
        return ids;
    }
}
