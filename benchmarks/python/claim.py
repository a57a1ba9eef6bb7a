#!/usr/bin/env python3
"""The method's central claim, measured: PPO with sparse vs dense shaped rewards on the reviews task.

Standard library only. For every setting (sparse only, SHAP-dense, LIME-dense, attention-dense,
an equal mix) and seed it runs `densify train` on the same prepared task, then reads the runs'
validation.jsonl and metrics.jsonl and writes a table: steps until the mean validation reward
first reaches a threshold, the final validation reward and KL, and where a step's time goes
(generation, scoring, attribution, update). Runs are resumable: a finished run is read, not
rerun; an interrupted one resumes from its checkpoint (densify train does that).

    benchmarks/claim [--task-dir DIR] [--seeds 0,1,2] [--steps 100] [--thresholds 2,4] [--out DIR]

With --bilevel it measures the method's own claim, that Bayesian optimisation over the blend finds
weights that beat fixed choices: it runs a study (`densify study`, --study-trials trials of
--study-steps PPO steps, --study-seeds runs per trial, the fixed blends sparse, SHAP and the equal
mix as its first trials), takes the weights it recommends, and retrains them on the fresh seeds
(--seeds, default 100-104, none of which the study used) beside those fixed blends; the table
adds the study's budget, wall time and recommendation.
"""

import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
BENCH = os.path.dirname(HERE)
ROOT = os.path.dirname(BENCH)
LAUNCHER = os.path.join(ROOT, "densify")

# name -> (label, --weights)
SETTINGS = {
    "sparse": ("sparse only", "sparse=1"),
    "shap": ("SHAP-dense", "shap=1"),
    "lime": ("LIME-dense", "lime=1"),
    "attention": ("attention-dense", "attention=1"),
    "mix": ("equal mix", "sparse=0.25,shap=0.25,lime=0.25,attention=0.25"),
}
PHASES = ("generate_s", "score_s", "attribute_s", "update_s")


class ClaimError(Exception):
    pass


def say(msg):
    print(f"claim: {msg}", file=sys.stderr, flush=True)


