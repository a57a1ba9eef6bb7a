#!/usr/bin/env python3
"""The PyTorch eager side of benchmarks/compare: a long-lived worker speaking JSON lines.

    {"op":"setup","workload":"score"|"generate_cache"|"generate_nocache"|"shap"|"lime"|"attention",
     "checkpoint":PATH,"inputs":PATH,"threads":N,"device":"cpu"|"cuda"[,"samples":S,"seed":K]}
                                                              -> {"ok":true}
    {"op":"outputs"}                                          -> {"ok":true,"outputs":{...}}
    {"op":"time","reps":R}                                    -> {"ok":true,"seconds":[...]}
    {"op":"attribute","samples":S,"seed":K[,"exact":true,"sequences":[i,...]]}  (shap, lime)
                                                              -> {"ok":true,"values":[[...]],"full":[...],...}
    {"op":"peak","n":N,"reps":R,"threads":T,"device":D}       -> {"ok":true,"flops_per_s":[...]}
    {"op":"info"}                                             -> {"ok":true,...versions...}
    {"op":"quit"}                                             -> {"ok":true}, then exits
Failures answer {"ok":false,"error":"..."} and the worker keeps serving. Only the protocol goes
to stdout; everything else to stderr.

The workloads are written the way Python RLHF code does them (TRL / Hugging Face style), on a
GPT-2 that mirrors HF's numerics (gpt2.py):
  * score: reward-model forward in minibatches under torch.inference_mode(), position ids from
    the attention mask as TRL's get_reward does, score read at the last mask-1 position, scores
    brought back to the host;
  * generate_cache: HF's decoding loop: a prefill, then one token per step fed with
    past_key_values, the attention mask grown by one column per step, position ids from the
    mask (cumsum - 1, padding set to 1), LM head at the last position only; sampled with
    softmax + torch.multinomial at the inputs' temperature (greedy = argmax), log-probs of the
    chosen tokens from log_softmax of the temperature-scaled logits;
  * generate_nocache: the same loop with use_cache=False (the whole sequence every step);
  * shap, lime, attention: attribution.py (shap's KernelExplainer, lime's LimeTextExplainer,
    HF's output_attentions), one sequence at a time for shap and lime, every perturbation a
    forward of the whole prompt + response in batches of perturbations_per_eval rows.
"""

import json
import os
import re
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import attribution  # noqa: E402
import gpt2  # noqa: E402
import ppo  # noqa: E402  (the ppo_rollout and ppo_update workloads)
from protocol import serve  # noqa: E402


def _sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def _left_pad(rows, pad_id, device):
    longest = max(len(r) for r in rows)
    ids = torch.full((len(rows), longest), pad_id, dtype=torch.long)
    mask = torch.zeros((len(rows), longest), dtype=torch.long)
    for b, r in enumerate(rows):
        ids[b, longest - len(r):] = torch.tensor(r, dtype=torch.long)
        mask[b, longest - len(r):] = 1
    return ids.to(device), mask.to(device)


def generate(model, input_ids, attention_mask, max_new_tokens, temperature, use_cache, generator=None):
    """HF-style decoding loop. Returns (new ids [B, N], log-probs [B, N]) on the model's device."""
    past_key_values = None
    new_ids = []
    new_logprobs = []
    ones = attention_mask.new_ones((attention_mask.size(0), 1))
    for step in range(max_new_tokens):
        # prepare_inputs_for_generation
        position_ids = attention_mask.long().cumsum(-1) - 1
        position_ids.masked_fill_(attention_mask == 0, 1)
        if use_cache and past_key_values is not None:
            model_ids = input_ids[:, -1:]
            position_ids = position_ids[:, -1:]
        else:
            model_ids = input_ids
        logits, presents = model(model_ids, attention_mask=attention_mask, position_ids=position_ids,
                                 past_key_values=past_key_values, use_cache=use_cache, logits_to_keep=1)
        next_token_logits = logits[:, -1, :].float()
        if use_cache:
            past_key_values = presents
        if temperature == 0:
            next_tokens = torch.argmax(next_token_logits, dim=-1)
            scaled = next_token_logits
        else:
            scaled = next_token_logits / temperature
            probs = torch.softmax(scaled, dim=-1)
            next_tokens = torch.multinomial(probs, num_samples=1, generator=generator).squeeze(1)
        logprobs = torch.log_softmax(scaled, dim=-1).gather(-1, next_tokens.unsqueeze(-1)).squeeze(-1)
        new_ids.append(next_tokens)
        new_logprobs.append(logprobs)
        if step + 1 == max_new_tokens:
            break
        input_ids = torch.cat([input_ids, next_tokens[:, None]], dim=-1)
        attention_mask = torch.cat([attention_mask, ones], dim=-1)
    return torch.stack(new_ids, 1), torch.stack(new_logprobs, 1)


