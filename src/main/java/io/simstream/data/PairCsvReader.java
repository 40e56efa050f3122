package io.simstream.data;

import io.simstream.UserInputException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the user's pair CSV: a header v0..v(2d-1) then {@code class}, one pair per row, left =
 * first d values, right = last d, class 1.0/0.0 (or 1/0). d comes from the header. For scoring,
 * {@link #readForScoring} also takes the same file without the {@code class} column.
 *
 * <p>Every problem becomes a {@link UserInputException} whose one-line message names the file,
 * the line (1-based, header = line 1), the column and what was expected: the user fixes the
 * file from the message alone.
 */
public final class PairCsvReader {
    public static final String LABEL_COLUMN = "class";

    private PairCsvReader() {
    }

    public static PairDataset read(Path file) {
        return parse(readLines(file), file.toString());
    }

    /**
     * Reads pairs to score: the same format, where the {@code class} column may be absent (then
     * {@link PairRows#labels()} is null). Errors name file, line and column exactly as {@link #read} does.
     */
    public static PairRows readForScoring(Path file) {
        return parseRows(readLines(file), file.toString(), false);
    }

    private static List<String> readLines(Path file) {
        List<String> lines;
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            lines = in.lines().toList();
        } catch (NoSuchFileException e) {
            throw new UserInputException(file + ": file does not exist");
        } catch (IOException | UncheckedIOException e) {
            throw new UserInputException(file + ": cannot read file (" + e.getMessage() + ")");
        }
        return lines;
    }

    /** Parses already-read lines; {@code source} names them in error messages. */
    public static PairDataset parse(List<String> lines, String source) {
        return parseRows(lines, source, true).toDataset();
    }

    /** Parses already-read lines, with or without the label column (labels null without it). */
    public static PairRows parseRows(List<String> lines, String source, boolean labelRequired) {
        int headerIndex = firstNonBlank(lines, 0);
        if (headerIndex < 0) {
            throw new UserInputException(source + ": file is empty (expected a header v0..v(2d-1)"
                    + (labelRequired ? "," : "[,") + LABEL_COLUMN + (labelRequired ? "" : "]") + " and rows)");
        }
        // Excel and some pandas set-ups start UTF-8 files with a byte-order mark.
        String[] header = split(lines.get(headerIndex).replace("\uFEFF", ""));
        boolean labeled = labelRequired || List.of(header).contains(LABEL_COLUMN);
        int features = checkHeader(header, source, headerIndex + 1, labeled);
        int dim = features / 2;
        List<float[]> left = new ArrayList<>();
        List<float[]> right = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (int i = headerIndex + 1; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            int lineNo = i + 1;
            String[] cells = split(line);
            if (cells.length != header.length) {
                throw new UserInputException(source + ": line " + lineNo + ": expected " + header.length
                        + " columns (as in the header), found " + cells.length);
            }
            float[] l = new float[dim];
            float[] r = new float[dim];
            for (int c = 0; c < features; c++) {
                float v = parseValue(cells[c], source, lineNo, c, header[c]);
                if (c < dim) {
                    l[c] = v;
                } else {
                    r[c - dim] = v;
                }
            }
            left.add(l);
            right.add(r);
            if (labeled) {
                labels.add(parseLabel(cells[features], source, lineNo, features));
            }
        }
        if (left.isEmpty()) {
            throw new UserInputException(source + ": no data rows after the header (line " + (headerIndex + 1) + ")");
        }
        int[] y = labeled ? labels.stream().mapToInt(Integer::intValue).toArray() : null;
        return new PairRows(left.toArray(new float[0][]), right.toArray(new float[0][]), y, dim, source);
    }

    private static int checkHeader(String[] header, String source, int lineNo, boolean labeled) {
        if (!labeled) {
            return checkFeatures(header, header.length, source, lineNo, "");
        }
        int labelAt = -1;
        for (int c = 0; c < header.length; c++) {
            if (header[c].equals(LABEL_COLUMN)) {
                labelAt = c;
            }
        }
        if (labelAt < 0) {
            throw new UserInputException(source + ": line " + lineNo + ": header has no '" + LABEL_COLUMN
                    + "' column (expected v0..v(2d-1) then " + LABEL_COLUMN + ")");
        }
        if (labelAt != header.length - 1) {
            throw new UserInputException(source + ": line " + lineNo + ", column " + (labelAt + 1) + ": '"
                    + LABEL_COLUMN + "' must be the last column (found " + header.length + " columns)");
        }
        return checkFeatures(header, header.length - 1, source, lineNo, " before '" + LABEL_COLUMN + "'");
    }

    private static int checkFeatures(String[] header, int features, String source, int lineNo, String where) {
        if (features == 0 || features % 2 != 0) {
            throw new UserInputException(source + ": line " + lineNo + ": header has " + features
                    + " feature columns" + where + ", expected an even number > 0 (left d + right d)");
        }
        for (int c = 0; c < features; c++) {
            if (!header[c].equals("v" + c)) {
                throw new UserInputException(source + ": line " + lineNo + ", column " + (c + 1) + ": expected header 'v"
                        + c + "', found '" + header[c] + "'");
            }
        }
        return features;
    }

    private static float parseValue(String cell, String source, int lineNo, int c, String name) {
        float v;
        try {
            v = Float.parseFloat(cell);
        } catch (NumberFormatException e) {
            throw new UserInputException(source + ": line " + lineNo + ", column " + (c + 1) + " (" + name
                    + "): expected a number, found '" + abbreviate(cell) + "'");
        }
        if (!Float.isFinite(v)) {
            throw new UserInputException(source + ": line " + lineNo + ", column " + (c + 1) + " (" + name
                    + "): expected a finite number, found '" + abbreviate(cell) + "'");
        }
        return v;
    }

    private static int parseLabel(String cell, String source, int lineNo, int c) {
        double v;
        try {
            v = Double.parseDouble(cell);
        } catch (NumberFormatException e) {
            v = Double.NaN;
        }
        if (v == 1.0) {
            return 1;
        }
        if (v == 0.0) {
            return 0;
        }
        throw new UserInputException(source + ": line " + lineNo + ", column " + (c + 1) + " (" + LABEL_COLUMN
                + "): expected label 0 or 1, found '" + abbreviate(cell) + "'");
    }

    private static String[] split(String line) {
        String[] cells = line.split(",", -1);
        for (int i = 0; i < cells.length; i++) {
            cells[i] = cells[i].strip();
        }
        return cells;
    }

    private static int firstNonBlank(List<String> lines, int from) {
        for (int i = from; i < lines.size(); i++) {
            if (!lines.get(i).isBlank()) {
                return i;
            }
        }
        return -1;
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }
}