def read_jsonl(path):
    rows = []
    with open(path) as f:
        for n, line in enumerate(f, 1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except ValueError as e:
                    raise ClaimError(f"{path}:{n}: not JSON ({e})")
    return rows


def finished(run_dir, steps):
    path = os.path.join(run_dir, "validation.jsonl")
    return os.path.isfile(path) and any(r.get("step") == steps for r in read_jsonl(path))


def densify(args, threads, log_path):
    cmd = [LAUNCHER, "--threads", str(threads), *args]
    with open(log_path, "a") as log:
        log.write(f"$ {' '.join(cmd)}\n")
        log.flush()
        r = subprocess.run(cmd, cwd=ROOT, stdout=log, stderr=log)
    if r.returncode != 0:
        raise ClaimError(f"{' '.join(cmd)} failed with exit code {r.returncode}; see {log_path}")


def summarize_run(run_dir, thresholds):
    validation = read_jsonl(os.path.join(run_dir, "validation.jsonl"))
    metrics = read_jsonl(os.path.join(run_dir, "metrics.jsonl"))
    if not validation or not metrics:
        raise ClaimError(f"{run_dir}: no validation or metrics rows")
    reached = {f"{t:g}": next((r["step"] for r in validation if r["reward"] >= t), None) for t in thresholds}
    curve = [(r["step"], r["reward"]) for r in validation]
    area = sum((b[0] - a[0]) * (a[1] + b[1]) / 2 for a, b in zip(curve, curve[1:]))
    span = curve[-1][0] - curve[0][0]
    step_total = sum(m["step_s"] for m in metrics)
    return {
        "steps_to_threshold": reached,
        "initial_reward": validation[0]["reward"],
        "final_reward": validation[-1]["reward"],
        "final_kl": validation[-1]["kl"],
        "mean_reward_over_training": area / span if span > 0 else curve[0][1],
        "curve": curve,
        "median_step_s": statistics.median(m["step_s"] for m in metrics),
        "phase_share": {p: sum(m[p] for m in metrics) / step_total for p in PHASES},
        "response_tokens_per_step": statistics.mean(m["response_length"] for m in metrics),
    }


def fmt_steps(values):
    return ", ".join("—" if v is None else str(v) for v in values)


def mean_sd(values):
    sd = statistics.stdev(values) if len(values) > 1 else 0.0
    return f"{statistics.mean(values):.3f} ± {sd:.3f}"


def markdown(result):
    thresholds = result["thresholds"]
    lines = [
        f"Reviews task ({result['task_size']}, seed {result['task_seed']}), {result['steps']} PPO steps, validation "
        f"every {result['validation_every']} steps on {result['validation_prompts']} held-out prompts, seeds "
        f"{', '.join(map(str, result['seeds']))}; steps until the mean validation reward first reaches "
        + " and ".join(f"{t:g}" for t in thresholds)
        + f" (the SFT policy at step 0: {result['sft_reward']:.3f}, mean over the seeds' validation samples); "
          "\"—\" = not reached within the run.",
        "",
        "| setting | weights | " + " | ".join(f"steps to {t:g} (per seed)" for t in thresholds)
        + " | final reward, mean ± sd | final KL, mean | mean reward over training | attribution share of step time "
          "| median step s |",
        "|---|---|" + "---|" * len(thresholds) + "---:|---:|---:|---:|---:|",
    ]
    for name, s in result["settings"].items():
        runs = s["runs"]
        lines.append(
            f"| {s['label']} | `{s['weights']}` | "
            + " | ".join(fmt_steps([r["steps_to_threshold"][f"{t:g}"] for r in runs]) for t in thresholds)
            + f" | {mean_sd([r['final_reward'] for r in runs])} | {statistics.mean(r['final_kl'] for r in runs):.2f} "
            f"| {mean_sd([r['mean_reward_over_training'] for r in runs])} "
            f"| {statistics.mean(r['phase_share']['attribute_s'] for r in runs) * 100:.1f}% "
            f"| {statistics.median(r['median_step_s'] for r in runs):.3f} |")
    lines += ["", f"Step time shares (all runs of a setting; generate / score / attribute / update): "]
    for name, s in result["settings"].items():
        shares = {p: statistics.mean(r["phase_share"][p] for r in s["runs"]) for p in PHASES}
        lines.append(f"* {s['label']}: " + " / ".join(f"{shares[p] * 100:.1f}%" for p in PHASES))
    lines.append("")
    return "\n".join(lines)


BILEVEL_FIXED = ("sparse", "shap", "mix")


def run_study(args, overrides, log_path):
    """The bilevel study (resumable): returns densify study's --json summary."""
    out = os.path.join(args.out, "bilevel-study")
    cmd = [LAUNCHER, "--threads", str(args.threads), "study", "--task-dir", args.task_dir,
           "--trials", str(args.study_trials), "--steps-per-trial", str(args.study_steps),
           "--seeds-per-trial", str(args.study_seeds), "--config", overrides, "--out", out, "--json"]
    for name in BILEVEL_FIXED:
        cmd += ["--fixed", SETTINGS[name][1]]
    say(f"study: {args.study_trials} trials x {args.study_steps} steps x {args.study_seeds} seeds into {out}")
    with open(log_path, "a") as log:
        log.write(f"$ {' '.join(cmd)}\n")
        log.flush()
        r = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=log, text=True)
    if r.returncode != 0:
        raise ClaimError(f"{' '.join(cmd)} failed with exit code {r.returncode}; see {log_path}")
    summary = json.loads(r.stdout)
    if not summary.get("recommended"):
        raise ClaimError(f"the study in {out} recommended nothing: {summary.get('model_note')}")
    return summary


