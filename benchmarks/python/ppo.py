"""PPO on the PyTorch GPT-2 mirror, written as TRL's (v0.x) PPOTrainer does it: the baseline side of
the ppo_rollout and ppo_update workloads of benchmarks/compare (see benchmarks/README.md).

ppo_rollout (TRL's rollout phase; what densify's Rollouts.collect does minus attribution, plus the
forwards TRL needs for the update): HF-style sampling with a KV cache (worker.generate), then under
torch.inference_mode() a forward of the policy (log-probs of the sampled tokens and values, as TRL's
``batched_forward_pass``), a forward of the frozen reference (its log-probs) and the reward model's
score of every prompt + response.

ppo_update (TRL's ``PPOTrainer.step`` with per-token rewards in place of one score), with the
conventions of densify's native dfy_ppo_step so that both compute the same numbers:

* ``batched_forward_pass`` under ``torch.no_grad()`` for the old log-probs and values and for the
  reference's log-probs, over the whole batch (TRL chunks it by mini_batch_size; the engine does
  not, and chunking would only make the baseline slower): log-probs from ``log_softmax`` of the
  logits at positions [0, T-1) gathered at the next tokens; values at the same positions; the
  action mask covers [start - 1, start + length - 1) of each row (TRL's ``masks``);
* ``compute_rewards``: per-token KL penalty -beta * kl (k1: log p - log p_ref, as TRL's
  ``kl_penalty="kl"``; k3 as the engine's KlEstimator.K3) plus the given per-token rewards (TRL adds
  one score at the last response token; densify's dense rewards put one value on every token);
* ``compute_advantages``: TRL's reversed GAE loop over the positions with values and rewards
  masked, returns = advantages + values, then ``masked_whiten`` (unbiased variance, eps 1e-8,
  mean not added back) when whitening is on;
* ``ppo_epochs`` x minibatches: the minibatch order is the engine's (Fisher-Yates over rows with
  std::mt19937_64 seeded by the step's seed, reshuffled every epoch; TRL draws
  np.random.permutation, which costs the same), and per minibatch TRL's ``batched_forward_pass``
  with gradients, ``loss`` (clipped policy loss, clipped value loss x 0.5 x vf_coef, entropy
  from TRL's ``entropy_from_logits``, minus entropy_coef x entropy when > 0, approx KL
  0.5 (log p - log p_old)^2, clip fractions), ``backward``, ``clip_grad_norm_`` (max_grad_norm),
  ``torch.optim.Adam``'s step;
* the statistics densify returns (means over the minibatch updates; explained variance of the
  returns by the old values; the whole-batch loss before and after the update, which the engine
  computes with two more forwards, so the baseline does too).

No dropout on either side (densify trains without it; TRL's GPT-2 would use the config's 0.1).
"""

import torch

import gpt2
from mt19937 import Mt19937_64


def minibatch_orders(batch, epochs, seed):
    """The engine's row order per epoch: Fisher-Yates with rng() % (i + 1), reshuffled each epoch."""
    rng = Mt19937_64(seed)
    orders = []
    for _ in range(epochs):
        order = list(range(batch))
        for i in range(batch - 1, 0, -1):
            j = rng() % (i + 1)
            order[i], order[j] = order[j], order[i]
        orders.append(order)
    return orders


def positions_from_mask(mask):
    return (mask.long().cumsum(1) - 1).clamp(min=0)


def logprobs_from_logits(logits, labels):
    """TRL's logprobs_from_logits."""
    logp = torch.nn.functional.log_softmax(logits, dim=2)
    return torch.gather(logp, 2, labels.unsqueeze(2)).squeeze(-1)


def entropy_from_logits(logits):
    """TRL's entropy_from_logits."""
    pd = torch.nn.functional.softmax(logits, dim=-1)
    return torch.logsumexp(logits, dim=-1) - torch.sum(pd * logits, dim=-1)


def clip_by_value(x, tensor_min, tensor_max):
    """TRL's clip_by_value."""
    return torch.max(torch.min(x, tensor_max), tensor_min)


def masked_mean(values, mask):
    return (values * mask).sum() / mask.sum()


