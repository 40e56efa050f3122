package io.simstream.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.simstream.UserInputException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The user's network in PyTorch (scripts/torch_reference.py, shipped inside the jar): the
 * yardstick for simstream's training speed. Runs as a child process on Debian's python3-torch,
 * one thread, and reports its median epoch time (fit, and fit plus validation loss).
 */
public final class TorchReference {
    /** Where the build puts the script inside the jar (pom.xml copies it from scripts/). */
    static final String RESOURCE = "/bench/torch_reference.py";
    public static final String INSTALL_HINT = "scripts/install-bench-deps.sh installs Debian's python3-torch";

    /** One run's figures, as the script prints them in its last line. */
    public record Run(int epochs, double medianFitSeconds, double medianEpochSeconds, double testAccuracy,
                      double loadAverage) {
    }

    private final String python;
    private final Path script;

    private TorchReference(String python, Path script) {
        this.python = python;
        this.script = script;
    }

    /** The bundled script, written to a temporary file, run by {@code python}; fails clearly without torch. */
    public static TorchReference prepare(String python) throws IOException {
        Path script = Files.createTempFile("simstream-torch-reference-", ".py");
        script.toFile().deleteOnExit();
        try (InputStream in = TorchReference.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the jar (pom.xml copies it from scripts/)");
            }
            Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
        }
        TorchReference ref = new TorchReference(python, script);
        List<String> out = new ArrayList<>();
        int exit = ref.exec(List.of(python, "-c", "import torch, numpy; print(torch.__version__)"), out::add);
        if (exit != 0) {
            throw new UserInputException(python + " cannot import torch and numpy (" + String.join(" ", out).trim()
                    + "); " + INSTALL_HINT + " (set --python or SIMSTREAM_PYTHON for another interpreter)");
        }
        return ref;
    }

    /** One full run: early stopping as the user's script does it, same seed, simstream's default input scaling. */
    public Run run(Path train, Path test, long seed, Consumer<String> progress) throws IOException {
        List<String> out = new ArrayList<>();
        int exit = exec(List.of(python, script.toString(), "--train", train.toString(), "--test", test.toString(),
                "--seed", Long.toString(seed), "--scaling", "global"), out::add);
        if (exit != 0 || out.isEmpty()) {
            throw new IllegalStateException("the PyTorch reference failed (exit " + exit + "): "
                    + String.join("\n", out.subList(Math.max(0, out.size() - 10), out.size())));
        }
        JsonNode j = new ObjectMapper().readTree(out.get(out.size() - 1));
        Run r = new Run(j.get("epochs").asInt(), j.get("median_fit_s").asDouble(), j.get("median_epoch_s").asDouble(),
                j.get("test_accuracy").asDouble(), j.get("load_average").asDouble());
        progress.accept(String.format(Locale.ROOT, "PyTorch reference: %d epochs, median epoch %.3f s"
                + " (fit %.3f s), test accuracy %.4f", r.epochs(), r.medianEpochSeconds(), r.medianFitSeconds(),
                r.testAccuracy()));
        return r;
    }

    private int exec(List<String> command, Consumer<String> lines) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        // One thread, like the training it is compared with (the script sets it too).
        pb.environment().put("OMP_NUM_THREADS", "1");
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new UserInputException("cannot run " + command.get(0) + ": " + e.getMessage() + "; " + INSTALL_HINT);
        }
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        text.lines().forEach(lines);
        try {
            return p.waitFor();
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while the PyTorch reference ran", e);
        }
    }
}
