/**
 * The bilevel loop: Bayesian optimisation of the dense-reward blend weights around PPO trials,
 * persisted so that a killed study resumes.
 *
 * <ul>
 *   <li>{@link dev.densify.study.TrialObjective} — the inner problem ({@code run(TrialSpec, TrialListener)
 *       → TrialOutcome}); the PPO one comes from {@link dev.densify.study.PpoObjectiveFactory}, tests
 *       use synthetic functions;</li>
 *   <li>{@link dev.densify.study.StudyConfig} — components, extras, objective kind, budget, q, seeds
 *       (JSON);</li>
 *   <li>{@link dev.densify.study.StudyStore} — {@code RUN/study.db} (SQLite, one transaction per
 *       state change, foreign/corrupt files refused and left untouched);</li>
 *   <li>{@link dev.densify.study.Study} — the loop: resume, propose (Sobol, then qLogNEI from
 *       {@link dev.densify.bo.BayesianOptimizer}), run, record;</li>
 *   <li>{@link dev.densify.study.StudyReport} — {@code RUN/report.html} and the JSON summary.</li>
 * </ul>
 *
 * <pre>{@code
 * StudyConfig config = StudyConfig.defaults(20).withParallel(2).withSeed(7);
 * try (Study study = Study.open(Path.of("runs/s1"), config, System.err)) {
 *     study.run(objective);
 * }
 * StudyReport.write(Path.of("runs/s1"));
 * }</pre>
 */
package dev.densify.study;
