#!/usr/bin/env python3
"""The PyTorch eager side of benchmarks/compare: a long-lived worker speaking JSON lines.

    {"op":"setup","workload":"score"|"generate_cache"|"generate_nocache","checkpoint":PATH,
     "inputs":PATH,"threads":N,"device":"cpu"|"cuda"}          -> {"ok":true}
    {"op":"outputs"}                                          -> {"ok":true,"outputs":{...}}
    {"op":"time","reps":R}                                    -> {"ok":true,"seconds":[...]}
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
  * generate_nocache: the same loop with use_cache=False (the whole sequence every step).
"""

import json
import os
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gpt2  # noqa: E402
import ppo  # noqa: E402  (the ppo_rollout and ppo_update workloads)


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
            out["logits"] = logits.reshape(logits.size(0), -1).cpu().tolist()
            if self.check_prompts:
                c_ids, c_mask = _left_pad(self.check_prompts, 0, self.device)
                ids, logprobs = generate(self.model, c_ids, c_mask, self.max_new_tokens, 0.0, self.use_cache)
                out["check_ids"] = ids.cpu().tolist()
                out["check_logprobs"] = logprobs.cpu().tolist()
        return out


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
        expected = "reward" if workload == "score" else "policy"
        if kind != expected:
            raise ValueError(f"workload {workload} needs a {expected} checkpoint, {req['checkpoint']} is a {kind}")
        if workload == "score":
            self.workload = Score(model, inputs, self.device)
        elif workload in ("generate_cache", "generate_nocache"):
            self.workload = Generate(model, inputs, self.device, workload == "generate_cache")
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
        return out


def main():
    out = sys.stdout
    sys.stdout = sys.stderr  # nothing but the protocol on the real stdout
    worker = Worker()
    ops = {"setup": worker.setup, "time": worker.time, "outputs": worker.outputs, "peak": worker.peak,
           "info": worker.info}
    for line in sys.stdin:
        if not line.strip():
            continue
        quit_ = False
        try:
            req = json.loads(line)
            op = req.get("op")
            if op == "quit":
                reply, quit_ = {}, True
            elif op in ops:
                reply = ops[op](req)
            else:
                raise ValueError(f"unknown op {op!r}")
            reply = {"ok": True, **reply}
        except Exception as e:  # the driver reports it; the worker keeps serving
            reply = {"ok": False, "error": f"{type(e).__name__}: {e}"}
        out.write(json.dumps(reply) + "\n")
        out.flush()
        if quit_:
            break


if __name__ == "__main__":
    main()
