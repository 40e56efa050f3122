package io.simstream.data;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** Writes pairs in the user's CSV format (the inverse of {@link PairCsvReader}). */
public final class PairCsvWriter {
    private PairCsvWriter() {
    }

    public static void write(PairDataset data, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            StringBuilder sb = new StringBuilder();
            for (int c = 0; c < 2 * data.dim(); c++) {
                sb.append('v').append(c).append(',');
            }
            out.write(sb.append(PairCsvReader.LABEL_COLUMN).append('\n').toString());
            for (int i = 0; i < data.size(); i++) {
                sb.setLength(0);
                appendRow(sb, data.left()[i]);
                appendRow(sb, data.right()[i]);
                sb.append(data.labels()[i] == 1 ? "1.0" : "0.0").append('\n');
                out.write(sb.toString());
            }
        }
    }

    private static void appendRow(StringBuilder sb, float[] v) {
        for (float x : v) {
            sb.append(String.format(Locale.ROOT, "%.6f", x)).append(',');
        }
    }
}
