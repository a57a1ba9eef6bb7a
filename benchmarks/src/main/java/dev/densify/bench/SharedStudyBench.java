package dev.densify.bench;

import dev.densify.attribution.AttributionMethod;
import dev.densify.study.PostgresStudyStore;
import dev.densify.study.SharedStudyStorage;
import dev.densify.study.StorageUrl;
import dev.densify.study.Study;
import dev.densify.study.StudyConfig;
import dev.densify.study.StudyStorage;
import dev.densify.study.TrialOutcome;
import dev.densify.study.TrialRecord;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The pieces {@code benchmarks/study-workers} times: a shared study's worker running trials of a
 * fixed length (the work of a trial stands in for a PPO run on its own machine, so that what is
 * measured is the coordination), and the round trip of a claim and a record against PostgreSQL.
 *
 * <pre>
 *   create   URL NAME TRIALS          the study (3 components, default initial design, seed 0)
 *   worker   URL NAME RUN SECONDS     one worker until the budget is finished
 *   roundtrip URL NAME N              N claims (new trial under the proposal lock) + records; prints medians
 * </pre>
 */
public final class SharedStudyBench {

    private SharedStudyBench() {
    }

    static StudyConfig config(int trials) {
        return StudyConfig.defaults(trials)
                .withComponents(List.of(AttributionMethod.SPARSE, AttributionMethod.SHAP, AttributionMethod.LIME));
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            throw new IllegalArgumentException("usage: create URL NAME TRIALS | worker URL NAME RUN SECONDS | "
                    + "roundtrip URL NAME N");
        }
        StorageUrl url = StorageUrl.parse(args[1]);
        String name = args[2];
        switch (args[0]) {
            case "create" -> PostgresStudyStore.open(url, name, config(Integer.parseInt(args[3]))).close();
            case "worker" -> worker(url, name, Path.of(args[3]), Double.parseDouble(args[4]));
            case "roundtrip" -> roundTrip(url, name, Integer.parseInt(args[3]));
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
    }

    private static void worker(StorageUrl url, String name, Path run, double seconds) throws Exception {
        try (Study study = Study.open(run, PostgresStudyStore.open(url, name, null, false), System.err)
                .withWorkerTiming(Duration.ofSeconds(60), Duration.ofMillis(200))) {
            study.run((spec, listener) -> {
                Thread.sleep(Math.round(seconds * 1000));
                double s = 0;
                for (double w : spec.parameters().values()) {
                    s += w * w;
                }
                return new TrialOutcome(1 - s, List.of(1 - s), Map.of());
            });
        }
    }

    private static void roundTrip(StorageUrl url, String name, int n) {
        PostgresStudyStore.open(url, name, config(n)).close();
        double[] claims = new double[n];
        double[] records = new double[n];
        try (PostgresStudyStore store = PostgresStudyStore.open(url, name, null, false)) {
            store.register(Duration.ofSeconds(60));
            Map<String, Double> point = new LinkedHashMap<>();
            point.put("sparse", 0.2);
            point.put("shap", 0.5);
            point.put("lime", 0.3);
            for (int i = 0; i < n; i++) {
                long t0 = System.nanoTime();
                SharedStudyStorage.Claim c = store.claim(all -> new StudyStorage.NewTrial(TrialRecord.SOBOL, point, 1));
                long t1 = System.nanoTime();
                TrialRecord t = ((SharedStudyStorage.Claim.Trial) c).trial();
                store.markComplete(t.number(), 0.5, List.of(0.5), Map.of());
                long t2 = System.nanoTime();
                claims[i] = (t1 - t0) / 1e6;
                records[i] = (t2 - t1) / 1e6;
            }
            store.unregister();
        }
        System.out.printf(Locale.ROOT, "{\"n\": %d, \"claim_ms_median\": %.3f, \"record_ms_median\": %.3f, "
                        + "\"round_trip_ms_median\": %.3f, \"trials_in_table_at_end\": %d}%n", n, median(claims),
                median(records), median(sum(claims, records)), n);
    }

    private static double[] sum(double[] a, double[] b) {
        double[] s = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            s[i] = a[i] + b[i];
        }
        return s;
    }

    private static double median(double[] x) {
        double[] s = x.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
}
