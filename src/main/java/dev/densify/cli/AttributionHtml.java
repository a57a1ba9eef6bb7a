package dev.densify.cli;

import dev.densify.attribution.Attribution;
import dev.densify.attribution.AttributionMethod;
import dev.densify.report.Html;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The HTML page of {@code densify attribute --html}: one section per sequence, one row per
 * method, each response token coloured on a diverging scale (blue negative, white zero, red
 * positive) normalised per row by the row's largest |value|; prompt tokens shown in grey. Self
 * contained (inline CSS, no scripts or external resources); every text is escaped. Stateless.
 */
final class AttributionHtml {

    private AttributionHtml() {
    }

    static String render(String model, int baseline, List<AttributeCommand.Item> items,
                         Map<AttributionMethod, List<Attribution>> results) {
        StringBuilder h = new StringBuilder(4096);
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<title>densify attribution</title>\n<style>\n")
                .append("body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:2em;color:#222}\n")
                .append("h1{font-size:1.4em}h2{font-size:1.1em;margin-top:1.6em}\n")
                .append("table{border-collapse:collapse}td,th{padding:.35em .6em;vertical-align:top;text-align:left}\n")
                .append("tr{border-bottom:1px solid #e4e4e4}th{font-weight:600;color:#555}\n")
                .append(".method{font-weight:600;white-space:nowrap}.score{white-space:nowrap;font-variant-numeric:tabular-nums;color:#444}\n")
                .append(".tokens{line-height:2.1em}.tok{padding:.15em .3em;margin:0 .08em;border-radius:3px;border:1px solid #ddd}\n")
                .append(".prompt{color:#999;padding:.15em .3em}\n")
                .append(".legend span{display:inline-block;padding:.15em .5em;border:1px solid #ddd}\n")
                .append(".meta{color:#666}\n</style>\n</head>\n<body>\n");
        h.append("<h1>Token attribution</h1>\n<p class=\"meta\">reward model ").append(escape(model))
                .append(" · baseline token id ").append(baseline).append(" · methods ")
                .append(escape(String.join(", ", results.keySet().stream().map(AttributionMethod::id).toList()))).append("</p>\n");
        h.append("<p class=\"legend\">").append(swatch(-1, "negative")).append(swatch(0, "0")).append(swatch(1, "positive"))
                .append(" <span style=\"border:none\">each row scaled by its largest |value|; grey: prompt (fixed)</span></p>\n");
        for (int i = 0; i < items.size(); i++) {
            AttributeCommand.Item item = items.get(i);
            h.append("<section>\n<h2>Sequence ").append(i + 1).append("</h2>\n<table>\n")
                    .append("<tr><th>method</th><th>score</th><th>tokens</th></tr>\n");
            for (var e : results.entrySet()) {
                Attribution a = e.getValue().get(i);
                double max = 0;
                for (float v : a.values()) {
                    max = Math.max(max, Math.abs(v));
                }
                h.append("<tr><td class=\"method\">").append(escape(e.getKey().id())).append("</td><td class=\"score\">")
                        .append(String.format(Locale.ROOT, "f(x) %.4f<br>f(baseline) %.4f", a.full(), a.baseline()))
                        .append("</td><td class=\"tokens\">");
                for (String t : item.promptTokens()) {
                    h.append("<span class=\"prompt\">").append(escape(t)).append("</span> ");
                }
                for (int t = 0; t < a.length(); t++) {
                    double x = max > 0 ? a.value(t) / max : 0;
                    h.append("<span class=\"tok\" style=\"").append(style(x)).append("\" title=\"")
                            .append(String.format(Locale.ROOT, "%+.6f", a.value(t))).append("\">")
                            .append(escape(item.responseTokens().get(t))).append("</span> ");
                }
                h.append("</td></tr>\n");
            }
            h.append("</table>\n</section>\n");
        }
        h.append("</body>\n</html>\n");
        return h.toString();
    }

    private static String swatch(double x, String label) {
        return "<span style=\"" + style(x) + "\">" + escape(label) + "</span>";
    }

    /** The shared diverging scale of token heat maps ({@link Html#diverging}). */
    static String style(double x) {
        return Html.diverging(x);
    }

    static String escape(String s) {
        return Html.escape(s);
    }
}