def masked_var(values, mask, unbiased=True):
    mean = masked_mean(values, mask)
    variance = masked_mean((values - mean) ** 2, mask)
    if unbiased:
        count = mask.sum()
        variance = variance * (count / (count - 1).clamp(min=1))
    return variance


def masked_whiten(values, mask):
    """TRL's masked_whiten with shift_mean=True."""
    mean, var = masked_mean(values, mask), masked_var(values, mask)
    return (values - mean) * torch.rsqrt(var + 1e-8)


def batched_forward_pass(model, ids, mask, return_logits=False):
    """TRL's batched_forward_pass over one batch of a value-head model: log-probs of the next tokens,
    logits (when asked) and values at positions [0, T-1)."""
    hidden, _ = model.transformer(ids, mask, positions_from_mask(mask))
    logits = model.lm_head(hidden)
    values = model.values(hidden)
    logprobs = logprobs_from_logits(logits[:, :-1, :], ids[:, 1:])
    return logprobs, (logits[:, :-1, :] if return_logits else None), values[:, :-1]


def action_mask(mask, starts, lengths):
    """TRL's masks: 1 where position t predicts a response token, [start - 1, start + length - 1)."""
    masks = torch.zeros_like(mask, dtype=torch.float32)
    masks[:, :-1] = mask[:, 1:].float()
    for j, (s, n) in enumerate(zip(starts, lengths)):
        masks[j, : s - 1] = 0
        masks[j, s - 1 + n:] = 0
    return masks[:, :-1]