def study_markdown(study):
    rec = study["recommended"]
    trials = study["trials"]
    origins = {}
    for t in trials:
        origins[t["origin"]] = origins.get(t["origin"], 0) + 1
    seconds = sum(t["duration_seconds"] for t in trials if t.get("duration_seconds") is not None)
    cfg = study["config"]
    lines = [f"Study: {cfg['trials']} trials ({', '.join(f'{n} {o}' for o, n in sorted(origins.items()))}) of "
             f"{cfg['objective_settings'].get('steps_per_trial', '?')} PPO steps, {cfg['seeds_per_trial']} seeds per "
             f"trial, objective {cfg['objective']}; trials' wall time {seconds:.0f} s "
             f"({seconds / 60:.1f} min). Recommended (trial {rec['trial']}): `"
             + ",".join(f"{k}={v:.3f}" for k, v in rec["parameters"].items())
             + f"`, expected objective {rec['posterior_mean']:.3f} ± {rec['posterior_sd']:.3f}, a rerun "
               f"± {rec['predictive_sd']:.3f} (observed {rec['observed']:.3f})."]
    v = study.get("versus_fixed")
    if v:
        lines.append("Posterior probability that it beats the best fixed blend of the study (trial "
                     f"{v['trial']}): {v['probability_recommended_better']:.3f}" + (" (it is that blend)" if v["same"] else "") + ".")
    n = study.get("noise")
    if n:
        lines.append(f"Noise of one trial's objective: sd {n['trial_sd']:.3f} (one run's sd {n['run_sd']:.3f} from "
                     f"{n['degrees_of_freedom']} replicate degrees of freedom); the trials' objectives have sd "
                     f"{n['spread']:.3f}" + (" — the report warns that the noise dominates." if n["warning"] else "."))
    return "\n".join(lines) + "\n"


