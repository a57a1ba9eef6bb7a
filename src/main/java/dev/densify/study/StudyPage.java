package dev.densify.study;

import com.fasterxml.jackson.databind.JsonNode;
import dev.densify.bo.GaussianProcess;
import dev.densify.report.Html;
import dev.densify.report.Svg;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The HTML page of {@link StudyReport}: draws a {@link StudyAnalysis} with the report toolkit. */
final class StudyPage {

    private static final int TERNARY_DIVISIONS = 24;
    private static final int SLICE_POINTS = 41;
    private static final int MAX_SAMPLES = 20;
    /** The study page's rules over the shared style sheet. */
    private static final String CSS = "body{max-width:1200px}\n"
            + "h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ddd}\n"
            + "table{font-size:.85em}td,th{padding:.2em .6em;text-align:right}tr{border-bottom:none}\n"
            + "th{border-bottom:1px solid #ccc}tr:nth-child(even){background:#f7f7f7}\n"
            + "td.l,th.l{text-align:left}.err{color:#a00;text-align:left;max-width:30em;overflow-wrap:anywhere}\n"
            + ".bar{display:inline-block;height:.8em;background:#3b7dd8;vertical-align:middle}\n"
            + "svg{font-size:11px}svg .tick{fill:#555;font-size:10px}svg .title{font-size:12px;font-weight:600}\n"
            + ".tok{display:inline-block;padding:.1em .25em;margin:.05em;border:none}\n"
            + ".sample{margin:.4em 0;line-height:1.8}.plots{display:flex;flex-wrap:wrap;gap:1em}\n";

    private StudyPage() {
    }

    static String html(StudyAnalysis a) {
        StringBuilder h = new StringBuilder(64 * 1024);
        String title = "densify study " + (a.run().getFileName() == null ? a.run().toString()
                : a.run().getFileName().toString());
        h.append(Html.open(title, CSS));
        StudyConfig c = a.config();
        long complete = a.complete().size();
        long failed = a.trials().stream().filter(t -> t.state() == TrialState.FAILED).count();
        long open = a.trials().stream().filter(t -> !t.state().finished()).count();
        h.append("<h1>densify study</h1>\n<p class=\"meta\">").append(Html.escape(a.run().toString())).append("<br>")
                .append("components ").append(Html.escape(String.join(", ", c.componentIds())));
        for (StudyConfig.ExtraDimension e : c.extras()) {
            h.append(", ").append(Html.escape(e.name())).append(" ∈ [").append(Svg.num(e.lower())).append(", ")
                    .append(Svg.num(e.upper())).append(e.logarithmic() ? "] (log)" : "]");
        }
        h.append("; objective ").append(c.objective().id()).append("; ").append(complete + failed).append(" of ")
                .append(c.trials()).append(" trials finished (").append(complete).append(" complete, ").append(failed)
                .append(" failed").append(open > 0 ? ", " + open + " unfinished" : "").append("); q = ")
                .append(c.parallel()).append(", ").append(c.seedsPerTrial()).append(" seed(s) per trial, seed ")
                .append(c.seed()).append("; initial design ").append(c.resolvedInitialDesignSize())
                .append("<br>generated ").append(Instant.now().toString()).append("</p>\n");

        bestSection(h, a);
        objectiveSection(h, a);
        posteriorSection(h, a);
        curvesSection(h, a);
        samplesSection(h, a);
        trialTable(h, a);
        h.append(Html.close());
        return h.toString();
    }