class Score:
    def __init__(self, model, inputs, device):
        self.model = model
        self.device = device
        ids = torch.tensor(inputs["ids"], dtype=torch.long)
        mask = torch.tensor(inputs["mask"], dtype=torch.long)
        size = int(inputs.get("batch_size") or ids.size(0))
        self.minibatches = [(ids[s:s + size].to(device), mask[s:s + size].to(device))
                            for s in range(0, ids.size(0), size)]
        check = inputs.get("check") or {}
        self.check = None
        if "ids" in check:
            self.check = (torch.tensor(check["ids"], dtype=torch.long).to(device),
                          torch.tensor(check["mask"], dtype=torch.long).to(device))

    def _score(self, ids, mask):
        position_ids = mask.cumsum(1) - mask.long()  # as TRL's get_reward
        return self.model(ids, mask, position_ids)

    def run(self):
        with torch.inference_mode():
            scores = [self._score(ids, mask) for ids, mask in self.minibatches]
            return torch.cat(scores).cpu()

    def outputs(self):
        out = {"scores": self.run().tolist()}
        if self.check is not None:
            with torch.inference_mode():
                out["check_scores"] = self._score(*self.check).cpu().tolist()
        return out


class Generate:
    def __init__(self, model, inputs, device, use_cache):
        self.model = model
        self.device = device
        self.use_cache = use_cache
        self.prompts = inputs["prompts"]
        self.max_new_tokens = int(inputs.get("max_new_tokens", 32))
        self.temperature = float(inputs.get("temperature", 1.0))
        self.generator = torch.Generator(device=device)
        self.generator.manual_seed(int(inputs.get("seed", 0)))
        self.input_ids, self.attention_mask = _left_pad(self.prompts, 0, device)
        check = inputs.get("check") or {}
        self.check_prompts = check.get("prompts")
        self.logits_rows = int(inputs.get("logits_rows", len(self.prompts)))
        self.logits_positions = int(inputs.get("logits_positions", 1 << 30))

    def run(self):
        with torch.inference_mode():
            ids, logprobs = generate(self.model, self.input_ids, self.attention_mask, self.max_new_tokens,
                                     self.temperature, self.use_cache, self.generator)
            return ids.cpu(), logprobs.cpu()

    def outputs(self):
        out = {}
        with torch.inference_mode():
            ids, logprobs = generate(self.model, self.input_ids, self.attention_mask, self.max_new_tokens, 0.0,
                                     self.use_cache)
            out["ids"] = ids.cpu().tolist()
            out["logprobs"] = logprobs.cpu().tolist()
            # Logits of the whole greedy sequences (prompt + continuation) from one forward pass.
            full = [p + g for p, g in zip(self.prompts, out["ids"])]
            full_ids, full_mask = _left_pad(full, 0, self.device)
            position_ids = (full_mask.cumsum(-1) - 1).clamp(min=0)
            logits, _ = self.model(full_ids, attention_mask=full_mask, position_ids=position_ids)
            # Optionally only the first logits_rows rows' last logits_positions positions (GPT-2's
            # vocabulary makes the whole tensor gigabytes of JSON).
            logits = logits[:self.logits_rows, logits.size(1) - min(self.logits_positions, logits.size(1)):]
            out["logits"] = logits.reshape(logits.size(0), -1).cpu().tolist()
            if self.check_prompts:
                c_ids, c_mask = _left_pad(self.check_prompts, 0, self.device)
                ids, logprobs = generate(self.model, c_ids, c_mask, self.max_new_tokens, 0.0, self.use_cache)
                out["check_ids"] = ids.cpu().tolist()
                out["check_logprobs"] = logprobs.cpu().tolist()
        return out


def _id_rows(node, name, vocab):
    """A non-empty list of lists of token ids in [0, vocab), or a ValueError naming the problem."""
    if not isinstance(node, list) or not node:
        raise ValueError(f"inputs: '{name}' must be a non-empty array of arrays")
    for b, row in enumerate(node):
        if not isinstance(row, list):
            raise ValueError(f"inputs: {name}[{b}] is not an array")
        for t, v in enumerate(row):
            if not isinstance(v, int) or not 0 <= v < vocab:
                raise ValueError(f"inputs: {name}[{b}][{t}] = {v!r} is not a token id in [0, {vocab})")
    return node


