package dev.densify.report;

import java.util.List;
import java.util.Locale;

/**
 * The page toolkit of densify's self-contained HTML pages (inline CSS and SVG, no scripts or
 * external resources) — the training report, the study report and {@code attribute --html}:
 * escaping, the page shell, the diverging colour scale and the token heat maps ({@link Svg} and
 * {@link LineChart} draw the charts). Stateless.
 */
public final class Html {

    private Html() {
    }

    /** Text escaped for HTML element content and attribute values; "" for null. */
    public static String escape(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** The document head with the shared style sheet, up to the opened body. */
    public static String open(String title) {
        return open(title, "");
    }

    /**
     * The document head with the shared style sheet followed by a page's own rules (which win
     * where both set a property), up to the opened body.
     */
    public static String open(String title, String css) {
        return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" + escape(title)
                + "</title>\n<style>\n"
                + "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:2em;color:#222;max-width:72em}\n"
                + "h1{font-size:1.4em}h2{font-size:1.1em;margin-top:1.6em}\n"
                + "table{border-collapse:collapse}td,th{padding:.35em .6em;vertical-align:top;text-align:left}\n"
                + "tr{border-bottom:1px solid #e4e4e4}th{font-weight:600;color:#555}\n"
                + ".num{font-variant-numeric:tabular-nums;text-align:right;white-space:nowrap}\n"
                + ".tokens{line-height:2.1em}.tok{padding:.15em .3em;margin:0 .08em;border-radius:3px;border:1px solid #ddd}\n"
                + ".prompt{color:#999;padding:.15em .3em}.meta{color:#666}\n"
                + ".legend span{display:inline-block;padding:.15em .5em;border:1px solid #ddd}\n"
                + "svg text{font-size:11px;fill:#444}\n" + css + "</style>\n</head>\n<body>\n";
    }

    public static String close() {
        return "</body>\n</html>\n";
    }

    /**
     * Background for x in [-1, 1]: white at 0, towards a deep red rgb(180,0,0) at +1 and a deep
     * blue rgb(0,0,180) at -1; white text on strong colours.
     */
    public static String diverging(double x) {
        double t = Math.min(1, Math.abs(Double.isFinite(x) ? x : 0));
        return "background:" + divergingColour(x) + ";color:" + (t > 0.6 ? "#fff" : "#111");
    }

    /** The colour of {@link #diverging} alone, e.g. for SVG fills; white for a non-finite x. */
    public static String divergingColour(double x) {
        double t = Math.min(1, Math.abs(Double.isFinite(x) ? x : 0));
        int fade = (int) Math.round(255 * (1 - t));
        int deep = 255 - (int) Math.round(75 * t);
        int r = x > 0 ? deep : fade;
        int b = x < 0 ? deep : fade;
        return String.format(Locale.ROOT, "rgb(%d,%d,%d)", r, fade, b);
    }

    /** A legend of the diverging scale. */
    public static String legend(String note) {
        return "<p class=\"legend\"><span style=\"" + diverging(-1) + "\">negative</span><span style=\"" + diverging(0)
                + "\">0</span><span style=\"" + diverging(1) + "\">positive</span> <span style=\"border:none\">"
                + escape(note) + "</span></p>\n";
    }

    /**
     * Tokens coloured by their values, scaled by the largest |value| of the row; prompt tokens in
     * grey. Each token's exact value is its tooltip.
     */
    public static String heatmap(List<String> prompt, List<String> tokens, float[] values) {
        double max = 0;
        for (float v : values) {
            if (Float.isFinite(v)) {
                max = Math.max(max, Math.abs(v));
            }
        }
        StringBuilder h = new StringBuilder();
        for (String t : prompt) {
            h.append("<span class=\"prompt\">").append(escape(t)).append("</span> ");
        }
        for (int t = 0; t < tokens.size(); t++) {
            double v = t < values.length ? values[t] : 0;
            h.append("<span class=\"tok\" style=\"").append(diverging(max > 0 ? v / max : 0)).append("\" title=\"")
                    .append(String.format(Locale.ROOT, "%+.6f", v)).append("\">").append(escape(tokens.get(t)))
                    .append("</span> ");
        }
        return h.toString();
    }
}