    private static void bestSection(StringBuilder h, StudyAnalysis a) {
        h.append("<h2 id=\"best\">Best weights</h2>\n");
        if (a.best() == null && a.bestObserved().isEmpty()) {
            h.append("<p>No complete trial yet.</p>\n");
            return;
        }
        List<String> names = a.space().names();
        h.append("<table><tr><th class=\"l\"></th><th>trial</th>");
        for (String n : names) {
            h.append("<th class=\"l\">").append(Html.escape(n)).append("</th>");
        }
        h.append("<th>objective</th><th>expected ± sd</th><th>a rerun ± sd</th></tr>\n");
        if (a.best() != null) {
            StudyReport.Best b = a.best();
            h.append("<tr><td class=\"l\">recommended (best posterior mean)</td><td>").append(b.trial()).append("</td>");
            weightCells(h, a, b.parameters());
            h.append("<td>").append(Svg.num(b.observed())).append("</td><td>").append(Svg.num(b.posteriorMean()))
                    .append(" ± ").append(Svg.num(b.posteriorSd())).append("</td><td>").append(Svg.num(b.posteriorMean()))
                    .append(" ± ").append(Svg.num(b.predictiveSd())).append("</td></tr>\n");
        }
        if (a.bestObserved().isPresent()) {
            TrialRecord b = a.bestObserved().get();
            h.append("<tr><td class=\"l\">best observed</td><td>").append(b.number()).append("</td>");
            weightCells(h, a, b.parameters());
            h.append("<td>").append(Svg.num(b.objective())).append("</td><td></td><td></td></tr>\n");
        }
        h.append("</table>\n");
        a.versusFixed().ifPresent(v -> h.append("<p>").append(v.same()
                ? "The recommendation is a fixed blend the study ran (trial " + v.fixedTrial() + ")."
                : String.format(Locale.ROOT, "Posterior probability that the recommended weights beat the best fixed "
                + "blend the study ran (trial %d, expected %s): <b>%.3f</b>.", v.fixedTrial(), Svg.num(v.fixedMean()),
                v.probability())).append("</p>\n"));
        a.noise().ifPresent(x -> {
            h.append("<p class=\"meta\">Noise: one trial's objective has sd ").append(Svg.num(x.trialSd()))
                    .append(" (the GP's learned noise sd ").append(Svg.num(x.learnedSd()));
            if (x.degreesOfFreedom() > 0) {
                h.append("; one run's sd ").append(Svg.num(x.runSd())).append(" pooled over the replicates, ")
                        .append(x.degreesOfFreedom()).append(" degrees of freedom");
            } else {
                h.append("; ").append(Html.escape(StudyReport.NO_REPLICATES));
            }
            h.append("); the trials' objectives have sd ").append(Svg.num(x.spread())).append(" and span ")
                    .append(Svg.num(x.range())).append(".</p>\n");
            if (x.warning()) {
                h.append("<p class=\"err\"><b>Warning:</b> ").append(Html.escape(x.text())).append(".</p>\n");
            }
        });
        if (a.modelNote() != null) {
            h.append("<p class=\"meta\">").append(Html.escape(a.modelNote())).append("</p>\n");
        }
    }

    private static void weightCells(StringBuilder h, StudyAnalysis a, Map<String, Double> p) {
        for (String n : a.space().names()) {
            double v = p.getOrDefault(n, Double.NaN);
            h.append("<td class=\"l\">");
            if (a.config().componentIds().contains(n)) {
                h.append("<span class=\"bar\" style=\"width:").append(Svg.f(60 * Math.max(0, Math.min(1, v))))
                        .append("px\"></span> ");
            }
            h.append(Svg.num(v)).append("</td>");
        }
    }

    // ---- objective per trial -----------------------------------------------------------------

    private static final class Frame {
        final double w;
        final double h;
        final double left = 56;
        final double right = 14;
        final double top = 24;
        final double bottom = 36;
        final double x0;
        final double x1;
        final double y0;
        final double y1;

        Frame(double w, double h, double x0, double x1, double y0, double y1) {
            this.w = w;
            this.h = h;
            this.x0 = x0;
            this.x1 = x1;
            this.y0 = y0;
            this.y1 = y1;
        }

        double x(double v) {
            return left + (v - x0) / (x1 - x0) * (w - left - right);
        }

        double y(double v) {
            return h - bottom - (v - y0) / (y1 - y0) * (h - top - bottom);
        }

        String open(String title, String id) {
            return String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"%s\" width=\"%s\" "
                            + "height=\"%s\" viewBox=\"0 0 %s %s\" role=\"img\"><title>%s</title>"
                            + "<text x=\"%s\" y=\"14\" class=\"title\">%s</text>", id, Svg.f(w), Svg.f(h), Svg.f(w),
                    Svg.f(h), Html.escape(title), Svg.f(left), Html.escape(title));
        }

