package io.simstream.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The table bench quality writes: means and spreads over seeds, cost against the set's K = 1. */
class QualitySweepTest {
    @Test
    void summarizesSeedsAndCostsAgainstOneModelOfTheSameSet() {
        List<QualitySweep.Cell> cells = List.of(
                new QualitySweep.Cell("a", 1, "ensemble", 1, 0.80, 0.90, 10, 1000),
                new QualitySweep.Cell("a", 11, "ensemble", 1, 0.84, 0.92, 12, 1200),
                new QualitySweep.Cell("a", 1, "ensemble", 3, 0.86, 0.93, 30, 3300),
                new QualitySweep.Cell("a", 11, "ensemble", 3, 0.88, 0.94, 33, 3300),
                new QualitySweep.Cell("b", 1, "bce", 1, 0.70, 0.80, 5, 500));
        List<QualitySweep.Summary> rows = QualitySweep.summarize(cells);
        assertEquals(3, rows.size());
        QualitySweep.Summary single = rows.get(0);
        assertEquals(0.82, single.accuracy(), 1e-12);
        assertEquals(Math.sqrt(0.0008), single.accuracySd(), 1e-12, "sample standard deviation over seeds");
        assertEquals(1.0, single.costToSingle(), 1e-12);
        QualitySweep.Summary three = rows.get(1);
        assertEquals(3300.0 / 1100.0, three.costToSingle(), 1e-12, "pairs fitted against K = 1 of the same set");
        assertTrue(Double.isNaN(rows.get(2).costToSingle()), "no K = 1 row for set b");
        String table = QualitySweep.markdown(rows);
        assertTrue(table.contains("| a | K = 3 | 0.8700 ± 0.0141 (2) | 0.9350 | 3,300 | 3.00x | 31.5 s |"), table);
        assertTrue(table.contains("| b | bce | 0.7000 ± 0.0000 (1) | 0.8000 | 500 | – | 5.0 s |"), table);
    }
}
