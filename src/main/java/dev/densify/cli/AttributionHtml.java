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
 * positive) normalised per row by the row's largest |value|; prompt tokens shown in grey; with a
 * policy tokenizer a second row per method shows the values given to the policy's tokens. Self
 * contained (inline CSS, no scripts or external resources); every text is escaped. Stateless.
 */
final class AttributionHtml {

    /** The page's rules over the shared style sheet. */
    private static final String CSS = ".method{font-weight:600;white-space:nowrap}"
            + ".score{white-space:nowrap;font-variant-numeric:tabular-nums;color:#444}\n";

    private AttributionHtml() {
    }

    static String render(String model, int baseline, List<AttributeCommand.Item> items,
                         Map<AttributionMethod, List<Attribution>> results) {
        StringBuilder h = new StringBuilder(4096);
        h.append(Html.open("densify attribution", CSS));
        h.append("<h1>Token attribution</h1>\n<p class=\"meta\">reward model ").append(escape(model))
                .append(" · baseline token id ").append(baseline).append(" · methods ")
                .append(escape(String.join(", ", results.keySet().stream().map(AttributionMethod::id).toList()))).append("</p>\n");
        h.append(Html.legend("each row scaled by its largest |value|; grey: prompt (fixed)"));
        for (int i = 0; i < items.size(); i++) {
            AttributeCommand.Item item = items.get(i);
            h.append("<section>\n<h2>Sequence ").append(i + 1).append("</h2>\n<table>\n")
                    .append("<tr><th>method</th><th>score</th><th>tokens</th></tr>\n");
            for (var e : results.entrySet()) {
                Attribution a = e.getValue().get(i);
                h.append("<tr><td class=\"method\">").append(escape(e.getKey().id())).append("</td><td class=\"score\">")
                        .append(String.format(Locale.ROOT, "f(x) %.4f<br>f(baseline) %.4f", a.full(), a.baseline()))
                        .append("</td><td class=\"tokens\">")
                        .append(Html.heatmap(item.promptTokens(), item.responseTokens(), a.values()))
                        .append("</td></tr>\n");
                if (item.policy() != null) {
                    double[] mapped = item.policy().map(a, item.response());
                    float[] values = new float[mapped.length];
                    for (int t = 0; t < values.length; t++) {
                        values[t] = (float) mapped[t];
                    }
                    h.append("<tr><td class=\"method\">").append(escape(e.getKey().id()))
                            .append(" → policy tokens</td><td class=\"score\">same sum</td><td class=\"tokens\">")
                            .append(Html.heatmap(List.of(), item.policy().tokens(), values)).append("</td></tr>\n");
                }
            }
            h.append("</table>\n</section>\n");
        }
        h.append(Html.close());
        return h.toString();
    }

    /** The shared diverging scale of token heat maps ({@link Html#diverging}). */
    static String style(double x) {
        return Html.diverging(x);
    }

    static String escape(String s) {
        return Html.escape(s);
    }
}
