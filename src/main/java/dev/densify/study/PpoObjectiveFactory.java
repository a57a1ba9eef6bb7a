package dev.densify.study;

import java.nio.file.Path;

/**
 * THE PLUG-IN POINT FOR PPO — a stub until the PPO trainer ({@code dev.densify.rl}) provides the
 * objective. {@code densify study} calls {@link #create} once, before the study database is
 * created, and passes the returned {@link TrialObjective} to {@link Study#run}.
 *
 * <p>To plug PPO in, replace the body of {@link #create} (and only this file): build a
 * {@link TrialObjective} whose {@code run(spec, listener)}
 * <ol>
 *   <li>reads the blend weights with {@link TrialSpec#weights()} and, when the study searches
 *       them, {@code spec.extra(StudyConfig.KL_COEF)} / {@code spec.extra(StudyConfig.LEARNING_RATE)};</li>
 *   <li>trains a policy for {@link Request#stepsPerTrial()} PPO steps on the task in
 *       {@link Request#taskDirectory()} (settings from {@link Request#trainConfig()} when given,
 *       device {@link Request#device()}) with seed {@link TrialSpec#seed()}, writing what it keeps
 *       under {@link TrialSpec#trialDirectory()} (an existing, empty directory);</li>
 *   <li>calls {@code listener.progress(step, stepsPerTrial, "reward", meanReward)} as it goes;</li>
 *   <li>evaluates the reward model's mean score on held-out prompts every few steps (the learning
 *       curve) and at the end (the objective), and returns
 *       {@code new TrialOutcome(finalScore, curve, metrics)};</li>
 *   <li>optionally writes {@code samples.json} in the trial directory — a JSON list of
 *       {@code {"tokens": [words…], "rewards": [dense reward per token…]}} (a few held-out
 *       responses of the final policy) — which {@code densify report} draws as token heat maps.</li>
 * </ol>
 * Leave {@link TrialObjective#concurrency()} at 1 unless trials may share the device from several
 * threads. Throwing from {@code create} (e.g. a missing task file) ends the command with a one-line
 * error before anything is written.
 */
public final class PpoObjectiveFactory {

    private PpoObjectiveFactory() {
    }

    /**
     * What {@code densify study} knows about the inner problem.
     *
     * @param taskDirectory a task directory ({@code densify prepare}): models, tokenizer, prompts
     * @param stepsPerTrial PPO steps per trial, ≥ 1
     * @param trainConfig   a training configuration file ({@code --config}), or null for defaults
     * @param device        the canonical device ({@code cpu}, {@code cuda:0}, …)
     */
    public record Request(Path taskDirectory, int stepsPerTrial, Path trainConfig, String device) {
    }

    /**
     * The PPO objective for a study.
     *
     * @throws IllegalStateException always, until the PPO trainer is plugged in
     */
    public static TrialObjective create(Request request) {
        throw new IllegalStateException("PPO objective not available: this build has no PPO trainer plugged into "
                + "dev.densify.study.PpoObjectiveFactory");
    }
}
