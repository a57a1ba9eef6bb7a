package dev.densify.study;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * A fast synthetic objective: a noisy concave quadratic over the simplex,
 * f(w) = 1 − 4·Σ (w_i − t_i)², maximal at the target t; a five-point learning curve rising to the
 * noisy value; a {@code samples.json} with a few tokens and rewards.
 */
final class Synthetic implements TrialObjective {

    final List<String> names;
    final double[] target;
    final double noise;
    final Set<Integer> failOn;
    final int concurrency;
    final List<Integer> calls = Collections.synchronizedList(new ArrayList<>());

    Synthetic(List<String> names, double[] target, double noise, Set<Integer> failOn, int concurrency) {
        this.names = names;
        this.target = target;
        this.noise = noise;
        this.failOn = failOn;
        this.concurrency = concurrency;
    }

    static Synthetic of(StudyConfig config, double[] target) {
        return new Synthetic(config.componentIds(), target, 0.01, Set.of(), 1);
    }

    double trueValue(Map<String, Double> parameters) {
        double s = 0;
        for (int i = 0; i < names.size(); i++) {
            double d = parameters.get(names.get(i)) - target[i];
            s += d * d;
        }
        return 1 - 4 * s;
    }

    @Override
    public TrialOutcome run(TrialSpec spec, TrialListener listener) throws Exception {
        calls.add(spec.number());
        if (failOn.contains(spec.number())) {
            throw new IllegalStateException("synthetic failure in trial " + spec.number());
        }
        double value = trueValue(spec.parameters()) + noise * new Random(spec.seed()).nextGaussian();
        List<Double> curve = new ArrayList<>();
        for (int k = 0; k < 5; k++) {
            curve.add(value * (1 - Math.pow(0.5, k + 1)));
            listener.progress(k + 1, 5, "reward", curve.get(k));
        }
        Files.writeString(spec.trialDirectory().resolve("samples.json"),
                "[{\"tokens\":[\"the\",\"film\",\"was\",\"<great>\"],\"rewards\":[0.1,-0.4,0.0,0.9]},"
                        + "{\"tokens\":[\"dull\"],\"rewards\":[-1.0]}]", StandardCharsets.UTF_8);
        return new TrialOutcome(value, curve, Map.of("kl", 0.01 * spec.number(), "length", 4.0));
    }

    @Override
    public int concurrency() {
        return concurrency;
    }
}
