package io.simstream.bench;

import io.simstream.config.ScoringConfig;
import io.simstream.scoring.ServeRunner;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * `serve` with the pass-through scorer, as the child process `bench e2e` compares the real
 * `serve` against: the same settings, topology and process, minus the kernel. Arguments are
 * name=value settings, after an optional --config FILE (the settings file `serve --config` reads).
 */
public final class PassThroughServe {
    private PassThroughServe() {
    }

    public static void main(String[] args) throws InterruptedException {
        Map<String, String> flags = new LinkedHashMap<>();
        Path file = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--config") && i + 1 < args.length) {
                file = Path.of(args[++i]);
                continue;
            }
            int eq = a.indexOf('=');
            if (eq < 1) {
                throw new IllegalArgumentException("expected name=value, got '" + a + "'");
            }
            flags.put(a.substring(0, eq), a.substring(eq + 1));
        }
        System.exit(ServeRunner.run(ScoringConfig.load(file, System.getenv(), flags), PassThroughScorer::new));
    }
}
