"""Parity of libdensify with Hugging Face transformers on the same weights.

Usage: python3 hf_parity.py path/to/libdensify.so cpu|cuda:N [--bench] [--size gpt2-small] [--json FILE]

Builds small random GPT2LMHeadModel and GPT2ForSequenceClassification models, saves their
state dicts as safetensors, loads them into densify through the C ABI (ctypes) and compares
logits, token log-probs and scores on left- and right-padded batches. Exits non-zero on a
mismatch. Needs torch, transformers and safetensors (present on the GPU machines).

--bench times scoring at the default benchmark shape (4 layers, width 128, 256 x 48); with
--size gpt2-small it times GPT-2 small (12 layers, width 768, 12 heads, 50,257 ids; random
weights, the same on both sides) at an RLHF step's shapes instead: scores of 64 rows of 64 + 128
tokens (densify with its fused and plain attention kernels where both exist, and with bfloat16
and float16 matrix products) and greedy
generation of 128 tokens after 64 prompts of 64 tokens, after checking that the scores agree;
--json writes those numbers."""
import argparse
import ctypes
import json
import sys
import time
from pathlib import Path

import torch
from safetensors.torch import save as st_save
from transformers import GPT2Config, GPT2ForSequenceClassification, GPT2LMHeadModel

# The C structures as the benchmark's ctypes binding declares them (one mirror of densify.h).
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks" / "python"))
from densify_ctypes import Config, GenerateOptions, SCORE_ONLY_ROW as DFY_SCORE_ONLY_ROW  # noqa: E402


DFY_ATTENTION_PLAIN, DFY_ATTENTION_FUSED = 1, 2
DFY_DTYPE_FLOAT32, DFY_DTYPE_BFLOAT16, DFY_DTYPE_FLOAT16 = 1, 2, 3


def load_library(path):
    lib = ctypes.CDLL(path)
    lib.dfy_last_error.restype = ctypes.c_char_p
    lib.dfy_model_load.argtypes = [ctypes.c_int32, ctypes.POINTER(Config), ctypes.c_char_p, ctypes.c_void_p,
                                   ctypes.c_int64, ctypes.POINTER(ctypes.c_void_p)]
    lib.dfy_policy_forward.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int64,
                                       ctypes.c_int64, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p]
    lib.dfy_reward_score.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int64,
                                     ctypes.c_int64, ctypes.c_void_p]
    lib.dfy_model_free.argtypes = [ctypes.c_void_p]
    lib.dfy_policy_generate.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int64, ctypes.c_void_p,
                                        ctypes.c_int64, ctypes.POINTER(GenerateOptions), ctypes.c_void_p,
                                        ctypes.c_void_p, ctypes.c_void_p]
    lib.dfy_set_attention.argtypes = [ctypes.c_int32]
    lib.dfy_set_compute_dtype.argtypes = [ctypes.c_int32]
    lib.dfy_fused_attention_compiled.restype = ctypes.c_int32
    return lib


def check(lib, status, what):
    if status != 0:
        raise SystemExit(f"{what} failed ({status}): {lib.dfy_last_error().decode()}")


def load(lib, kind, hf_config, model, device):
    state = {k: v.detach().cpu().contiguous().clone() for k, v in model.state_dict().items()
             if k != "lm_head.weight" and not k.endswith(".attn.bias") and not k.endswith(".attn.masked_bias")}
    image = st_save(state)
    cfg = Config(hf_config.vocab_size, hf_config.n_positions, hf_config.n_embd, hf_config.n_layer,
                 hf_config.n_head, hf_config.layer_norm_epsilon, DFY_SCORE_ONLY_ROW if kind == 2 else 0)
    buf = ctypes.create_string_buffer(image, len(image))
    handle = ctypes.c_void_p()
    check(lib, lib.dfy_model_load(kind, ctypes.byref(cfg), device.encode(), buf, len(image), ctypes.byref(handle)),
          "dfy_model_load")
    return handle


def ptr(t):
    return ctypes.c_void_p(t.data_ptr())


