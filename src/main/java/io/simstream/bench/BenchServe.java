package io.simstream.bench;

import io.simstream.embedded.ServeProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How the benchmarks start their scorer: `serve` (or the pass-through baseline) as a child JVM with
 * the benchmark's settings file and settings as flags. It inherits this process's environment
 * (SIMSTREAM_*), so a benchmark against a real cluster reads the same settings as the user's serve.
 */
final class BenchServe {
    private BenchServe() {
    }

    static ServeProcess start(boolean passThrough, Path configFile, Map<String, String> settings,
                              List<String> jvmOptions, Path logDir, String name) throws IOException {
        int port = ServeProcess.freeLoopbackPort();
        List<String> args = new ArrayList<>();
        if (!passThrough) {
            args.add("serve");
        }
        if (configFile != null) {
            args.addAll(List.of("--config", configFile.toString()));
        }
        settings.forEach((k, v) -> flag(args, passThrough, k + "=" + v));
        flag(args, passThrough, "metrics.port=" + port);
        String main = passThrough ? PassThroughServe.class.getName() : ServeProcess.MAIN_CLASS;
        return ServeProcess.start(logDir, name, new ServeProcess.Launch(main, args, Map.of(), false, jvmOptions, port));
    }

    /** serve takes `--set key=value`; the pass-through baseline takes bare key=value arguments. */
    private static void flag(List<String> args, boolean passThrough, String setting) {
        if (!passThrough) {
            args.add("--set");
        }
        args.add(setting);
    }
}