class Step:
    """One PPO update (TRL's PPOTrainer.step) of ``policy`` with ``optimizer`` on one batch."""

    def __init__(self, options, max_grad_norm):
        self.o = options
        self.max_grad_norm = float(max_grad_norm)

    def kl_penalty(self, logprob, ref_logprob):
        diff = logprob - ref_logprob
        if self.o["kl_estimator"] == "k1":
            return diff
        if self.o["kl_estimator"] == "k3":
            return (torch.exp(-diff) - 1) + diff
        raise ValueError(f"unknown kl_estimator {self.o['kl_estimator']!r}")

    def compute_rewards(self, given, logprobs, ref_logprobs, masks):
        """TRL's compute_rewards with per-token rewards (``given`` at the action positions, 0 elsewhere)."""
        rewards, kls = [], []
        beta = self.o["kl_coef"]
        for g, logprob, ref_logprob, m in zip(given, logprobs, ref_logprobs, masks):
            kl = self.kl_penalty(logprob, ref_logprob)
            kls.append(kl)
            rewards.append(-beta * kl + g)
        return torch.stack(rewards), torch.stack(kls)

    def compute_advantages(self, values, rewards, mask):
        """TRL's compute_advantages: reversed GAE loop, the value after the last token 0."""
        lastgaelam = 0
        advantages_reversed = []
        gen_len = rewards.shape[-1]
        values = values * mask
        rewards = rewards * mask
        gamma, lam = self.o["gamma"], self.o["lam"]
        for t in reversed(range(gen_len)):
            nextvalues = values[:, t + 1] if t < gen_len - 1 else 0.0
            delta = rewards[:, t] + gamma * nextvalues - values[:, t]
            lastgaelam = delta + gamma * lam * lastgaelam
            advantages_reversed.append(lastgaelam)
        advantages = torch.stack(advantages_reversed[::-1]).transpose(0, 1)
        returns = advantages + values
        if self.o["whiten_advantages"]:
            advantages = masked_whiten(advantages, mask) * mask
        return values, advantages.detach(), returns

    def loss(self, old_logprobs, values, logits, vpreds, logprobs, mask, advantages, returns, with_entropy=True):
        """TRL's PPOTrainer.loss (the entropy term only when entropy_coef > 0, as the engine)."""
        c, cv = self.o["clip_range"], self.o["clip_range_value"]
        vpredclipped = clip_by_value(vpreds, values - cv, values + cv)
        vf_losses1 = (vpreds - returns) ** 2
        vf_losses2 = (vpredclipped - returns) ** 2
        vf_loss = 0.5 * masked_mean(torch.max(vf_losses1, vf_losses2), mask)
        log_ratio = logprobs - old_logprobs
        ratio = torch.exp(log_ratio)
        pg_losses = -advantages * ratio
        pg_losses2 = -advantages * torch.clamp(ratio, 1.0 - c, 1.0 + c)
        pg_loss = masked_mean(torch.max(pg_losses, pg_losses2), mask)
        loss = pg_loss + self.o["value_coef"] * vf_loss
        entropy = masked_mean(entropy_from_logits(logits), mask) if with_entropy else None
        if with_entropy and self.o["entropy_coef"] > 0:
            loss = loss - self.o["entropy_coef"] * entropy
        with torch.no_grad():
            stats = {
                "approx_kl": 0.5 * masked_mean(log_ratio ** 2, mask),
                "clip_fraction": masked_mean(torch.gt(pg_losses2, pg_losses).float(), mask),
                "value_clip_fraction": masked_mean(torch.gt(vf_losses2, vf_losses1).float(), mask),
            }
        return loss, pg_loss, vf_loss, entropy, stats

    def whole_batch_loss(self, policy, ids, mask, old_logprobs, values, masks, advantages, returns):
        """The engine's loss_after (entropy computed only when it is part of the loss)."""
        with torch.no_grad():
            logprobs, logits, vpreds = batched_forward_pass(policy, ids, mask, return_logits=True)
            return self.loss(old_logprobs, values, logits, vpreds, logprobs, masks, advantages, returns,
                             self.o["entropy_coef"] > 0)[0].item()

    def __call__(self, policy, reference, optimizer, ids, mask, starts, lengths, given):
        """ids, mask [B, T] (right-padded); given [B, T-1] per-token rewards at the action positions.
        Returns the statistics densify's PpoStats holds."""
        o = self.o
        batch = ids.size(0)
        masks = action_mask(mask, starts, lengths)
        with_entropy = o["entropy_coef"] > 0
        with torch.no_grad():
            all_logprobs, logits, old_values = batched_forward_pass(policy, ids, mask, return_logits=with_entropy)
            ref_logprobs, _, _ = batched_forward_pass(reference, ids, mask)
            rewards, kls = self.compute_rewards(given, all_logprobs, ref_logprobs, masks)
            values, advantages, returns = self.compute_advantages(old_values, rewards, masks)
            total = masked_var(returns, masks, False).item()
            explained = 1.0 - masked_var(returns - values, masks, False).item() / total if total > 0 else 0.0
            # The engine's loss_before: before any update the policy is the old one, so it is read off the
            # old forward (no forward of its own, as in the engine).
            loss_before = self.loss(all_logprobs, values, logits, old_values, all_logprobs, masks, advantages,
                                    returns, with_entropy)[0].item()
        stats = {"kl_reference": (kls * masks).sum().item() / batch, "reward": (given * masks).sum().item() / batch,
                 "explained_variance": explained, "loss_before": loss_before}
        sums = dict.fromkeys(("policy_loss", "value_loss", "entropy", "approx_kl", "clip_fraction",
                              "value_clip_fraction", "grad_norm"), 0.0)
        size = int(o["minibatch_size"])
        params = [p for p in policy.parameters() if p.requires_grad]
        updates = 0
        for order in minibatch_orders(batch, int(o["epochs"]), int(o["seed"])):
            for start in range(0, batch, size):
                rows = torch.tensor(order[start:start + size], dtype=torch.long, device=ids.device)
                mb_mask = masks[rows]
                logprobs, logits, vpreds = batched_forward_pass(policy, ids[rows], mask[rows], return_logits=True)
                loss, pg_loss, vf_loss, entropy, extra = self.loss(all_logprobs[rows], values[rows], logits, vpreds,
                                                                   logprobs, mb_mask, advantages[rows],
                                                                   returns[rows])
                optimizer.zero_grad()
                loss.backward()
                if self.max_grad_norm > 0:
                    norm = torch.nn.utils.clip_grad_norm_(params, self.max_grad_norm)
                else:
                    norm = torch.norm(torch.stack([p.grad.norm(2) for p in params if p.grad is not None]), 2)
                optimizer.step()
                sums["grad_norm"] += norm.item()
                sums["policy_loss"] += pg_loss.item()
                sums["value_loss"] += vf_loss.item()
                sums["entropy"] += entropy.item()
                for k, v in extra.items():
                    sums[k] += v.item()
                updates += 1
        stats.update({k: v / updates for k, v in sums.items()})
        stats["loss_after"] = self.whole_batch_loss(policy, ids, mask, all_logprobs, values, masks, advantages,
                                                    returns)
        return stats


