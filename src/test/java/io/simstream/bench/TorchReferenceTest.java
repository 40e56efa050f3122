package io.simstream.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.simstream.UserInputException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The PyTorch reference bench train runs: shipped in the jar unchanged, and a clear error without torch. */
class TorchReferenceTest {
    @Test
    void theJarShipsTheReferenceScriptAsTheRepositoryHasIt() throws Exception {
        try (InputStream in = TorchReference.class.getResourceAsStream(TorchReference.RESOURCE)) {
            String bundled = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(Files.readString(Path.of("scripts/torch_reference.py")), bundled);
            assertTrue(bundled.contains("torch.set_num_threads(1)"), "one thread, like simstream's training");
        }
    }

    @Test
    void anInterpreterWithoutTorchIsAUserErrorThatSaysHowToInstallIt() {
        UserInputException e = assertThrows(UserInputException.class, () -> TorchReference.prepare("/bin/false"));
        assertTrue(e.getMessage().contains("scripts/install-bench-deps.sh"), e.getMessage());
        UserInputException missing = assertThrows(UserInputException.class,
                () -> TorchReference.prepare("/nonexistent/python3"));
        assertTrue(missing.getMessage().contains("cannot run /nonexistent/python3"), missing.getMessage());
    }

    @Test
    void theRatioIsTheMedianOfTheRoundsMedians() {
        assertEquals(2.0, EpochSpeedComparison.median(List.of(3.0, 1.0, 2.0), Double::doubleValue));
        assertEquals(1.5, EpochSpeedComparison.median(List.of(2.0, 1.0), Double::doubleValue));
    }
}