        String axes(String xLabel, String yLabel, boolean integerX) {
            StringBuilder sb = new StringBuilder();
            sb.append(String.format(Locale.ROOT, "<rect x=\"%s\" y=\"%s\" width=\"%s\" height=\"%s\" fill=\"none\" "
                    + "stroke=\"#bbb\"/>", Svg.f(left), Svg.f(top), Svg.f(w - left - right), Svg.f(h - top - bottom)));
            for (double t : Svg.ticks(x0, x1, 6)) {
                if (integerX && Math.abs(t - Math.rint(t)) > 1e-9) {
                    continue;
                }
                sb.append(String.format(Locale.ROOT, "<line x1=\"%s\" x2=\"%s\" y1=\"%s\" y2=\"%s\" stroke=\"#bbb\"/>"
                                + "<text x=\"%s\" y=\"%s\" class=\"tick\" text-anchor=\"middle\">%s</text>",
                        Svg.f(x(t)), Svg.f(x(t)), Svg.f(h - bottom), Svg.f(h - bottom + 4), Svg.f(x(t)),
                        Svg.f(h - bottom + 15), Html.escape(Svg.num(t))));
            }
            for (double t : Svg.ticks(y0, y1, 5)) {
                sb.append(String.format(Locale.ROOT, "<line x1=\"%s\" x2=\"%s\" y1=\"%s\" y2=\"%s\" stroke=\"#eee\"/>"
                                + "<text x=\"%s\" y=\"%s\" class=\"tick\" text-anchor=\"end\">%s</text>",
                        Svg.f(left), Svg.f(w - right), Svg.f(y(t)), Svg.f(y(t)), Svg.f(left - 4), Svg.f(y(t) + 3),
                        Html.escape(Svg.num(t))));
            }
            sb.append(String.format(Locale.ROOT, "<text x=\"%s\" y=\"%s\" class=\"tick\" text-anchor=\"middle\">%s</text>",
                    Svg.f((left + w - right) / 2), Svg.f(h - 6), Html.escape(xLabel)));
            sb.append(String.format(Locale.ROOT, "<text transform=\"translate(12,%s) rotate(-90)\" class=\"tick\" "
                    + "text-anchor=\"middle\">%s</text>", Svg.f((top + h - bottom) / 2), Html.escape(yLabel)));
            return sb.toString();
        }
    }

    private static void objectiveSection(StringBuilder h, StudyAnalysis a) {
        h.append("<h2 id=\"objective\">Objective per trial</h2>\n");
        if (a.trials().isEmpty()) {
            h.append("<p>No trials yet.</p>\n");
            return;
        }
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (TrialRecord t : a.complete()) {
            lo = Math.min(lo, t.objective());
            hi = Math.max(hi, t.objective());
        }
        double[] yr = a.complete().isEmpty() ? new double[] {0, 1} : Svg.range(lo, hi);
        int n = a.trials().stream().mapToInt(TrialRecord::number).max().orElse(0);
        Frame fr = new Frame(720, 300, -0.5, Math.max(n, 1) + 0.5, yr[0], yr[1]);
        h.append(fr.open("objective per trial", "objective-scatter"));
        h.append(fr.axes("trial", a.config().objective().id(), true));
        // running best
        StringBuilder path = new StringBuilder();
        double best = Double.NEGATIVE_INFINITY;
        for (TrialRecord t : a.complete()) {
            if (t.objective() > best) {
                if (path.isEmpty()) {
                    path.append("M").append(Svg.f(fr.x(t.number()))).append(' ').append(Svg.f(fr.y(t.objective())));
                } else {
                    path.append(" H").append(Svg.f(fr.x(t.number()))).append(" V").append(Svg.f(fr.y(t.objective())));
                }
                best = t.objective();
            }
        }
        if (!path.isEmpty()) {
            path.append(" H").append(Svg.f(fr.x(n)));
            h.append("<path d=\"").append(path).append("\" fill=\"none\" stroke=\"#2a9d5c\" stroke-width=\"1.5\"/>");
        }
        for (TrialRecord t : a.trials()) {
            double x = fr.x(t.number());
            if (t.state() == TrialState.COMPLETE) {
                String colour = TrialRecord.MODEL.equals(t.origin()) ? "#e07b00" : "#3b7dd8";
                h.append(String.format(Locale.ROOT, "<circle cx=\"%s\" cy=\"%s\" r=\"4\" fill=\"%s\"><title>trial %d: "
                                + "%s (%s) %s</title></circle>", Svg.f(x), Svg.f(fr.y(t.objective())), colour, t.number(),
                        Html.escape(Svg.num(t.objective())), Html.escape(t.origin()),
                        Html.escape(Study.formatParameters(t.parameters()))));
            } else if (t.state() == TrialState.FAILED) {
                double y = fr.h - fr.bottom - 6;
                h.append(String.format(Locale.ROOT, "<path d=\"M%s %s l8 8 m0 -8 l-8 8\" stroke=\"#c00\" "
                                + "stroke-width=\"2\"><title>trial %d failed: %s</title></path>", Svg.f(x - 4), Svg.f(y - 4),
                        t.number(), Html.escape(t.error())));
            }
        }
        if (a.best() != null) {
            h.append(String.format(Locale.ROOT, "<circle cx=\"%s\" cy=\"%s\" r=\"8\" fill=\"none\" stroke=\"#000\" "
                            + "stroke-width=\"1.5\"><title>recommended: trial %d</title></circle>", Svg.f(fr.x(a.best().trial())),
                    Svg.f(fr.y(a.best().observed())), a.best().trial()));
        }
        double lx = fr.w - fr.right - 250;
        h.append(String.format(Locale.ROOT, "<g transform=\"translate(%s,14)\" class=\"tick\">"
                + "<circle cx=\"0\" cy=\"-3\" r=\"4\" fill=\"#3b7dd8\"/><text x=\"7\" y=\"0\">Sobol</text>"
                + "<circle cx=\"55\" cy=\"-3\" r=\"4\" fill=\"#e07b00\"/><text x=\"62\" y=\"0\">model</text>"
                + "<path d=\"M110 -7 l8 8 m0 -8 l-8 8\" stroke=\"#c00\" stroke-width=\"2\"/><text x=\"122\" y=\"0\">failed</text>"
                + "<line x1=\"170\" x2=\"185\" y1=\"-3\" y2=\"-3\" stroke=\"#2a9d5c\" stroke-width=\"1.5\"/>"
                + "<text x=\"189\" y=\"0\">best so far</text></g>", Svg.f(lx)));
        h.append("</svg>\n");
    }

    private static void trialTable(StringBuilder h, StudyAnalysis a) {
        h.append("<h2 id=\"trials\">Trials</h2>\n<table><tr><th>trial</th><th class=\"l\">state</th>"
                + "<th class=\"l\">origin</th>");
        for (String n : a.space().names()) {
            h.append("<th>").append(Html.escape(n)).append("</th>");
        }
        h.append("<th>objective</th><th>runs' sd</th><th>attempts</th><th>seconds</th><th class=\"l\">error</th></tr>\n");
        for (TrialRecord t : a.trials()) {
            h.append("<tr><td>").append(t.number()).append("</td><td class=\"l\">").append(t.state())
                    .append("</td><td class=\"l\">").append(Html.escape(t.origin())).append("</td>");
            for (String n : a.space().names()) {
                h.append("<td>").append(Svg.num(t.parameters().getOrDefault(n, Double.NaN))).append("</td>");
            }
            double sd = Replicates.sd(t);
            h.append("<td>").append(Double.isFinite(t.objective()) ? Svg.num(t.objective()) : "").append("</td><td>")
                    .append(Double.isFinite(sd) ? Svg.num(sd) + " (" + Replicates.runs(t) + ")" : "").append("</td><td>")
                    .append(t.attempts()).append("</td><td>")
                    .append(Double.isFinite(t.durationSeconds()) ? Svg.num(t.durationSeconds()) : "")
                    .append("</td><td class=\"err\">").append(Html.escape(t.error())).append("</td></tr>\n");
        }
        h.append("</table>\n");
    }

    // ---- posterior ---------------------------------------------------------------------------

    private static void posteriorSection(StringBuilder h, StudyAnalysis a) {
        h.append("<h2 id=\"posterior\">GP posterior over the simplex</h2>\n");
        if (a.gp() == null) {
            h.append("<p>No model: ").append(Html.escape(a.modelNote())).append(".</p>\n");
            return;
        }
        List<String> comps = a.config().componentIds();
        Map<String, Double> fixed = new LinkedHashMap<>();
        for (StudyConfig.ExtraDimension e : a.config().extras()) {
            fixed.put(e.name(), a.bestTrial().parameters().get(e.name()));
        }
        if (!fixed.isEmpty()) {
            h.append("<p class=\"meta\">Extras held at the recommended trial's values: ")
                    .append(Html.escape(Study.formatParameters(fixed))).append(".</p>\n");
        }
        h.append("<div class=\"plots\">\n");
        if (comps.size() == 3) {
            h.append("<p class=\"meta\" style=\"flex-basis:100%\">Ternary maps: each corner is all weight on one "
                    + "component; dots are the complete trials, the ring the recommended one.</p>\n");
            ternary(h, a, fixed, true);
            ternary(h, a, fixed, false);
        } else {
            h.append("<p class=\"meta\" style=\"flex-basis:100%\">Slices: in panel k, w_k runs from 0 to 1 while the "
                    + "other weights keep their proportions in the recommended point; line = posterior mean, band = "
                    + "± 1 sd, dashed = the recommended w_k.</p>\n");
            slices(h, a, fixed);
        }
        h.append("</div>\n");
    }

    private static double[] point(StudyAnalysis a, double[] weights, Map<String, Double> fixed) {
        List<String> names = a.space().names();
        double[] p = new double[names.size()];
        for (int i = 0; i < names.size(); i++) {
            p[i] = i < weights.length ? weights[i] : fixed.get(names.get(i));
        }
        return p;
    }

    private static GaussianProcess.Prediction predict(StudyAnalysis a, double[] weights, Map<String, Double> fixed) {
        double[] w = weights.clone();
        double s = 0;
        for (int i = 0; i < w.length; i++) {
            w[i] = Math.max(0, w[i]);
            s += w[i];
        }
        for (int i = 0; i < w.length; i++) {
            w[i] /= s;
        }
        return a.gp().predict(a.space().features(point(a, w, fixed)));
    }

    private static void ternary(StringBuilder h, StudyAnalysis a, Map<String, Double> fixed, boolean mean) {
        int n = TERNARY_DIVISIONS;
        double size = 340;
        double margin = 30;
        double height = size * Math.sqrt(3) / 2;
        double w = size + 2 * margin;
        double hh = height + 2 * margin + 50;
        // corners: component 0 bottom-left, 1 bottom-right, 2 top
        double[][] corner = {{margin, margin + 20 + height}, {margin + size, margin + 20 + height},
                {margin + size / 2, margin + 20}};
        List<double[]> tris = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            for (int j = 0; i + j < n; j++) {
                // grid coordinates (a, b) = weights of components 0 and 1 times n
                tris.add(new double[] {i, j, i + 1, j, i, j + 1});
                if (i + j < n - 1) {
                    tris.add(new double[] {i + 1, j, i, j + 1, i + 1, j + 1});
                }
            }
        }
        for (double[] t : tris) {
            double w0 = (t[0] + t[2] + t[4]) / (3.0 * n);
            double w1 = (t[1] + t[3] + t[5]) / (3.0 * n);
            double[] wts = {w0, w1, Math.max(0, 1 - w0 - w1)};
            GaussianProcess.Prediction p = predict(a, wts, fixed);
            values.add(mean ? p.mean() : p.std());
        }
        double lo = values.stream().mapToDouble(Double::doubleValue).min().orElse(0);
        double hi = values.stream().mapToDouble(Double::doubleValue).max().orElse(1);
        String title = mean ? "posterior mean" : "posterior sd";
        h.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"ternary-%s\" class=\"ternary\" "
                        + "width=\"%s\" height=\"%s\" viewBox=\"0 0 %s %s\" role=\"img\"><title>ternary %s</title>"
                        + "<text x=\"%s\" y=\"14\" class=\"title\">%s</text>", mean ? "mean" : "sd", Svg.f(w), Svg.f(hh),
                Svg.f(w), Svg.f(hh), title, Svg.f(margin), title));
        for (int k = 0; k < tris.size(); k++) {
            double[] t = tris.get(k);
            StringBuilder pts = new StringBuilder();
            for (int v = 0; v < 3; v++) {
                double[] xy = ternaryXY(corner, t[2 * v] / n, t[2 * v + 1] / n);
                pts.append(Svg.f(xy[0])).append(',').append(Svg.f(xy[1])).append(' ');
            }
            double u = hi > lo ? (values.get(k) - lo) / (hi - lo) : 0.5;
            String colour = Svg.viridis(u);
            h.append("<polygon points=\"").append(pts.toString().strip()).append("\" fill=\"").append(colour)
                    .append("\" stroke=\"").append(colour).append("\" stroke-width=\"0.5\"/>");
        }
        h.append(String.format(Locale.ROOT, "<polygon points=\"%s,%s %s,%s %s,%s\" fill=\"none\" stroke=\"#333\"/>",
                Svg.f(corner[0][0]), Svg.f(corner[0][1]), Svg.f(corner[1][0]), Svg.f(corner[1][1]), Svg.f(corner[2][0]),
                Svg.f(corner[2][1])));
        List<String> comps = a.config().componentIds();
        h.append(String.format(Locale.ROOT, "<text x=\"%s\" y=\"%s\" text-anchor=\"middle\">%s</text>",
                Svg.f(corner[0][0]), Svg.f(corner[0][1] + 16), Html.escape(comps.get(0))));
        h.append(String.format(Locale.ROOT, "<text x=\"%s\" y=\"%s\" text-anchor=\"middle\">%s</text>",
                Svg.f(corner[1][0]), Svg.f(corner[1][1] + 16), Html.escape(comps.get(1))));
        h.append(String.format(Locale.ROOT, "<text x=\"%s\" y=\"%s\" text-anchor=\"middle\">%s</text>",
                Svg.f(corner[2][0]), Svg.f(corner[2][1] - 6), Html.escape(comps.get(2))));
        for (TrialRecord t : a.complete()) {
            double[] xy = ternaryXY(corner, t.parameters().get(comps.get(0)), t.parameters().get(comps.get(1)));
            h.append(String.format(Locale.ROOT, "<circle cx=\"%s\" cy=\"%s\" r=\"3\" fill=\"#fff\" stroke=\"#000\" "
                            + "stroke-width=\"0.8\"><title>trial %d: %s</title></circle>", Svg.f(xy[0]), Svg.f(xy[1]),
                    t.number(), Html.escape(Svg.num(t.objective()))));
        }
        if (a.bestTrial() != null) {
            TrialRecord b = a.bestTrial();
            double[] xy = ternaryXY(corner, b.parameters().get(comps.get(0)), b.parameters().get(comps.get(1)));
            h.append(String.format(Locale.ROOT, "<circle cx=\"%s\" cy=\"%s\" r=\"7\" fill=\"none\" stroke=\"#e00\" "
                    + "stroke-width=\"2\"><title>recommended: trial %d</title></circle>", Svg.f(xy[0]), Svg.f(xy[1]),
                    b.number()));
        }
        h.append(Svg.colourBar(margin, hh - 38, size, lo, hi, title));
        h.append("</svg>\n");
    }

    /** Cartesian position of weights (w0, w1, 1 − w0 − w1). */
    private static double[] ternaryXY(double[][] corner, double w0, double w1) {
        double w2 = 1 - w0 - w1;
        return new double[] {w0 * corner[0][0] + w1 * corner[1][0] + w2 * corner[2][0],
                w0 * corner[0][1] + w1 * corner[1][1] + w2 * corner[2][1]};
    }

    private static void slices(StringBuilder h, StudyAnalysis a, Map<String, Double> fixed) {
        List<String> comps = a.config().componentIds();
        int d = comps.size();
        double[] ref = new double[d];
        for (int i = 0; i < d; i++) {
            ref[i] = a.bestTrial().parameters().get(comps.get(i));
        }
        double[][] means = new double[d][SLICE_POINTS];
        double[][] sds = new double[d][SLICE_POINTS];
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < d; k++) {
            double rest = 1 - ref[k];
            for (int s = 0; s < SLICE_POINTS; s++) {
                double wk = s / (double) (SLICE_POINTS - 1);
                double[] w = new double[d];
                for (int i = 0; i < d; i++) {
                    if (i == k) {
                        w[i] = wk;
                    } else {
                        w[i] = (1 - wk) * (rest > 1e-9 ? ref[i] / rest : 1.0 / (d - 1));
                    }
                }
                GaussianProcess.Prediction p = predict(a, w, fixed);
                means[k][s] = p.mean();
                sds[k][s] = p.std();
                lo = Math.min(lo, p.mean() - p.std());
                hi = Math.max(hi, p.mean() + p.std());
            }
        }
        double[] yr = Svg.range(lo, hi);
        for (int k = 0; k < d; k++) {
            Frame fr = new Frame(280, 220, 0, 1, yr[0], yr[1]);
            h.append(fr.open("slice along " + comps.get(k), "slice-" + comps.get(k)));
            h.append(fr.axes("w(" + comps.get(k) + ")", "posterior", false));
            StringBuilder band = new StringBuilder();
            StringBuilder line = new StringBuilder();
            for (int s = 0; s < SLICE_POINTS; s++) {
                double x = fr.x(s / (double) (SLICE_POINTS - 1));
                band.append(s == 0 ? "M" : " L").append(Svg.f(x)).append(' ').append(Svg.f(fr.y(means[k][s] + sds[k][s])));
                line.append(s == 0 ? "M" : " L").append(Svg.f(x)).append(' ').append(Svg.f(fr.y(means[k][s])));
            }
            for (int s = SLICE_POINTS - 1; s >= 0; s--) {
                double x = fr.x(s / (double) (SLICE_POINTS - 1));
                band.append(" L").append(Svg.f(x)).append(' ').append(Svg.f(fr.y(means[k][s] - sds[k][s])));
            }
            h.append("<path d=\"").append(band).append(" Z\" fill=\"#3b7dd8\" fill-opacity=\"0.2\" stroke=\"none\"/>");
            h.append("<path d=\"").append(line).append("\" fill=\"none\" stroke=\"#3b7dd8\" stroke-width=\"2\"/>");
            double xr = fr.x(ref[k]);
            h.append(String.format(Locale.ROOT, "<line x1=\"%s\" x2=\"%s\" y1=\"%s\" y2=\"%s\" stroke=\"#e00\" "
                    + "stroke-dasharray=\"4 3\"/>", Svg.f(xr), Svg.f(xr), Svg.f(fr.top), Svg.f(fr.h - fr.bottom)));
            h.append("</svg>\n");
        }
    }

    // ---- learning curves ---------------------------------------------------------------------

    private static void curvesSection(StringBuilder h, StudyAnalysis a) {
        h.append("<h2 id=\"curves\">Learning curves</h2>\n");
        List<TrialRecord> withCurves = a.complete().stream().filter(t -> !t.learningCurve().isEmpty()).toList();
        if (withCurves.isEmpty()) {
            h.append("<p>No learning curves recorded.</p>\n");
            return;
        }
        int len = withCurves.stream().mapToInt(t -> t.learningCurve().size()).max().orElse(1);
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (TrialRecord t : withCurves) {
            for (double v : t.learningCurve()) {
                if (Double.isFinite(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        double[] yr = Svg.range(lo, hi);
        Frame fr = new Frame(720, 320, 0, Math.max(1, len - 1), yr[0], yr[1]);
        h.append(fr.open("validation score per evaluation (colour: trial objective; bold: recommended)", "learning-curves"));
        h.append(fr.axes("evaluation", "validation score", true));
        double olo = withCurves.stream().mapToDouble(TrialRecord::objective).min().orElse(0);
        double ohi = withCurves.stream().mapToDouble(TrialRecord::objective).max().orElse(1);
        List<TrialRecord> order = new ArrayList<>(withCurves);
        int bestNumber = a.bestTrial() == null ? -1 : a.bestTrial().number();
        order.sort(Comparator.comparing((TrialRecord t) -> t.number() == bestNumber)
                .thenComparingDouble(TrialRecord::objective));
        for (TrialRecord t : order) {
            StringBuilder line = new StringBuilder();
            List<Double> c = t.learningCurve();
            boolean pen = false;
            for (int i = 0; i < c.size(); i++) {
                double v = c.get(i);
                if (!Double.isFinite(v)) {
                    pen = false;
                    continue;
                }
                line.append(pen ? " L" : (line.isEmpty() ? "M" : " M")).append(Svg.f(fr.x(c.size() == 1 ? 0 : i)))
                        .append(' ').append(Svg.f(fr.y(v)));
                pen = true;
            }
            boolean isBest = t.number() == bestNumber;
            String colour = isBest ? "#e00" : Svg.viridis(ohi > olo ? (t.objective() - olo) / (ohi - olo) : 0.5);
            h.append("<path d=\"").append(line).append("\" fill=\"none\" stroke=\"").append(colour)
                    .append("\" stroke-width=\"").append(isBest ? "3" : "1.2").append("\" stroke-opacity=\"")
                    .append(isBest ? "1" : "0.8").append("\"><title>trial ").append(t.number()).append(": ")
                    .append(Html.escape(Svg.num(t.objective()))).append("</title></path>");
        }
        h.append("</svg>\n");
    }

    // ---- samples -----------------------------------------------------------------------------

    private static void samplesSection(StringBuilder h, StudyAnalysis a) {
        h.append("<h2 id=\"samples\">Token-reward heat maps of the best trial</h2>\n");
        if (a.bestTrial() == null) {
            h.append("<p>No complete trial yet.</p>\n");
            return;
        }
        Path dir = Study.trialDirectory(a.run(), a.bestTrial().number());
        Path file = dir.resolve(StudyReport.SAMPLES_FILE);
        if (!Files.isRegularFile(file)) {
            file = dir.resolve("seed-0").resolve(StudyReport.SAMPLES_FILE);
        }
        if (!Files.isRegularFile(file)) {
            h.append("<p class=\"meta\">Trial ").append(a.bestTrial().number()).append(" wrote no ")
                    .append(StudyReport.SAMPLES_FILE).append(" (a list of {\"tokens\": [...], \"rewards\": [...]}).</p>\n");
            return;
        }
        JsonNode root;
        try {
            root = StudyJson.tree(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException | IllegalArgumentException e) {
            h.append("<p class=\"err\">Cannot read ").append(Html.escape(file.toString())).append(": ")
                    .append(Html.escape(e.getMessage())).append("</p>\n");
            return;
        }
        if (!root.isArray()) {
            h.append("<p class=\"err\">").append(Html.escape(file.toString())).append(" is not a JSON list.</p>\n");
            return;
        }
        h.append("<p class=\"meta\">Trial ").append(a.bestTrial().number()).append(" (")
                .append(Html.escape(Study.formatParameters(a.bestTrial().parameters())))
                .append("): dense reward per token, blue negative, white 0, red positive, scaled per sample by its "
                        + "largest |reward|.</p>\n");
        int shown = 0;
        for (JsonNode s : root) {
            if (shown == MAX_SAMPLES) {
                h.append("<p class=\"meta\">… ").append(root.size() - MAX_SAMPLES).append(" more not shown.</p>\n");
                break;
            }
            JsonNode tokens = s.path("tokens");
            JsonNode rewards = s.path("rewards");
            if (!tokens.isArray() || !rewards.isArray()) {
                h.append("<div class=\"sample err\">sample ").append(shown).append(": needs \"tokens\" and \"rewards\" "
                        + "lists</div>\n");
                shown++;
                continue;
            }
            int m = Math.min(tokens.size(), rewards.size());
            double scale = 0;
            for (int i = 0; i < m; i++) {
                double r = rewards.get(i).asDouble(Double.NaN);
                if (Double.isFinite(r)) {
                    scale = Math.max(scale, Math.abs(r));
                }
            }
            h.append("<div class=\"sample\">");
            for (int i = 0; i < m; i++) {
                double r = rewards.get(i).asDouble(Double.NaN);
                double x = scale > 0 ? r / scale : 0;
                h.append("<span class=\"tok\" style=\"background:").append(Html.divergingColour(x)).append(";color:")
                        .append(Math.abs(x) > 0.6 ? "#fff" : "#111").append("\" title=\"")
                        .append(Html.escape(Svg.num(r))).append("\">").append(Html.escape(tokens.get(i).asText()))
                        .append("</span>");
            }
            if (tokens.size() != rewards.size()) {
                h.append(" <span class=\"meta\">(").append(tokens.size()).append(" tokens, ").append(rewards.size())
                        .append(" rewards)</span>");
            }
            h.append("</div>\n");
            shown++;
        }
    }
}
