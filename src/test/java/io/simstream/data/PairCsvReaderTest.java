package io.simstream.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.simstream.UserInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PairCsvReaderTest {
    @TempDir
    Path dir;

    private Path csv(String content) throws IOException {
        Path f = dir.resolve("pairs.csv");
        Files.writeString(f, content);
        return f;
    }

    private String error(String content) throws IOException {
        Path f = csv(content);
        UserInputException e = assertThrows(UserInputException.class, () -> PairCsvReader.read(f));
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        assertTrue(e.getMessage().startsWith(f.toString()), "names the file: " + e.getMessage());
        return e.getMessage();
    }

    @Test
    void readsLeftRightAndLabelsWithDimFromHeader() throws IOException {
        PairDataset d = PairCsvReader.read(csv("v0,v1,v2,v3,class\n1,2,3,4,1.0\n-0.5,0,0.25,1e-3,0\n5,6,7,8,1\n"));
        assertEquals(2, d.dim());
        assertEquals(3, d.size());
        assertArrayEquals(new float[] {1, 2}, d.left()[0]);
        assertArrayEquals(new float[] {3, 4}, d.right()[0]);
        assertArrayEquals(new float[] {0.25f, 1e-3f}, d.right()[1]);
        assertArrayEquals(new int[] {1, 0, 1}, d.labels());
    }

    @Test
    void acceptsByteOrderMarkAndWindowsLineEnds() throws IOException {
        PairDataset d = PairCsvReader.read(csv("\uFEFFv0,v1,class\r\n1,2,1\r\n3,4,0.0\r\n"));
        assertEquals(1, d.dim());
        assertArrayEquals(new int[] {1, 0}, d.labels());
    }

    @Test
    void handles200Dimensions() throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int c = 0; c < 400; c++) {
            sb.append('v').append(c).append(',');
        }
        sb.append("class\n");
        for (int c = 0; c < 400; c++) {
            sb.append(c).append(',');
        }
        sb.append("0.0\n");
        PairDataset d = PairCsvReader.read(csv(sb.toString()));
        assertEquals(200, d.dim());
        assertEquals(199f, d.left()[0][199]);
        assertEquals(200f, d.right()[0][0]);
    }

    @Test
    void missingFile() {
        Path f = dir.resolve("nope.csv");
        UserInputException e = assertThrows(UserInputException.class, () -> PairCsvReader.read(f));
        assertEquals(f + ": file does not exist", e.getMessage());
    }

    @Test
    void emptyFile() throws IOException {
        assertTrue(error("").contains("file is empty"));
        assertTrue(error("\n  \n").contains("file is empty"));
    }

    @Test
    void headerWithoutRows() throws IOException {
        assertTrue(error("v0,v1,class\n").contains("no data rows"));
    }

    @Test
    void missingClassColumn() throws IOException {
        String m = error("v0,v1,v2,v3\n1,2,3,4\n");
        assertTrue(m.contains("line 1") && m.contains("no 'class' column"), m);
    }

    @Test
    void oddFeatureCount() throws IOException {
        String m = error("v0,v1,v2,class\n1,2,3,1\n");
        assertTrue(m.contains("line 1") && m.contains("3 feature columns") && m.contains("even"), m);
    }

    @Test
    void wrongHeaderName() throws IOException {
        String m = error("v0,x,v2,v3,class\n1,2,3,4,1\n");
        assertTrue(m.contains("line 1, column 2") && m.contains("'v1'"), m);
    }

    @Test
    void nonNumericValue() throws IOException {
        String m = error("v0,v1,v2,v3,class\n1,2,3,4,1\n1,abc,3,4,0\n");
        assertTrue(m.contains("line 3, column 2 (v1)") && m.contains("expected a number") && m.contains("'abc'"), m);
    }

    @Test
    void emptyCell() throws IOException {
        String m = error("v0,v1,v2,v3,class\n1,,3,4,0\n");
        assertTrue(m.contains("line 2, column 2 (v1)") && m.contains("expected a number"), m);
    }

    @Test
    void nanAndInfinity() throws IOException {
        String nan = error("v0,v1,v2,v3,class\n1,2,NaN,4,0\n");
        assertTrue(nan.contains("line 2, column 3 (v2)") && nan.contains("finite"), nan);
        String inf = error("v0,v1,v2,v3,class\n1,2,3,-Infinity,0\n");
        assertTrue(inf.contains("line 2, column 4 (v3)") && inf.contains("finite"), inf);
        String overflow = error("v0,v1,v2,v3,class\n1e999,2,3,4,0\n");
        assertTrue(overflow.contains("line 2, column 1 (v0)") && overflow.contains("finite"), overflow);
    }

    @Test
    void wrongColumnCount() throws IOException {
        String m = error("v0,v1,v2,v3,class\n1,2,3,4,1\n1,2,3,0\n");
        assertTrue(m.contains("line 3") && m.contains("expected 5 columns") && m.contains("found 4"), m);
    }

    @Test
    void labelOtherThanZeroOrOne() throws IOException {
        String m = error("v0,v1,v2,v3,class\n1,2,3,4,2\n");
        assertTrue(m.contains("line 2, column 5 (class)") && m.contains("expected label 0 or 1") && m.contains("'2'"), m);
        String text = error("v0,v1,v2,v3,class\n1,2,3,4,yes\n");
        assertTrue(text.contains("'yes'"), text);
    }

    @Test
    void roundTripsThroughWriter() throws IOException {
        PairDataset d = SyntheticPairs.generate(SyntheticPairs.Spec.of(20, 5, 3));
        Path f = dir.resolve("gen.csv");
        PairCsvWriter.write(d, f);
        PairDataset back = PairCsvReader.read(f);
        assertEquals(5, back.dim());
        assertArrayEquals(d.labels(), back.labels());
        for (int i = 0; i < d.size(); i++) {
            assertArrayEquals(d.left()[i], back.left()[i], 1e-6f);
            assertArrayEquals(d.right()[i], back.right()[i], 1e-6f);
        }
    }

    private String scoringError(String content) throws IOException {
        Path f = csv(content);
        UserInputException e = assertThrows(UserInputException.class, () -> PairCsvReader.readForScoring(f));
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        assertTrue(e.getMessage().startsWith(f.toString()), "names the file: " + e.getMessage());
        return e.getMessage();
    }

    @Test
    void scoringAcceptsAFileWithoutClass() throws IOException {
        PairRows rows = PairCsvReader.readForScoring(csv("v0,v1,v2,v3\n1,2,3,4\n-0.5,0,0.25,1e-3\n"));
        assertFalse(rows.labeled());
        assertEquals(2, rows.dim());
        assertEquals(2, rows.size());
        assertArrayEquals(new float[] {1, 2}, rows.left()[0]);
        assertArrayEquals(new float[] {0.25f, 1e-3f}, rows.right()[1]);
        assertThrows(UserInputException.class, rows::toDataset);
    }

    @Test
    void scoringKeepsLabelsWhenClassIsThere() throws IOException {
        PairRows rows = PairCsvReader.readForScoring(csv("v0,v1,class\n1,2,1\n3,4,0\n"));
        assertTrue(rows.labeled());
        assertArrayEquals(new int[] {1, 0}, rows.labels());
        assertEquals(1, rows.dim());
    }

    @Test
    void scoringErrorsNameFileLineAndColumnToo() throws IOException {
        String value = scoringError("v0,v1,v2,v3\n1,2,3,4\n1,abc,3,4\n");
        assertTrue(value.contains("line 3, column 2 (v1)") && value.contains("expected a number"), value);
        String count = scoringError("v0,v1,v2,v3\n1,2,3\n");
        assertTrue(count.contains("line 2") && count.contains("expected 4 columns") && count.contains("found 3"), count);
        String odd = scoringError("v0,v1,v2\n1,2,3\n");
        assertTrue(odd.contains("line 1") && odd.contains("3 feature columns") && odd.contains("even"), odd);
        String header = scoringError("v0,x\n1,2\n");
        assertTrue(header.contains("line 1, column 2") && header.contains("'v1'"), header);
        String label = scoringError("v0,v1,class\n1,2,7\n");
        assertTrue(label.contains("line 2, column 3 (class)"), label);
        String nan = scoringError("v0,v1\nNaN,2\n");
        assertTrue(nan.contains("line 2, column 1 (v0)") && nan.contains("finite"), nan);
        assertTrue(scoringError("v0,v1\n").contains("no data rows"));
    }
}
