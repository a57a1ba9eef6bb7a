"""The PPO workloads of benchmarks/compare (driver side, standard library only): their inputs, FLOPs,
table rows and agreement checks. compare.py calls into this module; the workers are
dev.densify.bench.PpoWorkloads (densify) and python/ppo.py (the TRL-style baseline).
See benchmarks/README.md, "PPO workloads".
"""

import json
import os
import random

WORKLOADS = ("ppo_rollout", "ppo_update")

# Sized like the engine's defaults on the reviews task (PpoConfig.defaults(): batch 16, minibatch 4,
# 4 epochs), with the generation shape of the generate workloads: 16 prompts x 16 tokens, 32 new tokens.
BATCH, PROMPT, NEW = 16, 16, 32
SEQ = PROMPT + NEW
SEED = 42          # token ids and rewards
SAMPLER_SEED = 7   # rollout sampling
STEP_SEED = 11     # the update's minibatch order

# PpoConfig.defaults() with a fixed beta = its initial KL coefficient (the adaptive controller only
# changes beta between steps).
OPTIONS = {"gamma": 1.0, "lam": 0.95, "clip_range": 0.2, "clip_range_value": 0.2, "value_coef": 0.1,
           "entropy_coef": 0.0, "kl_coef": 0.05, "kl_estimator": "k1", "whiten_advantages": True,
           "epochs": 4, "minibatch_size": 4, "seed": STEP_SEED}
ADAM = {"learning_rate": 2e-4, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "max_grad_norm": 1.0}

# Agreement tolerances (max absolute difference; see README.md "PPO workloads" for why).
TOLERANCE = 1e-4          # everything computed from the initial weights
TOLERANCE_UPDATED = 1e-3  # everything computed from weights after an Adam step

# Statistics of densify's PpoStats (dfy_ppo_stats); loss_after is the only one of the first step
# computed from the updated weights.
STATS = ("policy_loss", "value_loss", "entropy", "approx_kl", "clip_fraction", "value_clip_fraction",
         "explained_variance", "grad_norm", "kl_reference", "reward", "loss_before", "loss_after")

# The ragged check batch (agreement only): prompt and response lengths per row, right-padded.
CHECK_PROMPTS = (16, 12, 9, 5, 16, 3, 14, 7, 16, 10, 8, 2, 15, 6, 11, 16)
CHECK_RESPONSES = (32, 25, 1, 17, 30, 8, 32, 3, 12, 28, 20, 32, 5, 14, 9, 22)


def _shaped_rewards(rng, length):
    """Per-token rewards shaped as densify's DenseRewardShaper does: a score R spread over the tokens
    by non-negative weights summing to 1 (so the row sums to R)."""
    score = rng.gauss(0.0, 2.0)
    weights = [rng.random() for _ in range(length)]
    total = sum(weights)
    return [score * w / total for w in weights]


def write_inputs(work, checkpoints, vocab):
    """Writes the two inputs files; returns {workload: path}."""
    rng = random.Random(SEED)

    def row(n):
        return [rng.randrange(vocab) for _ in range(n)]

    check_sequences = [row(p + n) for p, n in zip(CHECK_PROMPTS, CHECK_RESPONSES)]
    check_rewards = [_shaped_rewards(rng, n) for n in CHECK_RESPONSES]
    rollout = {"prompts": [row(PROMPT) for _ in range(BATCH)], "max_new_tokens": NEW, "temperature": 1.0,
               "seed": SAMPLER_SEED, "reference_checkpoint": checkpoints["policy"],
               "reward_checkpoint": checkpoints["reward"],
               "check": {"sequences": check_sequences, "response_start": list(CHECK_PROMPTS)}}
    update = {"sequences": [row(SEQ) for _ in range(BATCH)], "response_start": [PROMPT] * BATCH,
              "rewards": [_shaped_rewards(rng, NEW) for _ in range(BATCH)], "options": OPTIONS, "adam": ADAM,
              "reference_checkpoint": checkpoints["policy"],
              "check": {"sequences": check_sequences, "response_start": list(CHECK_PROMPTS),
                        "rewards": check_rewards}}
    paths = {}
    for name, value in (("ppo_rollout", rollout), ("ppo_update", update)):
        paths[name] = os.path.join(work, f"inputs-{name.replace('_', '-')}.json")
        with open(paths[name], "w") as f:
            json.dump(value, f)
    return paths


# ---------------------------------------------------------------------------------------------
# FLOPs (useful forward work, 2 per multiply-add; a backward pass counts twice its forward)


