package dev.vecgrad.app.report;

import dev.vecgrad.models.io.AtomicFiles;
import dev.vecgrad.models.train.EpochMetrics;
import dev.vecgrad.models.train.History;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;

/** Training curves as PNG images (XChart), written atomically. Runs headless. */
public final class Plots {

    private Plots() {}

    private static final int WIDTH = 640;
    private static final int HEIGHT = 420;

    static {
        System.setProperty("java.awt.headless", "true");
        // JDK 22+ shapes text with HarfBuzz through the foreign-function API by default: its first
        // use links downcalls and spins about 290 classes, 0.2-0.3 s of a cold demo on one core
        // (issue 14). This JDK property selects the same HarfBuzz through JNI; glyphs are the same.
        if (System.getProperty("sun.font.layout.ffm") == null) {
            System.setProperty("sun.font.layout.ffm", "false");
        }
        ImageIO.setUseCache(false);   // PNGs are encoded in memory (writePng): no cache file of ImageIO's own
    }

    /**
     * Loss (train and validation) and, where defined, accuracy (train and validation) per
     * epoch, side by side, to {@code file}.
     */
    public static void curves(History history, String title, Path file) throws IOException {
        curves(history, null, title, file);
    }

    /**
     * The training loss of every step ({@code steps}; faint) and its smoothed curve, with the
     * validation loss at the end of each epoch, as TensorBoard shows them; beside it the
     * accuracies per epoch in percent, as the console prints them. Without steps (or with one
     * step per epoch) the training loss is drawn per epoch.
     */
    public static void curves(History history, StepLosses steps, String title, Path file) throws IOException {
        List<XYChart> charts = new ArrayList<>();
        double[] sx = steps == null ? new double[0] : steps.x();
        boolean perStep = sx.length > history.epochs().size();
        double[] raw = perStep ? steps.losses() : new double[0];
        boolean logY = spansDecades(history, raw);
        XYChart loss = chart(title + ": loss", logY ? "loss (log scale)" : "loss", logY);
        boolean dense = history.epochs().size() > 30;
        if (perStep) {
            double weight = Math.min(0.99, Math.max(0, 1 - 40.0 / raw.length));
            line(loss, "train, each step", sx, raw, new Color(150, 180, 255, 110), 1f);
            line(loss, "train, smoothed", sx, StepLosses.smooth(raw, weight), new Color(40, 90, 220), 2f);
            loss.getStyler().setXAxisDecimalPattern("#0.#");
        } else {
            addSeries(loss, "train", history, EpochMetrics::trainLoss, 1);
        }
        addSeries(loss, "validation", history, EpochMetrics::valLoss, 1);
        charts.add(loss);
        if (!Double.isNaN(history.last().trainAccuracy())) {
            XYChart acc = chart(title + ": accuracy", "accuracy (%)", false);
            acc.getStyler().setYAxisDecimalPattern("#0.#");
            addSeries(acc, "train", history, EpochMetrics::trainAccuracy, 100);
            addSeries(acc, "validation", history, EpochMetrics::valAccuracy, 100);
            charts.add(acc);
        }
        if (dense) {
            charts.forEach(c -> c.getStyler().setMarkerSize(0));   // a line: thousands of markers make a smear
        }
        write(charts, file);
    }

