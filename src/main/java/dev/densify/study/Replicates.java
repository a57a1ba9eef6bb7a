package dev.densify.study;

import dev.densify.bo.Observation;

import java.util.ArrayList;
import java.util.List;

/**
 * What a study's replicated trials (several seeds per trial) say about the noise of the
 * objective, and the observations the model takes from its complete trials.
 *
 * <p>The noise of one run's objective is estimated by pooling the trials' replicate variances,
 * σ̂² = Σ (n_i − 1) s_i² / Σ (n_i − 1) (one common noise level, as the GP assumes; stable where a
 * trial's own 2 or 3 replicates are not). A trial's objective is the mean of its n_i runs, so it
 * is observed with the known noise variance max(s_i², σ̂²) / n_i: the larger of its own and the
 * pooled variance, so that a trial that scattered more than the others is not trusted more than
 * its replicates allow. Without replicates the noise is unknown (0) and the GP learns it.
 *
 * @param pooledVariance   σ̂², NaN without replicates
 * @param degreesOfFreedom Σ (n_i − 1) over the complete trials
 */
record Replicates(double pooledVariance, int degreesOfFreedom) {

    static Replicates of(List<TrialRecord> complete) {
        double sum = 0;
        int df = 0;
        for (TrialRecord t : complete) {
            int n = runs(t);
            double sd = sd(t);
            if (n >= 2 && Double.isFinite(sd)) {
                sum += (n - 1) * sd * sd;
                df += n - 1;
            }
        }
        return new Replicates(df == 0 ? Double.NaN : sum / df, df);
    }

    /** The runs behind a trial's objective: its {@code objective_seed_K} metrics, 1 when it has none. */
    static int runs(TrialRecord t) {
        int n = 0;
        while (t.metrics().containsKey("objective_seed_" + n)) {
            n++;
        }
        return Math.max(1, n);
    }

    /** The standard deviation of a trial's runs' objectives ({@code objective_sd}), NaN with one run. */
    static double sd(TrialRecord t) {
        Double sd = t.metrics().get("objective_sd");
        return sd == null ? Double.NaN : sd;
    }

    /** Whether there are replicates to estimate the noise from. */
    boolean known() {
        return degreesOfFreedom > 0;
    }

    /** The standard deviation of one run's objective, σ̂ (NaN without replicates). */
    double runSd() {
        return Math.sqrt(pooledVariance);
    }

    /** The known noise variance of a trial's objective (a mean of its runs); 0 when unknown. */
    double noiseVariance(TrialRecord t) {
        if (!known()) {
            return 0;
        }
        double sd = sd(t);
        double own = Double.isFinite(sd) ? sd * sd : 0;
        return Math.max(own, pooledVariance) / runs(t);
    }

    /** The complete trials as observations at their points, with their known noise. */
    List<Observation> observations(List<TrialRecord> complete, List<String> names) {
        List<Observation> out = new ArrayList<>();
        for (TrialRecord t : complete) {
            out.add(new Observation(t.point(names), t.objective(), noiseVariance(t)));
        }
        return out;
    }
}