def new_optimizer(policy, adam):
    """TRL's optimizer: torch.optim.Adam over the trainable parameters."""
    return torch.optim.Adam([p for p in policy.parameters() if p.requires_grad], lr=adam["learning_rate"],
                            betas=(adam["beta1"], adam["beta2"]), eps=adam["eps"])


def right_pad(rows, device):
    longest = max(len(r) for r in rows)
    ids = torch.zeros((len(rows), longest), dtype=torch.long)
    mask = torch.zeros((len(rows), longest), dtype=torch.long)
    for b, r in enumerate(rows):
        ids[b, : len(r)] = torch.tensor(r, dtype=torch.long)
        mask[b, : len(r)] = 1
    return ids.to(device), mask.to(device)


def dense_rewards(rewards, starts, width, device):
    """Per-token rewards (one list per row) placed at the action positions of a [B, width] grid."""
    given = torch.zeros((len(rewards), width), dtype=torch.float32)
    for b, (r, s) in enumerate(zip(rewards, starts)):
        given[b, s - 1: s - 1 + len(r)] = torch.tensor(r, dtype=torch.float32)
    return given.to(device)


def load_reference(path, device, attn):
    """The frozen reference (TRL's create_reference_model): a second load, no gradients."""
    model, kind = gpt2.load_checkpoint(path, device, attn)
    if kind != "policy":
        raise ValueError(f"reference {path} is a {kind} checkpoint, not a policy")
    return model.requires_grad_(False)


def action_rows(x, starts, lengths):
    """Per row, the entries of x [B, T-1] at the action positions (as lists)."""
    return [x[b, s - 1: s - 1 + n].tolist() for b, (s, n) in enumerate(zip(starts, lengths))]


class Update:
    """ppo_update: one PPO step from the same weights and fresh Adam state every call."""

    def __init__(self, policy, inputs, device, attn):
        self.device = device
        self.policy = policy.train()  # no dropout modules: train() changes nothing but TRL's mode
        self.reference = load_reference(inputs["reference_checkpoint"], device, attn)
        self.initial = {k: v.clone() for k, v in policy.state_dict().items()}
        self.adam = inputs["adam"]
        self.options = inputs["options"]
        self.batch = self._batch(inputs)
        self.check = self._batch(inputs["check"]) if "check" in inputs else None
        self.optimizer = None
        self.prepare()

    def _batch(self, part):
        sequences = part["sequences"]
        starts = [int(s) for s in part["response_start"]]
        lengths = [len(r) for r in part["rewards"]]
        ids, mask = right_pad(sequences, self.device)
        given = dense_rewards(part["rewards"], starts, ids.size(1) - 1, self.device)
        return ids, mask, starts, lengths, given

    def prepare(self):
        """Outside the timed call: the initial weights and a new Adam (step 0, zero moments)."""
        with torch.no_grad():
            self.policy.load_state_dict(self.initial)
        self.optimizer = new_optimizer(self.policy, self.adam)

    def step(self, batch, options):
        return Step(options, self.adam["max_grad_norm"])(self.policy, self.reference, self.optimizer, *batch)

    def run(self):
        return self.step(self.batch, self.options)

    def outputs(self):
        """From the initial weights: one step of one epoch with one minibatch = the whole check batch
        (every statistic but loss_after computed before any update), the updated policy's log-probs and
        values on that batch, then a step with the timed options (epochs x minibatches in the engine's
        order; the policy now differs from the reference, so the KL terms are not 0, and ratios != 1)."""
        if self.check is None:
            raise ValueError("inputs have no 'check' batch")
        ids, mask, starts, lengths, _ = self.check
        self.prepare()
        out = {"stats": self.step(self.check, dict(self.options, epochs=1, minibatch_size=ids.size(0)))}
        with torch.no_grad():
            logprobs, _, values = batched_forward_pass(self.policy, ids, mask)
        out["updated_logprobs"] = action_rows(logprobs, starts, lengths)
        out["updated_values"] = action_rows(values, starts, lengths)
        out["stats_second"] = self.step(self.check, self.options)
        self.prepare()
        return out


