package io.simstream.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docker/entrypoint.sh with stand-in java binaries: --add-modules only when `java --list-modules`
 * has jdk.incubator.vector, and a line saying which kernel runs either way. (The image itself
 * needs a Docker engine and base images, which this machine cannot pull.)
 */
class DockerEntrypointTest {
    @TempDir
    Path dir;

    private record Run(String args, String stderr) {
    }

    private Run run(String modules) throws Exception {
        Path java = dir.resolve("java-" + Math.abs(modules.hashCode()));
        Path argsFile = dir.resolve("args.txt");
        Files.writeString(java, "#!/bin/sh\n"
                + "if [ \"$1\" = --list-modules ]; then printf '" + modules + "'; exit 0; fi\n"
                + "echo \"$*\" > '" + argsFile + "'\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        ProcessBuilder pb = new ProcessBuilder("sh", "docker/entrypoint.sh", "serve", "--threads", "2");
        pb.environment().put("JAVA", java.toString());
        pb.environment().put("SIMSTREAM_JAR", "/app/simstream-scorer.jar");
        Path err = dir.resolve("err.txt");
        Process p = pb.redirectError(err.toFile()).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), Files.readString(err));
        return new Run(Files.readString(argsFile).strip(), Files.readString(err).strip());
    }

    @Test
    void enablesTheVectorApiOnlyWhenTheRuntimeHasTheModule() throws Exception {
        Run with = run("java.base@17.0.15\\njdk.incubator.vector@17.0.15\\njdk.jfr@17.0.15\\n");
        assertEquals("--add-modules jdk.incubator.vector -jar /app/simstream-scorer.jar serve --threads 2", with.args());
        assertEquals("simstream: simstream-scorer.jar, scoring kernel: Vector API (jdk.incubator.vector)", with.stderr());

        Run without = run("java.base@17.0.15\\njdk.jfr@17.0.15\\n");
        assertEquals("-jar /app/simstream-scorer.jar serve --threads 2", without.args());
        assertTrue(without.stderr().contains("scoring kernel: plain loops"), without.stderr());
    }

    @Test
    void theScorerImageRunsTheSlimJarThroughTheEntrypoint() throws Exception {
        List<String> lines = Files.readAllLines(Path.of("docker/Dockerfile"));
        String dockerfile = String.join("\n", lines);
        assertTrue(dockerfile.contains("ENTRYPOINT [\"/app/entrypoint.sh\"]"), "no hard-coded --add-modules");
        assertTrue(!dockerfile.contains("\"--add-modules\""), "the entrypoint decides about the module");
        int scorer = dockerfile.indexOf("AS scorer");
        assertTrue(scorer > dockerfile.indexOf("AS full"), "scorer is the last stage, the default target");
        assertTrue(dockerfile.substring(scorer).contains("SIMSTREAM_JAR=/app/simstream-scorer.jar"));
    }
}
