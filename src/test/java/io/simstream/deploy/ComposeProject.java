package io.simstream.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One docker-compose project (its own name, so its containers, network and volume never mix
 * with another run's) driven through the docker-compose command, the way a user runs the file.
 * DOCKER_HOST comes from the environment; the variables given here override docker/.env.
 */
final class ComposeProject implements AutoCloseable {
    /** Debian's standalone docker-compose; the test does not depend on a compose plugin of the client. */
    static final String COMMAND = "docker-compose";

    record Result(int exit, String output) {
    }

    private final Path composeFile;
    private final String name;
    private final Map<String, String> env;
    private final Path logFile;

    ComposeProject(Path composeFile, String name, Map<String, String> env, Path logFile) {
        this.composeFile = composeFile;
        this.name = name;
        this.env = Map.copyOf(env);
        this.logFile = logFile;
    }

    /** Whether docker-compose runs here at all (the test skips, saying so, where it does not). */
    static boolean available() {
        try {
            Process p = new ProcessBuilder(COMMAND, "version", "--short").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Starts the stack on images that must already exist: nothing is built, and compose waits for the depends_on conditions. */
    void up(Duration timeout) {
        Result r = run(timeout, "up", "-d", "--no-build", "--no-color");
        if (r.exit() != 0) {
            throw new AssertionError("docker-compose up failed (exit " + r.exit() + "):\n" + r.output() + "\n" + logs());
        }
    }

    /** The last lines of every service's output, for failure messages. */
    String logs() {
        return "docker-compose logs of " + name + ":\n" + run(Duration.ofMinutes(1), "logs", "--no-color", "--tail", "60").output();
    }

    @Override
    public void close() {
        Result r = run(Duration.ofMinutes(3), "down", "-v", "--remove-orphans", "--timeout", "45");
        if (r.exit() != 0) {
            throw new IllegalStateException("docker-compose down failed (exit " + r.exit() + "):\n" + r.output());
        }
    }

    Result run(Duration timeout, String... args) {
        List<String> cmd = new ArrayList<>(List.of(COMMAND, "-f", composeFile.toString(), "-p", name));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(composeFile.getParent().toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        try {
            Path out = Files.createTempFile("compose-", ".out");
            pb.redirectOutput(out.toFile());
            Process p = pb.start();
            boolean done = p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS);
            if (!done) {
                p.destroy();
                p.waitFor(20, TimeUnit.SECONDS);
            }
            String output = Files.readString(out, StandardCharsets.UTF_8);
            Files.delete(out);
            Files.writeString(logFile, "$ " + String.join(" ", cmd) + "\n" + output, StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            return done ? new Result(p.exitValue(), output)
                    : new Result(-1, output + "\n(docker-compose " + args[0] + " did not finish within " + timeout.toSeconds() + " s)");
        } catch (IOException e) {
            return new Result(-1, "cannot run " + cmd + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted: " + cmd);
        }
    }
}
