package io.simstream.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JavaRuntimeLocatorTest {
    @Test
    void parsesJavaVersionOutput() {
        assertEquals(Optional.of(21), JavaRuntimeLocator.versionFromText("openjdk version \"21.0.2\" 2024-01-16"));
        assertEquals(Optional.of(25), JavaRuntimeLocator.versionFromText("openjdk version \"25\" 2025-09-16"));
        assertEquals(Optional.of(8), JavaRuntimeLocator.versionFromText("java version \"1.8.0_392\""));
        assertEquals(Optional.empty(), JavaRuntimeLocator.versionFromText("bash: java: command not found"));
    }

    @Test
    void readsTheReleaseFile(@TempDir Path home) throws IOException {
        Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"Eclipse Adoptium\"\nJAVA_VERSION=\"25.0.1\"\n");
        assertEquals(Optional.of(25), JavaRuntimeLocator.releaseVersion(home));
        Files.writeString(home.resolve("release"), "JAVA_VERSION=\"1.8.0_392\"\n");
        assertEquals(Optional.of(8), JavaRuntimeLocator.releaseVersion(home));
    }

    @Test
    void theRunningJvmQualifiesForItsOwnVersion() {
        int running = Runtime.version().feature();
        Path java = JavaRuntimeLocator.findJava(running);
        Path home = java.getParent().getParent();
        assertTrue(JavaRuntimeLocator.version(home, java).orElseThrow() >= running);
    }

    @Test
    void anImpossibleVersionFailsSayingWhereItLooked() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> JavaRuntimeLocator.findJava(999));
        assertTrue(e.getMessage().contains("Java 999+") && e.getMessage().contains("JAVA_HOME") && e.getMessage().contains("/usr/lib/jvm"),
                e.getMessage());
    }
}