def timed(fns, warmup=2, reps=7, sync=None):
    """Median seconds per call of each fn, interleaved."""
    times = {name: [] for name in fns}
    for _ in range(warmup):
        for fn in fns.values():
            fn()
    for _ in range(reps):
        for name, fn in fns.items():
            if sync:
                sync()
            t0 = time.perf_counter()
            fn()
            if sync:
                sync()
            times[name].append(time.perf_counter() - t0)
    return {k: sorted(v)[len(v) // 2] for k, v in times.items()}


# (vocabulary, context, width, layers, heads), (prompts, prompt tokens, new tokens). "tiny" runs
# the same code at toy sizes, to check this script where no GPU is at hand.
BENCH_SIZES = {"gpt2-small": ((50257, 1024, 768, 12, 12), (64, 64, 128)),
               "tiny": ((211, 64, 32, 2, 4), (4, 8, 6))}


def bench_gpt2_small(lib, device, json_path, size="gpt2-small"):
    """GPT-2 small at an RLHF step's shapes: scores of 64 x (64 + 128) and greedy generation of 128 tokens."""
    torch.manual_seed(1)
    (V, ctx, E, L, H), (B, P, N) = BENCH_SIZES[size]
    config = GPT2Config(vocab_size=V, n_positions=ctx, n_embd=E, n_layer=L, n_head=H, pad_token_id=0,
                        num_labels=1, resid_pdrop=0.0, embd_pdrop=0.0, attn_pdrop=0.0)
    sync = torch.cuda.synchronize if device.startswith("cuda") else None
    out = {"device": device, "torch": torch.__version__,
           "gpu": torch.cuda.get_device_name(0) if device.startswith("cuda") else None,
           "size": size, "model": {"n_layer": L, "n_embd": E, "n_head": H, "vocab_size": V}, "tf32": False,
           "fused_attention_compiled": bool(lib.dfy_fused_attention_compiled())}
    rm = GPT2ForSequenceClassification(config).eval().to(device)
    hr = load(lib, 2, config, rm, device)
    ids = torch.randint(1, config.vocab_size, (B, P + N))
    mask = torch.ones_like(ids)
    scores = torch.empty(B)
    ids_d, mask_d = ids.to(device), mask.to(device)
    with torch.no_grad():
        ref = rm(input_ids=ids_d, attention_mask=mask_d).logits.float().cpu().squeeze(-1)
    check(lib, lib.dfy_reward_score(hr, ptr(ids), ptr(mask), B, P + N, ptr(scores)), "dfy_reward_score")
    diff = (scores - ref).abs().max().item()
    out["score_max_abs_difference"] = diff
    if not diff <= 1e-3 * max(1.0, ref.abs().max().item()):
        raise SystemExit(f"{size} scores differ from transformers by {diff}")

    def score():
        check(lib, lib.dfy_reward_score(hr, ptr(ids), ptr(mask), B, P + N, ptr(scores)), "score")

    def score_hf():
        with torch.no_grad():
            rm(input_ids=ids_d, attention_mask=mask_d).logits.cpu()

    kernels = {"plain": DFY_ATTENTION_PLAIN}
    if out["fused_attention_compiled"]:
        kernels["fused"] = DFY_ATTENTION_FUSED
    fns = {"transformers": score_hf}
    # Reduced-precision matrix products (dfy_set_compute_dtype), with the fastest kernel.
    dtype_diff = {}
    reduced = [("bfloat16", DFY_DTYPE_BFLOAT16)] + ([("float16", DFY_DTYPE_FLOAT16)] if device.startswith("cuda") else [])
    for name, code in reduced:  # float16 products need CUDA
        check(lib, lib.dfy_set_compute_dtype(code), "dfy_set_compute_dtype")
        check(lib, lib.dfy_set_attention(max(kernels.values())), "dfy_set_attention")
        score()
        dtype_diff[name] = (scores - ref).abs().max().item()

        def run_dtype(code=code):
            check(lib, lib.dfy_set_compute_dtype(code), "dfy_set_compute_dtype")
            check(lib, lib.dfy_set_attention(max(kernels.values())), "dfy_set_attention")
            score()
        fns["densify_" + name] = run_dtype
    check(lib, lib.dfy_set_compute_dtype(DFY_DTYPE_FLOAT32), "dfy_set_compute_dtype")
    # Each densify variant sets its own kernel and dtype; the float32 ones reset the dtype first.
    for name, code in kernels.items():
        def run(code=code):
            check(lib, lib.dfy_set_compute_dtype(DFY_DTYPE_FLOAT32), "dfy_set_compute_dtype")
            check(lib, lib.dfy_set_attention(code), "dfy_set_attention")
            score()
        fns["densify_" + name] = run
    med = timed(fns, sync=sync)
    check(lib, lib.dfy_set_compute_dtype(DFY_DTYPE_FLOAT32), "dfy_set_compute_dtype")
    out["score"] = {"shape": [B, P + N], "median_s": med,
                    "sequences_per_s": {k: B / v for k, v in med.items()},
                    "max_abs_difference_vs_transformers_float32": dtype_diff}
    print(f"bench[{device}] {size} score {B}x{P + N}: " +
          ", ".join(f"{k} {B / v:.0f} seq/s" for k, v in med.items()))
    lib.dfy_model_free(hr)
    del rm

    lm = GPT2LMHeadModel(config).eval().to(device)
    hp = load(lib, 1, config, lm, device)
    prompts = torch.randint(1, config.vocab_size, (B, P))
    lengths = torch.full((B,), P, dtype=torch.int64)
    gen_ids = torch.empty(B, N, dtype=torch.int64)
    gen_lp = torch.empty(B, N)
    gen_len = torch.empty(B, dtype=torch.int64)
    opts = GenerateOptions(N, 0.0, 0, 1.0, -1, 0, 7, 1)
    prompts_d = prompts.to(device)

    def generate():
        check(lib, lib.dfy_policy_generate(hp, ptr(prompts), B * P, ptr(lengths), B, ctypes.byref(opts), ptr(gen_ids),
                                           ptr(gen_lp), ptr(gen_len)), "dfy_policy_generate")

    def generate_hf():
        with torch.no_grad():
            lm.generate(input_ids=prompts_d, attention_mask=torch.ones_like(prompts_d), max_new_tokens=N,
                        min_new_tokens=N, do_sample=False, pad_token_id=0)

    generate()
    with torch.no_grad():
        first = torch.log_softmax(lm(input_ids=prompts_d).logits[:, -1].float(), -1).max(-1).values.cpu()
    out["generate_first_logprob_max_abs_difference"] = (gen_lp[:, 0] - first).abs().max().item()
    check(lib, lib.dfy_set_attention(max(kernels.values())), "dfy_set_attention")
    med = timed({"densify": generate, "transformers": generate_hf}, warmup=1, reps=3, sync=sync)
    out["generate"] = {"prompts": B, "prompt_tokens": P, "new_tokens": N, "median_s": med,
                       "tokens_per_s": {k: B * N / v for k, v in med.items()}}
    print(f"bench[{device}] {size} greedy generation {B}x({P}+{N}): " +
          ", ".join(f"{k} {B * N / v:.0f} tok/s" for k, v in med.items()) +
          f"; first-token log-prob difference {out['generate_first_logprob_max_abs_difference']:.2e}")
    lib.dfy_model_free(hp)
    if json_path:
        with open(json_path, "w") as f:
            json.dump(out, f, indent=1)


def main():
    ap = argparse.ArgumentParser(description="libdensify against transformers on the same weights")
    ap.add_argument("library")
    ap.add_argument("device")
    ap.add_argument("--bench", action="store_true")
    ap.add_argument("--size", choices=("default", "gpt2-small", "tiny"), default="default")
    ap.add_argument("--json")
    args = ap.parse_args()
    lib_path, device, bench = args.library, args.device, args.bench
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    lib = load_library(lib_path)
    torch.manual_seed(0)
    config = GPT2Config(vocab_size=503, n_positions=64, n_embd=96, n_layer=3, n_head=4, pad_token_id=0,
                        num_labels=1, resid_pdrop=0.0, embd_pdrop=0.0, attn_pdrop=0.0)
    lm = GPT2LMHeadModel(config).eval().to(device)
    rm = GPT2ForSequenceClassification(config).eval().to(device)
    hp = load(lib, 1, config, lm, device)
    hr = load(lib, 2, config, rm, device)

    B, T = 5, 17
    lengths = torch.tensor([17, 3, 9, 1, 12])
    ids = torch.randint(1, config.vocab_size, (B, T))
    worst = {}
    for side in ("left", "right"):
        mask = torch.zeros(B, T, dtype=torch.int64)
        for b, n in enumerate(lengths.tolist()):
            if side == "left":
                mask[b, T - n:] = 1
            else:
                mask[b, :n] = 1
        ids_p = torch.where(mask.bool(), ids, torch.zeros_like(ids))
        positions = (mask.cumsum(1) - 1).clamp_min(0)
        with torch.no_grad():
            ref_logits = lm(input_ids=ids_p.to(device), attention_mask=mask.to(device),
                            position_ids=positions.to(device)).logits.float().cpu()
        logits = torch.empty(B, T, config.vocab_size)
        values = torch.empty(B, T)
        lps = torch.empty(B, T - 1)
        check(lib, lib.dfy_policy_forward(hp, ptr(ids_p), ptr(mask), B, T, ptr(logits), ptr(values), ptr(lps)),
              "dfy_policy_forward")
        real = mask.bool()
        d_logits = (logits - ref_logits)[real].abs().max().item()
        ref_lp = torch.log_softmax(ref_logits[:, :-1], -1).gather(-1, ids_p[:, 1:, None]).squeeze(-1)
        d_lp = (lps - ref_lp)[real[:, 1:] & real[:, :-1]].abs().max().item()
        worst[f"logits/{side}"] = d_logits
        worst[f"logprobs/{side}"] = d_lp
        if side == "right":
            with torch.no_grad():
                ref_scores = rm(input_ids=ids_p.to(device), attention_mask=mask.to(device)).logits.float().cpu().squeeze(-1)
            scores = torch.empty(B)
            check(lib, lib.dfy_reward_score(hr, ptr(ids_p), ptr(mask), B, T, ptr(scores)), "dfy_reward_score")
            worst["scores/right"] = (scores - ref_scores).abs().max().item()
    print(f"hf_parity[{device}]: " + ", ".join(f"{k} {v:.2e}" for k, v in worst.items()))
    bad = {k: v for k, v in worst.items() if not v <= 1e-4}
    if bad:
        raise SystemExit(f"hf_parity[{device}]: MISMATCH {bad}")

    if bench and args.size != "default":
        bench_gpt2_small(lib, device, args.json, args.size)
    elif bench:
        # Scoring throughput on the model shape, densify vs transformers eager.
        config = GPT2Config(vocab_size=512, n_positions=64, n_embd=128, n_layer=4, n_head=4, pad_token_id=0,
                            num_labels=1)
        rm = GPT2ForSequenceClassification(config).eval().to(device)
        hr2 = load(lib, 2, config, rm, device)
        ids = torch.randint(1, 512, (256, 48))
        mask = torch.ones_like(ids)
        out = torch.empty(256)

        def run_densify():
            check(lib, lib.dfy_reward_score(hr2, ptr(ids), ptr(mask), 256, 48, ptr(out)), "score")

        ids_d, mask_d = ids.to(device), mask.to(device)

        def run_torch():
            with torch.no_grad():
                rm(input_ids=ids_d, attention_mask=mask_d).logits.cpu()

        times = {"densify": [], "transformers": []}
        for _ in range(3):
            run_densify(), run_torch()
        for _ in range(15):
            for name, fn in (("densify", run_densify), ("transformers", run_torch)):
                t0 = time.perf_counter()
                fn()
                times[name].append(time.perf_counter() - t0)
        med = {k: sorted(v)[len(v) // 2] for k, v in times.items()}
        print(f"bench[{device}] score 256x48 (4L w128): densify {256 / med['densify']:.0f} seq/s, "
              f"transformers {256 / med['transformers']:.0f} seq/s, ratio {med['transformers'] / med['densify']:.2f}")
        lib.dfy_model_free(hr2)
    lib.dfy_model_free(hp)
    lib.dfy_model_free(hr)


if __name__ == "__main__":
    main()
