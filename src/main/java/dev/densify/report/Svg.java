package dev.densify.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Inline SVG for densify's pages: number formats, axis ticks and ranges, the viridis scale and
 * its colour bar. Stateless.
 */
public final class Svg {

    private Svg() {
    }

    /** A coordinate with two decimals. */
    public static String f(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    /** A short number for labels. */
    public static String num(double v) {
        if (!Double.isFinite(v)) {
            return String.valueOf(v);
        }
        double a = Math.abs(v);
        if (a != 0 && (a < 1e-3 || a >= 1e5)) {
            return String.format(Locale.ROOT, "%.3g", v);
        }
        String s = String.format(Locale.ROOT, "%.4g", v);
        if (s.contains(".") && !s.contains("e")) {
            s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        return s;
    }

    /** Round tick values covering [lo, hi], about {@code count} of them. */
    public static List<Double> ticks(double lo, double hi, int count) {
        List<Double> out = new ArrayList<>();
        if (!(hi > lo)) {
            out.add(lo);
            return out;
        }
        double raw = (hi - lo) / Math.max(1, count);
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double step = mag;
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (m * mag >= raw) {
                step = m * mag;
                break;
            }
        }
        double start = Math.ceil(lo / step - 1e-9) * step;
        for (double t = start; t <= hi + step * 1e-9; t += step) {
            out.add(Math.abs(t) < step * 1e-9 ? 0 : t);
        }
        return out;
    }

    /** [lo, hi] padded by 5 % (or ±0.5 / ±|v|·0.1 when degenerate). */
    public static double[] range(double lo, double hi) {
        if (!Double.isFinite(lo) || !Double.isFinite(hi)) {
            return new double[] {0, 1};
        }
        if (hi - lo < 1e-12 * Math.max(1, Math.abs(hi))) {
            double pad = lo == 0 ? 0.5 : Math.abs(lo) * 0.1;
            return new double[] {lo - pad, hi + pad};
        }
        double pad = (hi - lo) * 0.05;
        return new double[] {lo - pad, hi + pad};
    }

    private static final int[][] VIRIDIS = {
            {68, 1, 84}, {72, 40, 120}, {62, 74, 137}, {49, 104, 142}, {38, 130, 142},
            {31, 158, 137}, {53, 183, 121}, {109, 205, 89}, {180, 222, 44}, {253, 231, 37}};

    /** Viridis colour for t in [0, 1]. */
    public static String viridis(double t) {
        if (!Double.isFinite(t)) {
            return "#cccccc";
        }
        t = Math.max(0, Math.min(1, t));
        double x = t * (VIRIDIS.length - 1);
        int i = Math.min(VIRIDIS.length - 2, (int) Math.floor(x));
        double u = x - i;
        int r = (int) Math.round(VIRIDIS[i][0] + u * (VIRIDIS[i + 1][0] - VIRIDIS[i][0]));
        int g = (int) Math.round(VIRIDIS[i][1] + u * (VIRIDIS[i + 1][1] - VIRIDIS[i][1]));
        int b = (int) Math.round(VIRIDIS[i][2] + u * (VIRIDIS[i + 1][2] - VIRIDIS[i][2]));
        return String.format(Locale.ROOT, "#%02x%02x%02x", r, g, b);
    }

    /** A horizontal colour bar with min/max labels, as an SVG group at (x, y). */
    public static String colourBar(double x, double y, double width, double lo, double hi, String title) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "<g transform=\"translate(%s,%s)\">", f(x), f(y)));
        int steps = 40;
        for (int i = 0; i < steps; i++) {
            sb.append(String.format(Locale.ROOT, "<rect x=\"%s\" y=\"0\" width=\"%s\" height=\"10\" fill=\"%s\"/>",
                    f(i * width / steps), f(width / steps + 0.5), viridis((i + 0.5) / steps)));
        }
        sb.append(String.format(Locale.ROOT, "<text x=\"0\" y=\"24\" class=\"tick\">%s</text>", Html.escape(num(lo))));
        sb.append(String.format(Locale.ROOT, "<text x=\"%s\" y=\"24\" class=\"tick\" text-anchor=\"end\">%s</text>",
                f(width), Html.escape(num(hi))));
        sb.append(String.format(Locale.ROOT, "<text x=\"%s\" y=\"24\" class=\"tick\" text-anchor=\"middle\">%s</text>",
                f(width / 2), Html.escape(title)));
        sb.append("</g>");
        return sb.toString();
    }
}