class Rollout:
    """ppo_rollout: sample responses with the KV cache, then the forwards PPO needs and the scores."""

    def __init__(self, policy, inputs, device, attn, generate):
        self.device = device
        self.policy = policy
        self.reference = load_reference(inputs["reference_checkpoint"], device, attn)
        reward, kind = gpt2.load_checkpoint(inputs["reward_checkpoint"], device, attn)
        if kind != "reward":
            raise ValueError(f"{inputs['reward_checkpoint']} is a {kind} checkpoint, not a reward model")
        self.reward = reward
        self.generate = generate
        self.prompts = inputs["prompts"]
        self.max_new_tokens = int(inputs.get("max_new_tokens", 32))
        self.temperature = float(inputs.get("temperature", 1.0))
        self.generator = torch.Generator(device=device)
        self.generator.manual_seed(int(inputs.get("seed", 0)))
        longest = max(len(p) for p in self.prompts)
        ids = torch.zeros((len(self.prompts), longest), dtype=torch.long)
        mask = torch.zeros((len(self.prompts), longest), dtype=torch.long)
        for b, p in enumerate(self.prompts):  # left-padded, as HF generation wants
            ids[b, longest - len(p):] = torch.tensor(p, dtype=torch.long)
            mask[b, longest - len(p):] = 1
        self.input_ids, self.attention_mask = ids.to(device), mask.to(device)
        check = inputs.get("check") or {}
        self.check_sequences = check.get("sequences")
        self.check_starts = check.get("response_start")

    def forwards(self, ids, mask):
        """Old log-probs and values (policy), reference log-probs, scores; on the host."""
        logprobs, _, values = batched_forward_pass(self.policy, ids, mask)
        ref_logprobs, _, _ = batched_forward_pass(self.reference, ids, mask)
        position_ids = mask.cumsum(1) - mask.long()  # as TRL's get_reward
        scores = self.reward(ids, mask, position_ids)
        return logprobs.cpu(), values.cpu(), ref_logprobs.cpu(), scores.cpu()

    def _rollout(self, temperature, generator):
        with torch.inference_mode():
            new_ids, _ = self.generate(self.policy, self.input_ids, self.attention_mask, self.max_new_tokens,
                                       temperature, True, generator)
            ids = torch.cat([self.input_ids, new_ids], dim=1)
            mask = torch.cat([self.attention_mask, torch.ones_like(new_ids)], dim=1)
            return new_ids.cpu(), self.forwards(ids, mask)

    def run(self):
        return self._rollout(self.temperature, self.generator)

    def outputs(self):
        out = {}
        new_ids, (logprobs, values, ref_logprobs, scores) = self._rollout(0.0, None)
        p = self.input_ids.size(1)
        n = new_ids.size(1)
        out["greedy_ids"] = new_ids.tolist()
        out["greedy_logprobs"] = logprobs[:, p - 1: p - 1 + n].tolist()
        out["greedy_values"] = values[:, p - 1: p - 1 + n].tolist()
        out["greedy_ref_logprobs"] = ref_logprobs[:, p - 1: p - 1 + n].tolist()
        out["greedy_scores"] = scores.tolist()
        if self.check_sequences:
            ids, mask = right_pad(self.check_sequences, self.device)
            with torch.inference_mode():
                logprobs, values, ref_logprobs, scores = self.forwards(ids, mask)
            starts = [int(s) for s in self.check_starts]
            lengths = [len(seq) - s for seq, s in zip(self.check_sequences, starts)]
            out["logprobs"] = action_rows(logprobs, starts, lengths)
            out["values"] = action_rows(values, starts, lengths)
            out["ref_logprobs"] = action_rows(ref_logprobs, starts, lengths)
            out["scores"] = scores.tolist()
        return out
