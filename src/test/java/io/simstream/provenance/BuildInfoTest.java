package io.simstream.provenance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The code version models record: written by the build, "unknown" where it cannot be told. */
class BuildInfoTest {
    private static final Path SCRIPT = Path.of("src/build/build-info.sh");

    @TempDir
    Path dir;

    @Test
    void theBuildWroteTheProjectVersion() {
        BuildInfo b = BuildInfo.current();
        assertTrue(b.version().matches("\\d+\\.\\d+\\.\\d+.*"), "the pom's version: " + b);
        assertTrue(b.commit().equals(BuildInfo.UNKNOWN) || b.commit().matches("[0-9a-f]{40}"), b.toString());
    }

    @Test
    void outsideAGitWorkTreeTheCommitIsUnknownAndTheScriptStillSucceeds() throws Exception {
        Path src = Files.createDirectories(dir.resolve("no-git"));
        Path out = dir.resolve("out/io/simstream/build-info.properties");
        ProcessBuilder pb = new ProcessBuilder("bash", SCRIPT.toString(), out.toString(), "9.9.9", src.toString());
        // Keep git from finding a repository above the temp directory.
        pb.environment().put("GIT_CEILING_DIRECTORIES", dir.toString());
        assertEquals(0, pb.inheritIO().start().waitFor());
        Properties p = new Properties();
        try (var in = Files.newBufferedReader(out)) {
            p.load(in);
        }
        assertEquals("9.9.9", p.getProperty("version"));
        assertEquals("unknown", p.getProperty("commit"));
        assertEquals("unknown", p.getProperty("dirty"));
        assertEquals("9.9.9 (commit unknown)", new BuildInfo("9.9.9", "unknown", "unknown").describe());
    }

    @Test
    void inAGitWorkTreeItIsTheCommit() throws Exception {
        Path repo = Files.createDirectories(dir.resolve("repo"));
        assertEquals(0, git(repo, "init", "-q"));
        Files.writeString(repo.resolve("a.txt"), "a");
        assertEquals(0, git(repo, "add", "a.txt"));
        assertEquals(0, git(repo, "-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-q", "-m", "a"));
        Path out = dir.resolve("bi.properties");
        assertEquals(0, new ProcessBuilder("bash", SCRIPT.toString(), out.toString(), "1.0", repo.toString())
                .inheritIO().start().waitFor());
        Properties p = new Properties();
        try (var in = Files.newBufferedReader(out)) {
            p.load(in);
        }
        assertTrue(p.getProperty("commit").matches("[0-9a-f]{40}"), p.toString());
        assertEquals("false", p.getProperty("dirty"));
        Files.writeString(repo.resolve("a.txt"), "changed");
        assertEquals(0, new ProcessBuilder("bash", SCRIPT.toString(), out.toString(), "1.0", repo.toString())
                .inheritIO().start().waitFor());
        try (var in = Files.newBufferedReader(out)) {
            p.load(in);
        }
        assertEquals("true", p.getProperty("dirty"));
    }

    private int git(Path repo, String... args) throws Exception {
        String[] cmd = new String[args.length + 3];
        cmd[0] = "git";
        cmd[1] = "-C";
        cmd[2] = repo.toString();
        System.arraycopy(args, 0, cmd, 3, args.length);
        ProcessBuilder pb = new ProcessBuilder(cmd).inheritIO();
        pb.environment().put("GIT_CEILING_DIRECTORIES", dir.toString());
        return pb.start().waitFor();
    }
}
