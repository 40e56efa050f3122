package io.simstream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.simstream.config.ConfigField;
import io.simstream.config.ScoringConfig;
import io.simstream.testkit.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** serve and publish at the command line: help text and user-error handling (no broker needed). */
class ScoringCliTest {
    @TempDir
    Path dir;


    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    @Test
    void serveHelpListsEveryDeclaredSettingWithItsEnvironmentVariable() {
        CliRun r = run("serve", "--help");
        assertEquals(0, r.exit());
        for (ConfigField f : ScoringConfig.FIELDS) {
            assertTrue(r.out().contains(f.name()) && r.out().contains(f.envName()), "serve --help lacks " + f.name());
        }
    }

    @Test
    void serveWithABadSettingFailsAsAUserErrorNamingTheSetting() {
        CliRun r = run("serve", "--bootstrap", "localhost:1", "--registry-url", "http://localhost:1",
                "--set", "processing.guarantee=exactly_once");
        assertEquals(Main.EXIT_USER_ERROR, r.exit());
        assertTrue(r.err().contains("processing.guarantee") && r.err().contains("exactly_once_v2"), r.err());
    }

    @Test
    void publishRejectsAMissingOrCorruptModelFileBeforeTouchingKafka() throws Exception {
        CliRun missing = run("publish", "--model", dir.resolve("nope").toString(), "--bootstrap", "localhost:1",
                "--registry-url", "http://localhost:1");
        assertEquals(Main.EXIT_USER_ERROR, missing.exit());
        assertTrue(missing.err().contains("does not exist"), missing.err());

        Files.write(dir.resolve("model.simstream"), new byte[] {1, 2, 3});
        CliRun corrupt = run("publish", "--model", dir.toString(), "--bootstrap", "localhost:1",
                "--registry-url", "http://localhost:1");
        assertEquals(Main.EXIT_USER_ERROR, corrupt.exit());
        assertTrue(corrupt.err().contains("not a valid model"), corrupt.err());
    }

    /**
     * The operator commands load their settings with the same loader as serve: a typo in a flag or in
     * the properties file fails before any client connects, naming the nearest setting.
     */
    @Test
    void operatorCommandsRejectUnknownSettingsWithASuggestion() throws Exception {
        String[][] commands = {{"models", "list"}, {"models", "show", "default"},
                {"models", "export", "default:1", "--out", dir.resolve("m").toString()},
                {"models", "rollback", "default", "--to", "1"}, {"dlq", "replay", "--dry-run"},
                {"score", "--model", "default:1", "--data", "x.csv", "--out", "y.csv"}, {"produce"}};
        for (String[] cmd : commands) {
            List<String> args = new ArrayList<>(List.of(cmd));
            args.addAll(List.of("--bootstrap", "localhost:1", "--registry-url", "http://localhost:1",
                    "--kafka", "security.protocoll=SSL"));
            CliRun r = run(args.toArray(String[]::new));
            assertEquals(Main.EXIT_USER_ERROR, r.exit(), args + ": " + r.err());
            assertTrue(r.err().contains("did you mean 'kafka.security.protocol'?"), args + ": " + r.err());
        }
        Path props = dir.resolve("cluster.properties");
        Files.writeString(props, "bootstrap.servers=localhost:1\nregistry.url=http://localhost:1\n"
                + "registry.basic.auth.user.inf=u:p\n");
        CliRun fromFile = run("models", "list", "--config", props.toString());
        assertEquals(Main.EXIT_USER_ERROR, fromFile.exit(), fromFile.err());
        assertTrue(fromFile.err().contains("did you mean 'registry.basic.auth.user.info'?"), fromFile.err());
        CliRun bench = run("bench", "e2e", "--bootstrap", "localhost:1", "--registry-url", "http://localhost:1",
                "--set", "registry.auto.register.schema=false");
        assertEquals(Main.EXIT_USER_ERROR, bench.exit(), bench.err());
        assertTrue(bench.err().contains("did you mean 'registry.auto.register.schemas'?"), bench.err());
    }

    @Test
    void scoreWithoutAFileOrAClusterSaysWhatAPublishedModelNeeds() {
        CliRun r = run("score", "--model", "default:3", "--data", "x.csv", "--out", "y.csv");
        assertEquals(Main.EXIT_USER_ERROR, r.exit());
        assertTrue(r.err().contains("no model file default:3") && r.err().contains("--bootstrap"), r.err());
    }
}