    /**
     * True when the positive losses span two decades or more: on a linear axis everything after
     * the first drop would sit on the floor, so the loss is drawn on a log axis instead.
     */
    static boolean spansDecades(History history, double[] stepLosses) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = 0;
        List<Double> all = new ArrayList<>();
        for (EpochMetrics m : history.epochs()) {
            all.add(m.trainLoss());
            all.add(m.valLoss());
        }
        for (double v : stepLosses) {
            all.add(v);
        }
        for (double v : all) {
            if (Double.isFinite(v)) {
                if (v <= 0) {
                    return false;   // a log axis cannot show it
                }
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        return hi > 0 && hi / lo >= 100;
    }

    private static void line(XYChart c, String name, double[] x, double[] y, Color color, float width) {
        List<Double> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        envelope(x, y, WIDTH, xs, ys);
        if (!xs.isEmpty()) {
            var series = c.addSeries(name, xs, ys);
            series.setMarker(org.knowm.xchart.style.markers.SeriesMarkers.NONE);
            series.setLineColor(color);
            series.setLineWidth(width);
        }
    }

    /**
     * The finite points of (x, y), x ascending, with at most two per column of a plot {@code columns}
     * pixels wide: each of {@code columns} equal runs of points keeps its lowest and its highest, in
     * x order. The drawn line has the same envelope (a column cannot show more), and a run of
     * a hundred thousand steps draws as fast as the demo's 1,688 (in a cold JVM the demo's plot
     * phase, 0.9 s on one core, is mostly Java2D's start, not the points).
     */
    static void envelope(double[] x, double[] y, int columns, List<Double> xs, List<Double> ys) {
        int n = x.length;
        int buckets = n <= 2 * columns ? n : columns;
        for (int b = 0; b < buckets; b++) {
            int from = (int) ((long) b * n / buckets);
            int to = (int) ((long) (b + 1) * n / buckets);
            int lo = -1;
            int hi = -1;
            for (int i = from; i < to; i++) {
                if (Double.isFinite(y[i])) {
                    lo = lo < 0 || y[i] < y[lo] ? i : lo;
                    hi = hi < 0 || y[i] > y[hi] ? i : hi;
                }
            }
            if (lo >= 0) {
                int first = Math.min(lo, hi);
                int second = Math.max(lo, hi);
                xs.add(x[first]);
                ys.add(y[first]);
                if (second != first) {
                    xs.add(x[second]);
                    ys.add(y[second]);
                }
            }
        }
    }

    /**
     * One training-loss curve per run, on one chart (a learning-rate study): {@code runs} maps
     * a label ({@code "lr 0.5"}) to its history. Log scale on the y axis when {@code logY}.
     */
    public static void compare(Map<String, History> runs, String title, boolean logY, Path file) throws IOException {
        XYChart c = chart(title, "train loss", logY);
        if (runs.values().stream().anyMatch(h -> h.epochs().size() > 30)) {
            c.getStyler().setMarkerSize(0);
        }
        for (Map.Entry<String, History> e : runs.entrySet()) {
            addSeries(c, e.getKey(), e.getValue(), EpochMetrics::trainLoss, 1);
        }
        write(List.of(c), file);
    }

    /** One chart of named (x, y) series; {@link #panels} draws several side by side. */
    public record Panel(String title, String xTitle, String yTitle, boolean logY, Map<String, double[][]> series) {}

    /**
     * Charts side by side in one PNG. A log panel plots log10 of y on a linear axis (titled
     * "log10 ..."): XChart labels every decade of a log axis, unreadable over the tens of
     * decades gradients span. Non-positive y values are left out of a log panel.
     */
    public static void panels(List<Panel> panels, Path file) throws IOException {
        List<XYChart> charts = new ArrayList<>();
        for (Panel p : panels) {
            XYChart c = chart(p.title(), p.logY() ? "log10 " + p.yTitle() : p.yTitle(), false);
            c.setXAxisTitle(p.xTitle());
            var styler = c.getStyler();
            // a few series: one legend row below the plot; more: a column beside it, which a row cannot hold
            boolean many = p.series().size() > 3;
            styler.setLegendPosition(many ? Styler.LegendPosition.OutsideE : Styler.LegendPosition.OutsideS);
            styler.setLegendLayout(many ? Styler.LegendLayout.Vertical : Styler.LegendLayout.Horizontal);
            styler.setXAxisTickMarkSpacingHint(70);
            styler.setYAxisTickMarkSpacingHint(40);
            boolean dense = p.series().values().stream().anyMatch(xy -> xy[0].length > 30);
            styler.setMarkerSize(dense ? 0 : 5);
            for (Map.Entry<String, double[][]> e : p.series().entrySet()) {
                List<Double> xs = new ArrayList<>();
                List<Double> ys = new ArrayList<>();
                double[][] xy = e.getValue();
                for (int i = 0; i < xy[0].length; i++) {
                    if (Double.isFinite(xy[1][i]) && !(p.logY() && xy[1][i] <= 0)) {
                        xs.add(xy[0][i]);
                        ys.add(p.logY() ? Math.log10(xy[1][i]) : xy[1][i]);
                    }
                }
                if (!xs.isEmpty()) {
                    c.addSeries(e.getKey(), xs, ys);
                }
            }
            charts.add(c);
        }
        // a legend column beside the plot takes room: such panels are drawn half as wide again
        write(charts, file, panels.stream().anyMatch(p -> p.series().size() > 3) ? WIDTH * 3 / 2 : WIDTH, HEIGHT);
    }

    /**
     * An attention heatmap: one row per output character, one column per source character,
     * darker where the weight is larger (0 white, 1 dark blue), the labels on the axes.
     */
    public static void attention(String title, List<String> source, List<String> output, double[][] weights, Path file)
            throws IOException {
        int cell = 28;
        int left = 70;
        int top = 60;
        int width = left + cell * source.size() + 30;
        int height = top + cell * output.size() + 50;
        BufferedImage img = new BufferedImage(Math.max(width, 360), height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, img.getWidth(), img.getHeight());
            g.setColor(Color.BLACK);
            g.setFont(g.getFont().deriveFont(java.awt.Font.BOLD, 14f));
            g.drawString(title, 10, 22);
            g.setFont(g.getFont().deriveFont(java.awt.Font.PLAIN, 13f));
            g.drawString("source", left, top - 26);
            for (int r = 0; r < output.size(); r++) {
                for (int c = 0; c < source.size(); c++) {
                    double w = c < weights[r].length ? Math.max(0, Math.min(1, weights[r][c])) : 0;
                    g.setColor(new Color((int) (255 - 225 * w), (int) (255 - 185 * w), (int) (255 - 75 * w)));
                    g.fillRect(left + c * cell, top + r * cell, cell, cell);
                }
            }
            g.setColor(new Color(200, 200, 200));
            for (int r = 0; r <= output.size(); r++) {
                g.drawLine(left, top + r * cell, left + source.size() * cell, top + r * cell);
            }
            for (int c = 0; c <= source.size(); c++) {
                g.drawLine(left + c * cell, top, left + c * cell, top + output.size() * cell);
            }
            g.setColor(Color.BLACK);
            var fm = g.getFontMetrics();
            var small = g.getFont().deriveFont(9f);
            for (int c = 0; c < source.size(); c++) {
                String label = source.get(c);
                g.setFont(label.length() > 1 ? small : fm.getFont());
                int w = g.getFontMetrics().stringWidth(label);
                g.drawString(label, left + c * cell + (cell - w) / 2, top - 6);
            }
            g.setFont(fm.getFont());
            for (int r = 0; r < output.size(); r++) {
                String label = output.get(r);
                g.drawString(label, left - 10 - fm.stringWidth(label), top + r * cell + cell / 2 + 5);
            }
            g.drawString("output", 8, top + output.size() * cell + 30);
        } finally {
            g.dispose();
        }
        writePng(img, file);
    }