def main(argv=None):
    ap = argparse.ArgumentParser(prog="benchmarks/claim", description=__doc__.split("\n\n")[0])
    ap.add_argument("--task-dir", default=os.path.join(BENCH, "results", "claim", "task"),
                    help="a prepared reviews task; prepared (default size, seed 0) when missing")
    ap.add_argument("--task-size", default="default", choices=("small", "default"),
                    help="size of the task prepared when --task-dir has none (default: default)")
    ap.add_argument("--seeds", default=None,
                    help="training seeds, comma-separated (default 0,1,2; with --bilevel 100,101,102,103,104)")
    ap.add_argument("--bilevel", action="store_true",
                    help="run a study and retrain its recommended weights beside sparse, SHAP and the equal mix")
    ap.add_argument("--study-trials", type=int, default=12, help="with --bilevel: trials of the study (default 12)")
    ap.add_argument("--study-steps", type=int, default=50, help="with --bilevel: PPO steps per trial (default 50)")
    ap.add_argument("--study-seeds", type=int, default=2, help="with --bilevel: runs per trial (default 2)")
    ap.add_argument("--settings", default=",".join(SETTINGS), help="subset of " + ",".join(SETTINGS))
    ap.add_argument("--steps", type=int, default=100, help="PPO steps per run (default 100)")
    ap.add_argument("--validation-every", type=int, default=5, help="steps between validations (default 5)")
    ap.add_argument("--thresholds", default="2,4", help="mean validation rewards to reach (default 2,4)")
    ap.add_argument("--threads", type=int, default=1,
                    help="libtorch threads per run (default 1: the task's models are tiny, and a second thread "
                         "only waits at OpenMP barriers on a shared 2-core machine)")
    ap.add_argument("--out", default=os.path.join(BENCH, "results", "claim"),
                    help="runs, claim.json and claim.md (default benchmarks/results/claim)")
    args = ap.parse_args(argv)
    if args.seeds is None:
        args.seeds = "100,101,102,103,104" if args.bilevel else "0,1,2"
    if args.bilevel and args.settings == ",".join(SETTINGS):
        args.settings = ",".join(BILEVEL_FIXED)
    if args.bilevel and (args.study_trials < len(BILEVEL_FIXED) + 1 or args.study_steps < 1 or args.study_seeds < 1):
        ap.error(f"--study-trials must be >= {len(BILEVEL_FIXED) + 1}, --study-steps and --study-seeds >= 1")
    try:
        seeds = [int(s) for s in args.seeds.split(",") if s.strip()]
        thresholds = [float(t) for t in args.thresholds.split(",") if t.strip()]
    except ValueError:
        ap.error(f"--seeds must be comma-separated integers and --thresholds numbers, got {args.seeds!r}, "
                 f"{args.thresholds!r}")
    settings = [s.strip() for s in args.settings.split(",") if s.strip()]
    for s in settings:
        if s not in SETTINGS:
            ap.error(f"unknown setting {s!r} (known: {', '.join(SETTINGS)})")
    if not seeds or not thresholds or args.steps < 1 or args.validation_every < 1 or args.threads < 1:
        ap.error("--seeds must be non-empty; --steps, --validation-every and --threads must be >= 1")

    os.makedirs(args.out, exist_ok=True)
    log_path = os.path.join(args.out, "claim.log")
    started = time.monotonic()
    if not os.path.isfile(os.path.join(args.task_dir, "COMPLETE")):
        say(f"preparing the reviews task ({args.task_size}) in {args.task_dir}")
        densify(["prepare", "--task", "reviews", "--size", args.task_size, "--seed", "0", "--out", args.task_dir],
                args.threads, log_path)
    overrides = os.path.join(args.out, "ppo-overrides.json")
    with open(overrides, "w") as f:
        json.dump({"validationEvery": args.validation_every}, f)

    result = {"date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
              "command": "benchmarks/claim " + " ".join(argv if argv is not None else sys.argv[1:]),
              "task_dir": os.path.abspath(args.task_dir), "steps": args.steps, "seeds": seeds,
              "thresholds": thresholds, "threads": args.threads, "validation_every": args.validation_every,
              "settings": {}}
    with open(os.path.join(args.task_dir, "task.json")) as f:
        task = json.load(f)
    result["task_size"] = task.get("size", args.task_size)
    result["task_seed"] = task.get("seed", 0)
    if args.bilevel:
        study = run_study(args, overrides, log_path)
        weights = ",".join(f"{k}={v!r}" for k, v in study["recommended"]["parameters"].items())
        SETTINGS["recommended"] = ("recommended by the study", weights)
        settings.append("recommended")
        result["study"] = study
    for seed in seeds:  # seed-major, so an interrupted study has whole seeds
        for name in settings:
            run_dir = os.path.join(args.out, f"{name}-seed{seed}")
            if finished(run_dir, args.steps):
                say(f"{name} seed {seed}: done before, read from {run_dir}")
                continue
            say(f"{name} seed {seed}: training {args.steps} steps into {run_dir}")
            t0 = time.monotonic()
            densify(["train", "--task-dir", args.task_dir, "--weights", SETTINGS[name][1], "--steps",
                     str(args.steps), "--seed", str(seed), "--config", overrides, "--out", run_dir],
                    args.threads, log_path)
            say(f"{name} seed {seed}: {time.monotonic() - t0:.0f} s")
    for name in settings:
        runs = [summarize_run(os.path.join(args.out, f"{name}-seed{seed}"), thresholds) for seed in seeds]
        weights = SETTINGS[name][1]
        if name == "recommended":  # trained with the exact weights, shown rounded
            weights = ",".join(f"{k}={float(v):.3f}" for k, v in (p.split("=") for p in weights.split(",")))
        result["settings"][name] = {"label": SETTINGS[name][0], "weights": weights, "runs": runs}
    result["sft_reward"] = statistics.mean(r["initial_reward"] for r in next(iter(result["settings"].values()))["runs"])
    with open(os.path.join(args.out, f"{next(iter(settings))}-seed{seeds[0]}", "config.json")) as f:
        result["validation_prompts"] = json.load(f)["ppo"]["validationPrompts"]
    result["seconds"] = time.monotonic() - started
    with open(os.path.join(args.out, "claim.json"), "w") as f:
        json.dump(result, f, indent=1)
    table = markdown(result) + ("\n" + study_markdown(result["study"]) if args.bilevel else "")
    with open(os.path.join(args.out, "claim.md"), "w") as f:
        f.write(table)
    print(table)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except ClaimError as e:
        print(f"claim: {e}", file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)
