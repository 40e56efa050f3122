package io.simstream.evaluation;

import io.simstream.model.Head;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.SortedMap;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYBarRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.statistics.HistogramDataset;
import org.jfree.data.statistics.HistogramType;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** The two pictures of a training run, drawn with JFreeChart (headless). */
public final class Plots {
    private static final int WIDTH = 900;

    static {
        // Servers and CI have no display; JFreeChart only needs Java2D.
        System.setProperty("java.awt.headless", "true");
    }

    private Plots() {
    }

    /** Loss (top) and accuracy (bottom) per epoch, train vs validation: the user's two plots. */
    public static void learningCurves(List<EpochRecord> history, String title, Path file) throws IOException {
        XYSeries trainLoss = new XYSeries("train loss");
        XYSeries valLoss = new XYSeries("validation loss");
        XYSeries trainAcc = new XYSeries("train accuracy");
        XYSeries valAcc = new XYSeries("validation accuracy");
        for (EpochRecord e : history) {
            trainLoss.add(e.epoch(), e.trainLoss());
            valLoss.add(e.epoch(), e.validationLoss());
            trainAcc.add(e.epoch(), e.trainAccuracy());
            valAcc.add(e.epoch(), e.validationAccuracy());
        }
        NumberAxis epochAxis = new NumberAxis("epoch");
        epochAxis.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(epochAxis);
        plot.add(linePlot(new XYSeriesCollection(trainLoss) {{ addSeries(valLoss); }}, "loss"), 1);
        plot.add(linePlot(new XYSeriesCollection(trainAcc) {{ addSeries(valAcc); }}, "accuracy at 0.5"), 1);
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        save(chart, file, 700);
    }

    /**
     * Throughput (top) and live accuracy (bottom) over a run, with a vertical marker wherever a
     * new model version started serving.
     *
     * @param seconds  sample times since the start
     * @param markers  time -> label, e.g. 42.0 -> "v2"
     */
    public static void timeline(double[] seconds, double[] decisionsPerSecond, double[] accuracy,
                                SortedMap<Double, String> markers, String title, Path file) throws IOException {
        XYSeries rate = new XYSeries("decisions/s");
        XYSeries acc = new XYSeries("accuracy of the decisions made, per interval");
        for (int i = 0; i < seconds.length; i++) {
            rate.add(seconds[i], decisionsPerSecond[i]);
            if (!Double.isNaN(accuracy[i])) {
                acc.add(seconds[i], accuracy[i]);
            }
        }
        NumberAxis time = new NumberAxis("seconds");
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(time);
        XYPlot top = linePlot(new XYSeriesCollection(rate), "decisions/s");
        XYPlot bottom = linePlot(new XYSeriesCollection(acc), "accuracy");
        for (XYPlot p : List.of(top, bottom)) {
            int i = 0;
            for (var e : markers.entrySet()) {
                ValueMarker m = new ValueMarker(e.getKey(), Color.GRAY, new BasicStroke(1.5f));
                m.setLabel(e.getValue());
                m.setLabelAnchor(RectangleAnchor.TOP_RIGHT);
                m.setLabelTextAnchor(TextAnchor.TOP_LEFT);
                // Steps close in time would print over each other: each label one line lower than the last.
                m.setLabelOffset(new RectangleInsets(4 + 13 * (i++ % 4), 2, 2, 2));
                p.addDomainMarker(m);
            }
        }
        plot.add(top, 1);
        plot.add(bottom, 1);
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        save(chart, file, 700);
    }

    private static XYPlot linePlot(XYSeriesCollection data, String yLabel) {
        NumberAxis y = new NumberAxis(yLabel);
        y.setAutoRangeIncludesZero(false);
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
        r.setSeriesPaint(0, new Color(0x1f77b4));
        r.setSeriesPaint(1, new Color(0xff7f0e));
        r.setSeriesStroke(0, new BasicStroke(2f));
        r.setSeriesStroke(1, new BasicStroke(2f));
        XYPlot p = new XYPlot(data, null, y, r);
        p.setBackgroundPaint(Color.WHITE);
        p.setRangeGridlinePaint(Color.LIGHT_GRAY);
        p.setDomainGridlinePaint(Color.LIGHT_GRAY);
        return p;
    }

    /**
     * Scores of "same" pairs vs "different" pairs, with the decision threshold marked. Two
     * well-separated humps = a working model; one hump = a stuck one.
     */
    public static void scoreHistogram(ScoredPairs scored, float threshold, String title, Path file) throws IOException {
        int same = 0;
        for (int y : scored.labels()) {
            same += y;
        }
        double[] sameScores = new double[same];
        double[] diffScores = new double[scored.size() - same];
        int s = 0;
        int d = 0;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < scored.size(); i++) {
            double v = scored.scores()[i];
            min = Math.min(min, v);
            max = Math.max(max, v);
            if (scored.labels()[i] == 1) {
                sameScores[s++] = v;
            } else {
                diffScores[d++] = v;
            }
        }
        if (!(max > min)) {
            max = min + 1e-6;
        }
        int bins = 40;
        HistogramDataset data = new HistogramDataset();
        data.setType(HistogramType.FREQUENCY);
        if (same > 0) {
            data.addSeries("same (class 1)", sameScores, bins, min, max);
        }
        if (diffScores.length > 0) {
            data.addSeries("different (class 0)", diffScores, bins, min, max);
        }
        String xLabel = scored.head() == Head.CONTRASTIVE ? "distance (same when below threshold)"
                : "probability of same (same when above threshold)";
        JFreeChart chart = ChartFactory.createHistogram(title, xLabel, "pairs", data, PlotOrientation.VERTICAL,
                true, false, false);
        XYPlot plot = chart.getXYPlot();
        plot.setForegroundAlpha(0.6f);
        plot.setBackgroundPaint(Color.WHITE);
        XYBarRenderer r = (XYBarRenderer) plot.getRenderer();
        r.setShadowVisible(false);
        r.setSeriesPaint(0, new Color(0x2ca02c));
        r.setSeriesPaint(1, new Color(0xd62728));
        ValueMarker marker = new ValueMarker(threshold, Color.BLACK, new BasicStroke(2f));
        marker.setLabel("threshold " + String.format(Locale.ROOT, "%.3f", threshold));
        plot.addDomainMarker(marker);
        chart.setBackgroundPaint(Color.WHITE);
        save(chart, file, 500);
    }

    private static void save(JFreeChart chart, Path file, int height) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, height);
    }
}