def forward_flops(model, trunk_flops, attention_flops, rows, seq, lm_head=True, value_head=True):
    """A forward over rows x seq tokens: the blocks and attention over the full square, the LM head
    and the value head at the seq - 1 positions whose next token is known."""
    e, v = model["n_embd"], model["vocab_size"]
    per_row = trunk_flops(seq) + attention_flops(seq, seq)
    if lm_head:
        per_row += (seq - 1) * 2 * e * v
    if value_head:
        per_row += (seq - 1) * 2 * e
    return rows * per_row


def rollout_flops(model, trunk_flops, attention_flops, generate_flops):
    """KV-cached generation + policy forward (log-probs, values) + reference forward (log-probs) +
    reward-model forward (score at one position)."""
    policy = forward_flops(model, trunk_flops, attention_flops, BATCH, SEQ)
    reference = forward_flops(model, trunk_flops, attention_flops, BATCH, SEQ, value_head=False)
    reward = BATCH * (trunk_flops(SEQ) + attention_flops(SEQ, SEQ) + 2 * model["n_embd"])
    return generate_flops() + policy + reference + reward


def update_flops(model, trunk_flops, attention_flops):
    """Forwards without gradients: old log-probs and values, the reference, the whole-batch loss after
    the update (3 x F; the loss before is read off the old forward); then every epoch passes the whole
    batch forward and backward (3 x F)."""
    f = forward_flops(model, trunk_flops, attention_flops, BATCH, SEQ)
    return (3 + 3 * OPTIONS["epochs"]) * f


def workload_info(model, trunk_flops, attention_flops, generate_flops):
    return {
        "ppo_rollout": {"unit": "tok/s", "units": BATCH * NEW,
                        "flops": lambda _samples=None: rollout_flops(model, trunk_flops, attention_flops, generate_flops),
                        "what": f"PPO rollout: sampling with KV cache ({BATCH} prompts x {PROMPT} tokens, {NEW} new) "
                                f"+ policy, reference and reward forwards"},
        "ppo_update": {"unit": "tok/s", "units": BATCH * NEW,
                       "flops": lambda _samples=None: update_flops(model, trunk_flops, attention_flops),
                       "what": f"PPO update: {BATCH} rollouts x {SEQ} tokens ({NEW} response), "
                               f"{OPTIONS['epochs']} epochs x minibatches of {OPTIONS['minibatch_size']}"},
    }


# ---------------------------------------------------------------------------------------------
# Agreement


def check_agreement(workload, ours, theirs, close, fail):
    """Agreement of the PPO workloads; close and fail are the driver's (compare._close, compare._fail):
    fail raises AGREEMENT FAILED. Returns the worst differences."""
    failures, report = [], {}

    def numeric(key, tolerance):
        if key not in ours or key not in theirs:
            failures.append(f"{key} missing (densify has it: {key in ours}, pytorch has it: {key in theirs})")
            return
        close(report, failures, key, ours[key], theirs[key], f"{workload}.{key}", tolerance)

    def stats(key, names, tolerance, label):
        a, b = ours.get(key) or {}, theirs.get(key) or {}
        worst, which = 0.0, None
        for name in names:
            if name not in a or name not in b:
                failures.append(f"{key}.{name} missing")
                continue
            d = abs(float(a[name]) - float(b[name]))
            d = float("inf") if d != d else d
            if d > worst or which is None:
                worst, which = d, name
            if not d <= tolerance:
                failures.append(f"{key}.{name}: |densify - pytorch| = {d:.3e} > {tolerance:g} "
                                f"(densify {a[name]!r}, pytorch {b[name]!r})")
        report[label] = worst
        if len(names) > 1 and which is not None:
            report[label + "_worst"] = which

    if workload == "ppo_rollout":
        if ours.get("greedy_ids") != theirs.get("greedy_ids"):
            failures.append("greedy token ids (greedy_ids) differ")
            report["greedy_ids"] = "DIFFER"
        else:
            report["greedy_ids"] = "identical"
        for key in ("logprobs", "values", "ref_logprobs", "scores", "greedy_logprobs", "greedy_values",
                    "greedy_ref_logprobs", "greedy_scores"):
            numeric(key, TOLERANCE)
    elif workload == "ppo_update":
        before = [s for s in STATS if s != "loss_after"]
        stats("stats", before, TOLERANCE, "stats")
        stats("stats", ("loss_after",), TOLERANCE_UPDATED, "loss_after")
        numeric("updated_logprobs", TOLERANCE_UPDATED)
        numeric("updated_values", TOLERANCE_UPDATED)
        stats("stats_second", STATS, TOLERANCE_UPDATED, "stats_second")
    else:
        raise ValueError(workload)
    if failures:
        fail(workload, failures)
    return report