def _sequences(node, prefix, vocab, context):
    prompts = _id_rows(node.get("prompts"), prefix + "prompts", vocab)
    responses = _id_rows(node.get("responses"), prefix + "responses", vocab)
    if len(prompts) != len(responses):
        raise ValueError(f"inputs: {len(prompts)} {prefix}prompts but {len(responses)} {prefix}responses")
    for i, (p, r) in enumerate(zip(prompts, responses)):
        if not r:
            raise ValueError(f"inputs: {prefix}responses[{i}] is empty")
        if len(p) + len(r) > context:
            raise ValueError(f"inputs: sequence {prefix}{i} has {len(p) + len(r)} tokens, the context is {context}")
    return list(zip(prompts, responses))


def _positive_int(value, name, least):
    if not isinstance(value, int) or isinstance(value, bool) or value < least:
        raise ValueError(f"{name} must be an integer >= {least}, got {value!r}")
    return value


def _seed(value, name):
    """numpy's RandomState takes seeds in [0, 2^32 - 2] here (the LIME check also uses seed + 1)."""
    _positive_int(value, name, 0)
    if value > 2 ** 32 - 2:
        raise ValueError(f"{name} must be < 2^32 - 1, got {value}")
    return value


class Attribute:
    """KernelSHAP, LIME or attention credit of every sequence (attribution.py). shap and lime
    explain one sequence after the other, as the libraries do; attention reads one batched forward."""

    def __init__(self, method, model, inputs, device, request):
        self.method = method
        self.model = model
        self.device = device
        vocab, context = model.config.vocab_size, model.config.n_positions
        self.sequences = _sequences(inputs, "", vocab, context)
        check = inputs.get("check") or {}
        self.check = _sequences(check, "check.", vocab, context) if "prompts" in check else []
        self.baseline = inputs.get("baseline_token", 0)
        if not isinstance(self.baseline, int) or not 0 <= self.baseline < vocab:
            raise ValueError(f"baseline_token must be a token id in [0, {vocab}), got {self.baseline!r}")
        least = 1 if method == "attention" else 2  # attention ignores samples, as the engine does
        self.samples = _positive_int(request.get("samples", inputs.get("samples", 512)), "samples", least)
        self.seed = _seed(request.get("seed", inputs.get("seed", 0)), "seed")
        self.check_samples = _positive_int(check.get("samples", self.samples), "check.samples", least)
        self.check_seed = _seed(check.get("seed", self.seed), "check.seed")
        self.per_eval = _positive_int(inputs.get("perturbations_per_eval", 256), "perturbations_per_eval", 1)

    def _scorer(self, prompt, response, unique=False):
        return attribution.CoalitionScorer(self.model, prompt, response, self.baseline, self.per_eval, self.device,
                                           unique)

    def attribute(self, sequences, samples, seed, unique=False):
        """{"values", "full", "baseline", "evaluations"} of the sequences (baseline None for LIME,
        which never scores it). unique: score each distinct row once (agreement checks only)."""
        if self.method == "attention":
            values, full = attribution.attention_credit(self.model, [p for p, _ in sequences],
                                                        [r for _, r in sequences], self.device)
            return {"values": [v.tolist() for v in values], "full": full, "baseline": None,
                    "evaluations": [1] * len(sequences)}
        rng = np.random.RandomState(seed)  # one stream per call, as one explainer's random state
        out = {"values": [], "full": [], "baseline": [], "evaluations": []}
        for prompt, response in sequences:
            scorer = self._scorer(prompt, response, unique)
            if self.method == "shap":
                values, full, base, n = attribution.kernel_shap(scorer, len(response), samples, rng)
            else:
                (values, full, n), base = attribution.lime(scorer, len(response), samples, rng), None
            out["values"].append(values.tolist())
            out["full"].append(float(full))
            out["baseline"].append(None if base is None else float(base))
            out["evaluations"].append(n)
        return out

    def run(self):
        self.attribute(self.sequences, self.samples, self.seed)

    def _baselines(self, sequences):
        """f(every response token replaced by the baseline token), for the agreement check."""
        return [float(self._scorer(p, r)(np.zeros((1, len(r)), dtype=np.uint8))[0]) for p, r in sequences]

    def outputs(self):
        out = self.attribute(self.sequences, self.samples, self.seed)
        if self.method != "shap":
            out["baseline"] = self._baselines(self.sequences)
        if self.check:
            check = self.attribute(self.check, self.check_samples, self.check_seed, unique=True)
            if self.method != "shap":
                check["baseline"] = self._baselines(self.check)
            out.update({"check_" + k: v for k, v in check.items()})
            if self.method == "lime":
                out.update(self._lime_checks(check["values"]))
        return out

    def _lime_checks(self, check_values):
        """LIME on the engine's own perturbation rows (same masks, so the values must agree
        exactly), a second seed (the sampling noise between two seeds) and sklearn's Ridge
        against ridge() where sklearn is importable."""
        shared, spread, sk = [], [], []
        for prompt, response in self.check:
            data = attribution.engine_lime_samples(self.check_seed, prompt, response, self.check_samples)
            y = self._scorer(prompt, response, unique=True)(data)
            shared.append(attribution.lime_fit(data, y, 25.0, 1.0).tolist())
            sk.append(_sklearn_ridge_gap(data, y))
        other = self.attribute(self.check, self.check_samples, self.check_seed + 1, unique=True)
        for a, b in zip(check_values, other["values"]):
            spread.append(float(np.max(np.abs(np.asarray(a) - np.asarray(b)))))
        return {"check_shared_values": shared, "check_seed_spread": spread,
                "check_sklearn_ridge_gap": None if None in sk else max(sk)}

    def attribute_op(self, req):
        """The timed sequences (or a subset) at another budget and seed, or their exact Shapley values."""
        if self.method not in ("shap", "lime"):
            raise ValueError("'attribute' needs a shap or lime workload")
        samples = _positive_int(req.get("samples", self.samples), "samples", 2)
        seed = _seed(req.get("seed", self.seed), "seed")
        which = req.get("sequences", list(range(len(self.sequences))))
        if not isinstance(which, list) or not which or not all(
                isinstance(i, int) and 0 <= i < len(self.sequences) for i in which):
            raise ValueError(f"sequences must be a non-empty list of indices in [0, {len(self.sequences)})")
        sequences = [self.sequences[i] for i in which]
        start = time.perf_counter()
        if req.get("exact"):
            if self.method != "shap" or max(len(r) for _, r in sequences) > 16:
                raise ValueError("exact Shapley values: shap workload and at most 16 response tokens")
            out = {"values": [], "full": [], "baseline": []}
            for p, r in sequences:
                values, full, base = attribution.exact_shapley(self._scorer(p, r), len(r))
                out["values"].append(values.tolist())
                out["full"].append(float(full))
                out["baseline"].append(float(base))
        else:
            out = self.attribute(sequences, samples, seed)
        out["seconds"] = time.perf_counter() - start
        return out


