package dev.densify.report;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * A progress bar for long work, written to a human-facing stream (stderr):
 * <pre>
 *   sft      [########............]   300/750   41.2 steps/s  ETA 0:11  loss 1.234
 * </pre>
 * On a terminal ({@link System#console()} is not null) the line is redrawn in place with
 * {@code \r}, at most every {@value #REDRAW_MILLIS} ms; otherwise (logs, pipes, tests) one line
 * is printed each time another tenth of the work is done, so logs stay short. {@link #finish()}
 * prints the final line (count, rate, elapsed time, the metric). A progress on a null stream is
 * silent. Thread-safe (methods are synchronized).
 *
 * <pre>{@code
 * try (Progress p = Progress.stderr("sft", steps, "steps")) {
 *     for (...) { ...; p.step("loss", loss); }
 * }
 * }</pre>
 */
public final class Progress implements AutoCloseable {

    static final int REDRAW_MILLIS = 100;
    private static final int BAR_WIDTH = 20;
    private static final int LABEL_WIDTH = 10;

    private final PrintStream out;
    private final String label;
    private final long total;
    private final String unit;
    private final boolean interactive;
    private final LongSupplier clock;
    private final long start;

    private long done;
    private String metricName;
    private double metricValue = Double.NaN;
    private String status;
    private long lastDraw = Long.MIN_VALUE;
    private int lastDecile;
    private int lastWidth;
    private boolean finished;

    /**
     * A progress bar.
     *
     * @param out         where to draw; null = silent
     * @param label       what is being done (e.g. "sft")
     * @param total       units of work, &gt;= 0 (0: only the final line is shown)
     * @param unit        plural unit name for the rate ("steps", "samples")
     * @param interactive redraw one line in place (a terminal) instead of printing every tenth
     */
    public Progress(PrintStream out, String label, long total, String unit, boolean interactive) {
        this(out, label, total, unit, interactive, System::nanoTime);
    }

    Progress(PrintStream out, String label, long total, String unit, boolean interactive, LongSupplier clock) {
        this.out = out;
        this.label = Objects.requireNonNull(label, "label");
        if (total < 0) {
            throw new IllegalArgumentException("total must be >= 0, got " + total);
        }
        this.total = total;
        this.unit = Objects.requireNonNull(unit, "unit");
        this.interactive = interactive;
        this.clock = clock;
        this.start = clock.getAsLong();
    }

    /** A progress bar on {@link System#err}, redrawn in place when the process has a console. */
    public static Progress stderr(String label, long total, String unit) {
        return new Progress(System.err, label, total, unit, isTerminal());
    }

    /** A progress bar on {@code out}: in place when {@code out} is {@link System#err} and there is a console. */
    public static Progress on(PrintStream out, String label, long total, String unit) {
        return new Progress(out, label, total, unit, out == System.err && isTerminal());
    }

    /**
     * Whether the process has an interactive terminal: {@link System#console()} is not null and
     * (since JDK 22, where a console may exist for redirected streams) it reports a terminal.
     */
    public static boolean isTerminal() {
        java.io.Console console = System.console();
        return console != null && console.isTerminal();
    }

    /** One more unit done. */
    public synchronized void step() {
        advance(1);
    }

    /** One more unit done; shows the metric. */
    public synchronized void step(String name, double value) {
        metricName = name;
        metricValue = value;
        advance(1);
    }

    /** {@code n} more units done. */
    public synchronized void advance(long n) {
        if (n < 0) {
            throw new IllegalArgumentException("cannot advance by " + n);
        }
        set(done + n);
    }

    /** Sets the units done (clamped to [0, total] when total &gt; 0). */
    public synchronized void set(long count) {
        done = total > 0 ? Math.max(0, Math.min(count, total)) : Math.max(0, count);
        maybeDraw();
    }

    /** Sets the metric shown after the ETA (e.g. "loss", 1.23); NaN hides it. */
    public synchronized void metric(String name, double value) {
        metricName = name;
        metricValue = value;
    }

    /** Sets free text shown after the metric (e.g. "sft loss 2.31, reward loss 0.42"); null hides it. */
    public synchronized void status(String text) {
        status = text;
    }

    /** Units done so far. */
    public synchronized long done() {
        return done;
    }

    /** Seconds since the bar was created. */
    public double elapsedSeconds() {
        return (clock.getAsLong() - start) / 1e9;
    }

    /** Prints the final line (once); later calls do nothing. */
    public synchronized void finish() {
        if (finished) {
            return;
        }
        finished = true;
        if (out == null) {
            return;
        }
        double seconds = elapsedSeconds();
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-" + LABEL_WIDTH + "s ", label));
        if (total > 0) {
            sb.append(bar()).append(' ');
        }
        sb.append(count()).append("  ");
        if (seconds > 0 && done > 0) {
            sb.append(rate(done / seconds)).append("  ");
        }
        sb.append("done in ").append(duration(seconds));
        appendMetric(sb);
        emit(sb.toString(), true);
    }

    /** Same as {@link #finish()}. */
    @Override
    public void close() {
        finish();
    }

    private void maybeDraw() {
        if (out == null || finished) {
            return;
        }
        if (interactive) {
            long now = clock.getAsLong();
            if (lastDraw != Long.MIN_VALUE && now - lastDraw < REDRAW_MILLIS * 1_000_000L && done < total) {
                return;
            }
            lastDraw = now;
            emit(line(), false);
        } else if (total > 0) {
            int decile = (int) (done * 10 / total);
            if (decile > lastDecile && done < total) {
                lastDecile = decile;
                emit(line(), true);
            }
        }
    }

    private String line() {
        double seconds = elapsedSeconds();
        double rate = seconds > 0 ? done / seconds : 0;
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-" + LABEL_WIDTH + "s ", label));
        if (total > 0) {
            sb.append(bar()).append(' ');
        }
        sb.append(count()).append("  ");
        if (rate > 0) {
            sb.append(rate(rate));
            if (total > 0) {
                sb.append("  ETA ").append(duration((total - done) / rate));
            }
        }
        appendMetric(sb);
        return sb.toString();
    }

    private void appendMetric(StringBuilder sb) {
        if (metricName != null && !Double.isNaN(metricValue)) {
            sb.append("  ").append(metricName).append(' ').append(String.format(Locale.ROOT, "%.4g", metricValue));
        }
        if (status != null && !status.isEmpty()) {
            sb.append("  ").append(status);
        }
    }

    private String bar() {
        int filled = (int) (done * BAR_WIDTH / Math.max(total, 1));
        return "[" + "#".repeat(filled) + ".".repeat(BAR_WIDTH - filled) + "]";
    }

    private String count() {
        if (total == 0) {
            return Long.toString(done);
        }
        String t = Long.toString(total);
        return String.format(Locale.ROOT, "%" + t.length() + "d/%s", done, t);
    }

    private String rate(double perSecond) {
        return String.format(Locale.ROOT, perSecond >= 100 ? "%.0f %s/s" : "%.1f %s/s", perSecond, unit);
    }

    /** h:mm:ss or m:ss. */
    static String duration(double seconds) {
        if (!Double.isFinite(seconds) || seconds < 0) {
            return "?";
        }
        long s = Math.round(seconds);
        long h = s / 3600;
        long m = s / 60 % 60;
        long sec = s % 60;
        return h > 0 ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, sec)
                : String.format(Locale.ROOT, "%d:%02d", m, sec);
    }

    private void emit(String text, boolean newline) {
        if (interactive) {
            int pad = Math.max(0, lastWidth - text.length());
            out.print("\r" + text + " ".repeat(pad));
            lastWidth = text.length();
            if (newline) {
                out.print('\n');
                lastWidth = 0;
            }
        } else {
            out.print(text + "\n");
        }
        out.flush();
    }
}
