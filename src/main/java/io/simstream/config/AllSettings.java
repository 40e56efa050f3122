package io.simstream.config;

import java.util.Set;
import java.util.TreeSet;

/** The names every simstream command declares, so a shared file or environment is not a typo elsewhere. */
final class AllSettings {
    private AllSettings() {
    }

    static Set<String> names() {
        Set<String> all = new TreeSet<>();
        ClusterConfig.FIELDS.forEach(f -> all.add(f.name()));
        ScoringConfig.FIELDS.forEach(f -> all.add(f.name()));
        RetrainConfig.FIELDS.forEach(f -> all.add(f.name()));
        return all;
    }
}