def _sklearn_ridge_gap(data, y):
    """max |sklearn Ridge coefficients - ridge()| with lime's kernel weights, or None without sklearn."""
    try:
        from sklearn.linear_model import Ridge
    except ImportError:
        return None
    weights = attribution.lime_kernel(data, 25.0)
    ours = attribution.ridge(data, y, weights, 1.0)[0]
    theirs = Ridge(alpha=1.0, fit_intercept=True).fit(data, y, sample_weight=weights).coef_
    return float(np.max(np.abs(ours - theirs)))


class Worker:
    def __init__(self):
        self.workload = None
        self.device = torch.device("cpu")
        self.attn = os.environ.get("DENSIFY_BASELINE_ATTN", "auto")

    def _device(self, name):
        name = name or "cpu"
        if name == "cuda":
            name = "cuda:0"
        device = torch.device(name)
        if device.type == "cuda" and not torch.cuda.is_available():
            raise RuntimeError(f"device {name} requested but this PyTorch ({torch.__version__}) sees no CUDA device")
        return device

    def setup(self, req):
        self.workload = None
        threads = int(req.get("threads") or 0)
        if threads < 1:
            raise ValueError("threads must be given and >= 1")
        torch.set_num_threads(threads)
        self.device = self._device(req.get("device"))
        with open(req["inputs"]) as f:
            inputs = json.load(f)
        model, kind = gpt2.load_checkpoint(req["checkpoint"], self.device, self.attn)
        workload = req["workload"]
        expected = "reward" if workload in ("score", "shap", "lime", "attention") else "policy"
        if kind != expected:
            raise ValueError(f"workload {workload} needs a {expected} checkpoint, {req['checkpoint']} is a {kind}")
        if workload == "score":
            self.workload = Score(model, inputs, self.device)
        elif workload in ("generate_cache", "generate_nocache"):
            self.workload = Generate(model, inputs, self.device, workload == "generate_cache")
        elif workload in ("shap", "lime", "attention"):
            self.workload = Attribute(workload, model, inputs, self.device, req)
        elif workload == "ppo_rollout":
            self.workload = ppo.Rollout(model, inputs, self.device, self.attn, generate)
        elif workload == "ppo_update":
            self.workload = ppo.Update(model, inputs, self.device, self.attn)
        else:
            raise ValueError(f"unknown workload {workload!r}")
        return {}

    def time(self, req):
        if self.workload is None:
            raise RuntimeError("no workload: send a setup request first")
        reps = int(req.get("reps", 1))
        if reps < 1:
            raise ValueError(f"reps must be >= 1, got {reps}")
        seconds = []
        prepare = getattr(self.workload, "prepare", None)  # untimed: e.g. restore weights before a PPO step
        for _ in range(reps):
            if prepare is not None:
                prepare()
            _sync(self.device)
            start = time.perf_counter()
            self.workload.run()
            _sync(self.device)
            seconds.append(time.perf_counter() - start)
        return {"seconds": seconds}

    def outputs(self, req):
        if self.workload is None:
            raise RuntimeError("no workload: send a setup request first")
        return {"outputs": self.workload.outputs()}

    def attribute(self, req):
        if not isinstance(self.workload, Attribute):
            raise RuntimeError("'attribute' needs a shap or lime workload: send a setup request first")
        return self.workload.attribute_op(req)

    def peak(self, req):
        """float32 matrix-multiply rate: torch.mm of two n x n matrices, 2 n^3 FLOPs each."""
        if "threads" in req:
            torch.set_num_threads(int(req["threads"]))
        device = self._device(req.get("device")) if "device" in req else self.device
        n = int(req.get("n", 1024))
        reps = int(req.get("reps", 10))
        g = torch.Generator().manual_seed(0)
        a = torch.randn(n, n, generator=g).to(device)
        b = torch.randn(n, n, generator=g).to(device)
        c = torch.empty(n, n, device=device)
        for _ in range(3):
            torch.mm(a, b, out=c)
        rates = []
        for _ in range(reps):
            _sync(device)
            start = time.perf_counter()
            torch.mm(a, b, out=c)
            _sync(device)
            rates.append(2.0 * n ** 3 / (time.perf_counter() - start))
        return {"flops_per_s": rates, "n": n, "threads": torch.get_num_threads()}

    def info(self, req):
        out = {
            "side": "pytorch",
            "torch": torch.__version__,
            "python": sys.version.split()[0],
            "threads": torch.get_num_threads(),
            "attention": "sdpa" if self.attn == "auto" and gpt2.sdpa_available() else
            ("eager" if self.attn == "auto" else self.attn),
            "cuda_available": torch.cuda.is_available(),
        }
        if torch.cuda.is_available():
            out["cuda_device"] = torch.cuda.get_device_name(0)
        out["blas"] = loaded_blas()
        return out


