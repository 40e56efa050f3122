package io.simstream.embedded;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds a Java runtime of at least a given feature version, for child processes that need a newer
 * Java than the one we run on (the Apicurio registry needs 21+ while the service targets 17).
 * Looks at JAVA_HOME, then the running JVM, then every JDK under /usr/lib/jvm (newest first).
 */
public final class JavaRuntimeLocator {
    static final Path SYSTEM_JVM_DIR = Path.of("/usr/lib/jvm");
    private static final Pattern RELEASE_VERSION = Pattern.compile("^JAVA_VERSION=\"?([0-9]+)", Pattern.MULTILINE);
    private static final Pattern VERSION_OUTPUT = Pattern.compile("version \"([0-9]+)(?:\\.([0-9]+))?");

    private JavaRuntimeLocator() {
    }

    /** A java executable of version >= minVersion, or IllegalStateException saying where it looked. */
    public static Path findJava(int minVersion) {
        List<String> looked = new ArrayList<>();
        for (Path home : candidates()) {
            Path java = home.resolve("bin").resolve("java");
            if (!Files.isExecutable(java)) {
                continue;
            }
            Optional<Integer> version = version(home, java);
            looked.add(home + " (" + version.map(v -> "Java " + v).orElse("version unknown") + ")");
            if (version.isPresent() && version.get() >= minVersion) {
                return java;
            }
        }
        throw new IllegalStateException("no Java " + minVersion + "+ runtime found; looked at JAVA_HOME, the running JVM and "
                + SYSTEM_JVM_DIR + "/*: " + (looked.isEmpty() ? "nothing usable" : String.join(", ", looked))
                + ". Install a JDK " + minVersion + "+ (e.g. under " + SYSTEM_JVM_DIR + ") or point JAVA_HOME at one.");
    }

    private static List<Path> candidates() {
        List<Path> homes = new ArrayList<>();
        Optional.ofNullable(System.getenv("JAVA_HOME")).filter(s -> !s.isBlank()).map(Path::of).ifPresent(homes::add);
        homes.add(Path.of(System.getProperty("java.home")));
        if (Files.isDirectory(SYSTEM_JVM_DIR)) {
            try (Stream<Path> dirs = Files.list(SYSTEM_JVM_DIR)) {
                dirs.filter(Files::isDirectory)
                        .sorted(Comparator.comparing((Path p) -> releaseVersion(p).orElse(0)).reversed())
                        .forEach(homes::add);
            } catch (IOException e) {
                // An unreadable directory is just one place less to look; the error message lists what was found.
            }
        }
        return homes.stream().map(p -> p.toAbsolutePath().normalize()).distinct().toList();
    }

    static Optional<Integer> version(Path home, Path java) {
        return releaseVersion(home).or(() -> versionFromRunning(java));
    }

    /** The feature version from a JDK's release file (JAVA_VERSION="25.0.1" -> 25; "1.8.0" -> 8). */
    static Optional<Integer> releaseVersion(Path home) {
        Path release = home.resolve("release");
        if (!Files.isRegularFile(release)) {
            return Optional.empty();
        }
        try {
            Matcher m = RELEASE_VERSION.matcher(Files.readString(release, StandardCharsets.UTF_8));
            if (!m.find()) {
                return Optional.empty();
            }
            int major = Integer.parseInt(m.group(1));
            if (major == 1) {
                return versionFromText(Files.readString(release, StandardCharsets.UTF_8).replace("JAVA_VERSION=", "version "));
            }
            return Optional.of(major);
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static Optional<Integer> versionFromRunning(Path java) {
        try {
            Process p = new ProcessBuilder(java.toString(), "-version").redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Optional.empty();
            }
            return versionFromText(new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** Parses `java -version` output: version "21.0.2" -> 21, version "1.8.0_392" -> 8. */
    static Optional<Integer> versionFromText(String text) {
        Matcher m = VERSION_OUTPUT.matcher(text);
        if (!m.find()) {
            return Optional.empty();
        }
        int major = Integer.parseInt(m.group(1));
        if (major == 1 && m.group(2) != null) {
            major = Integer.parseInt(m.group(2));
        }
        return Optional.of(major);
    }
}