    /**
     * Grayscale images of {@code side x side} values in [0, 1] (clamped), each scaled
     * {@code scale}x: one row per label (the label on its left), {@code columns} images side by
     * side in each row ({@code rows.get(r)} holds them one after another).
     */
    public static void imageRows(String[] labels, List<double[]> rows, int columns, int side, int scale, Path file) throws IOException {
        if (labels.length != rows.size()) {
            throw new IllegalArgumentException("imageRows: " + labels.length + " labels for " + rows.size() + " rows");
        }
        int cell = side * scale;
        int gap = 6;
        int left = 116;
        BufferedImage img = new BufferedImage(left + columns * (cell + gap) + gap, rows.size() * (cell + gap) + gap,
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, img.getWidth(), img.getHeight());
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            for (int r = 0; r < rows.size(); r++) {
                int y0 = gap + r * (cell + gap);
                g.setColor(Color.BLACK);
                g.drawString(labels[r], 6, y0 + cell / 2 + 5);
                double[] im = rows.get(r);
                if (im.length != columns * side * side) {
                    throw new IllegalArgumentException("imageRows: row " + r + " holds " + im.length + " values, not " + columns + " images of "
                            + side + "x" + side);
                }
                for (int c = 0; c < columns; c++) {
                    for (int y = 0; y < side; y++) {
                        for (int x = 0; x < side; x++) {
                            int v = (int) Math.round(255 * Math.max(0, Math.min(1, im[(c * side + y) * side + x])));
                            g.setColor(new Color(v, v, v));
                            g.fillRect(left + c * (cell + gap) + x * scale, y0 + y * scale, scale, scale);
                        }
                    }
                }
            }
        } finally {
            g.dispose();
        }
        writePng(img, file);
    }

    /**
     * Encodes in memory, then writes the bytes atomically: ImageIO writing to a file's stream kept
     * its own cache file in the temporary folder, and a full disk gave "I/O error writing PNG
     * file!" and a NullPointerException trace from its StreamCloser thread instead of one line
     * naming the file.
     */
    private static void writePng(BufferedImage img, Path file) throws IOException {
        java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
        if (!ImageIO.write(img, "png", png)) {
            throw new IOException("no PNG writer in this JDK");
        }
        AtomicFiles.write(file, out -> png.writeTo(out));
    }

    private static XYChart chart(String title, String yTitle, boolean logY) {
        XYChart c = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle("epoch").yAxisTitle(yTitle).build();
        var styler = c.getStyler();
        // below the plot, where it covers no curve
        styler.setLegendPosition(Styler.LegendPosition.OutsideS);
        styler.setLegendLayout(Styler.LegendLayout.Horizontal);
        styler.setXAxisDecimalPattern("#");
        styler.setYAxisDecimalPattern("#0.0##");
        styler.setYAxisLogarithmic(logY);
        if (logY) {
            // decades down to 1e-7 (0.0000001) read in full; "#0.0##" would print 1e-4 as 0.0 (a custom
            // formatter would do better, but XChart 3.8 then draws the axis linear)
            styler.setYAxisDecimalPattern("#0.#######");
        }
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setMarkerSize(5);
        return c;
    }

    /** One point per epoch, {@code f} times {@code scale} (100 for percent). */
    private static void addSeries(XYChart c, String name, History h, ToDoubleFunction<EpochMetrics> f, double scale) {
        List<Double> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        for (EpochMetrics m : h.epochs()) {
            double y = scale * f.applyAsDouble(m);
            if (Double.isFinite(y) && !(c.getStyler().isYAxisLogarithmic() && y <= 0)) {
                xs.add((double) m.epoch());
                ys.add(y);
            }
        }
        if (!xs.isEmpty()) {
            c.addSeries(name, xs, ys);
        }
    }

    /**
     * XChart 3.8 puts the x ticks of equally spaced data on data values, so 5000 epochs get ticks
     * at 1, 335, 669, ...; one hidden point between the first two x values makes the spacing
     * uneven, and XChart then picks round numbers (1000, 2000, ...). A few points keep their
     * ticks on the points (epochs 1, 2, 3).
     */
    static void roundXTicks(XYChart c) {
        java.util.TreeSet<Double> xs = new java.util.TreeSet<>();
        double y = Double.NaN;
        for (var series : c.getSeriesMap().values()) {
            for (double x : series.getXData()) {
                xs.add(x);
            }
            if (Double.isNaN(y) && series.getYData().length > 0) {
                y = series.getYData()[0];
            }
        }
        if (xs.size() <= 12 || c.getSeriesMap().containsKey(HIDDEN)) {
            return;
        }
        double x0 = xs.first();
        var hidden = c.addSeries(HIDDEN, new double[] {(x0 + xs.higher(x0)) / 2}, new double[] {y});
        hidden.setShowInLegend(false);
        hidden.setMarker(org.knowm.xchart.style.markers.SeriesMarkers.NONE);
        hidden.setLineColor(new Color(0, 0, 0, 0));
    }

    private static final String HIDDEN = "\u200b";

    /**
     * One bar per name with its error bar (e.g. mean and standard deviation over seeds): an
     * ablation study's summary.
     */
    public static void bars(String title, String yTitle, List<String> names, double[] values, double[] errors, Path file)
            throws IOException {
        // names under their bars, turned upright when long (XChart centres a slanted label on its bar,
        // which puts it under the next one, and drops the last): the picture grows to hold them
        int longest = names.stream().mapToInt(String::length).max().orElse(0);
        boolean upright = longest > 10;
        int width = Math.max(WIDTH, 70 * names.size());
        int height = HEIGHT + (upright ? 7 * longest : 0);
        var chart = new org.knowm.xchart.CategoryChartBuilder().width(width).height(height).title(title).yAxisTitle(yTitle).build();
        var styler = chart.getStyler();
        styler.setLegendVisible(false);
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setYAxisDecimalPattern("#0.0#");
        styler.setXAxisLabelRotation(upright ? 90 : 0);
        styler.setErrorBarsColor(Color.DARK_GRAY);
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        List<Double> ys = new ArrayList<>();
        List<Double> es = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            double v = Double.isFinite(values[i]) ? values[i] : 0;
            double e = Double.isFinite(errors[i]) ? errors[i] : 0;
            ys.add(v);
            es.add(e);
            lo = Math.min(lo, v - e);
            hi = Math.max(hi, v + e);
        }
        // the bars start at 0, so that their lengths compare as the values do: a start just below the lowest value (84%
        // for an ablation's accuracies) made a difference of a point look like a doubling
        double pad = Math.max(0.5, 0.15 * (hi - lo));
        styler.setYAxisMin(Math.min(0, Math.floor(lo - pad)));
        styler.setYAxisMax(Math.ceil(hi + pad));
        chart.addSeries(yTitle, names, ys, es);
        write(List.of(chart), file, width, height);
    }

    private static void write(List<? extends org.knowm.xchart.internal.chartpart.Chart<?, ?>> charts, Path file) throws IOException {
        write(charts, file, WIDTH, HEIGHT);
    }

    /** Charts of {@code width} x {@code height} side by side in one PNG, written atomically. */
    private static void write(List<? extends org.knowm.xchart.internal.chartpart.Chart<?, ?>> charts, Path file, int width, int height)
            throws IOException {
        BufferedImage img = new BufferedImage(width * charts.size(), height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, img.getWidth(), img.getHeight());
            for (int i = 0; i < charts.size(); i++) {
                if (charts.get(i) instanceof XYChart xy) {
                    roundXTicks(xy);
                }
                Graphics2D sub = (Graphics2D) g.create(i * width, 0, width, height);
                charts.get(i).paint(sub, width, height);
                sub.dispose();
            }
        } finally {
            g.dispose();
        }
        writePng(img, file);
    }
}