def loaded_blas():
    """The BLAS this process mapped (after torch's import), from /proc/self/maps, links resolved."""
    torch.mm(torch.ones(2, 2), torch.ones(2, 2))
    paths = []
    try:
        with open("/proc/self/maps") as maps:
            for line in maps:
                path = line.split(None, 5)[5].strip() if len(line.split(None, 5)) == 6 else ""
                name = os.path.basename(path)
                if (name.startswith(("libblas.so", "libopenblas", "libmkl_rt", "libblis")) and path not in paths):
                    paths.append(path)
    except OSError:
        pass
    if not paths:
        return {"vendor": "none", "version": "", "path": "", "reference": False}
    path = os.path.realpath(paths[0])
    name = os.path.basename(path)
    folder = os.path.basename(os.path.dirname(path))
    if name.startswith("libopenblas") or folder.startswith("openblas"):
        vendor = "openblas"
    elif name.startswith("libmkl"):
        vendor = "mkl"
    elif name.startswith("libblis") or folder.startswith("blis"):
        vendor = "blis"
    elif name.startswith("libblas.so"):
        vendor = "reference"
    else:
        vendor = "unknown"
    version = re.search(r"-r([0-9]+(?:\.[0-9]+)+)|\.so\.([0-9]+(?:\.[0-9]+)*)$", name)
    return {"vendor": vendor, "version": (version.group(1) or version.group(2)) if version else "", "path": path,
            "reference": vendor == "reference"}


def main():
    worker = Worker()
    serve({"setup": worker.setup, "time": worker.time, "outputs": worker.outputs, "peak": worker.peak,
           "info": worker.info, "attribute": worker.attribute})


if __name__ == "__main__":
    main()
