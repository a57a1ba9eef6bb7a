/**
 * Bayesian optimisation of the blend weights (and other trial settings) of densify, in the
 * manner of BoTorch: a GP surrogate, log noisy expected improvement, Sobol designs, candidates
 * optimised with restarts on the simplex. Pure Java (Commons Math for Sobol direction numbers,
 * special functions and the optional BOBYQA/Brent local search); independent of the native engine.
 *
 * <ul>
 *   <li>{@link dev.densify.bo.BayesianOptimizer} — the entry point: {@code suggest(observations, q)}
 *       (Sobol initial design, then qLogNEI), {@code recommend(observations)}; configured by
 *       {@link dev.densify.bo.BayesianOptimizerOptions}, seeded, stateless.</li>
 *   <li>Search spaces ({@link dev.densify.bo.SearchSpace}): {@link dev.densify.bo.SimplexSpace}
 *       (exactly on the probability simplex via stick breaking with Beta quantiles),
 *       {@link dev.densify.bo.BoxSpace} (linear or log intervals), {@link dev.densify.bo.ProductSpace}.</li>
 *   <li>Model: {@link dev.densify.bo.GaussianProcess} — Matérn-5/2 ARD
 *       ({@link dev.densify.bo.Matern52Kernel}), standardised outcomes
 *       ({@link dev.densify.bo.Standardization}), LogNormal priors ({@link dev.densify.bo.GpPriors}),
 *       MAP hyperparameters by L-BFGS ({@link dev.densify.bo.Lbfgs}) on the analytic gradient of
 *       {@link dev.densify.bo.MarginalLikelihood}; Cholesky with jitter escalation
 *       ({@link dev.densify.bo.Cholesky}).</li>
 *   <li>Acquisition: {@link dev.densify.bo.LogNoisyExpectedImprovement} (Monte Carlo, q ≥ 1,
 *       pending points, pruned baseline; its log-domain core in
 *       {@link dev.densify.bo.NormalFunctions}); maximised by {@link dev.densify.bo.AcquisitionOptimizer}
 *       (raw samples, Boltzmann-chosen restarts, projected L-BFGS on finite-difference gradients
 *       or BOBYQA).</li>
 *   <li>{@link dev.densify.bo.SobolDesign} — digitally shifted Sobol points and quasi-random normals.</li>
 * </ul>
 *
 * <p>Typical use, in a study loop:
 * <pre>{@code
 * SearchSpace space = new SimplexSpace(List.of("sparse", "shap", "lime", "attention"));
 * BayesianOptimizer bo = new BayesianOptimizer(space, BayesianOptimizerOptions.defaults().withSeed(seed));
 * List<Observation> done = new ArrayList<>();
 * while (done.size() < budget) {
 *     for (double[] w : bo.suggest(done, 4).points()) {      // 4 parallel trials
 *         done.add(new Observation(w, runTrial(w)));          // larger is better
 *     }
 * }
 * double[] best = bo.recommend(done).point();
 * }</pre>
 */
package dev.densify.bo;
