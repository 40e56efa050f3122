package io.simstream.bench;

import io.simstream.config.ScoringConfig;
import io.simstream.scoring.ServeRunner;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * `serve` with the pass-through scorer, as the child process `bench e2e` compares the real
 * `serve` against: the same settings, topology and process, minus the kernel. Arguments are
 * name=value settings.
 */
public final class PassThroughServe {
    private PassThroughServe() {
    }

    public static void main(String[] args) throws InterruptedException {
        Map<String, String> flags = new LinkedHashMap<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            if (eq < 1) {
                throw new IllegalArgumentException("expected name=value, got '" + a + "'");
            }
            flags.put(a.substring(0, eq), a.substring(eq + 1));
        }
        System.exit(ServeRunner.run(ScoringConfig.load(null, System.getenv(), flags), PassThroughScorer::new));
    }
}
