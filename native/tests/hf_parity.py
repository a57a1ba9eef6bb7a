"""Parity of libdensify with Hugging Face transformers on the same weights.

Usage: python3 hf_parity.py path/to/libdensify.so cpu|cuda:N [--bench]

Builds small random GPT2LMHeadModel and GPT2ForSequenceClassification models, saves their
state dicts as safetensors, loads them into densify through the C ABI (ctypes) and compares
logits, token log-probs and scores on left- and right-padded batches. Exits non-zero on a
mismatch. Needs torch, transformers and safetensors (present on the GPU machines)."""
import ctypes
import sys
import time

import torch
from safetensors.torch import save as st_save
from transformers import GPT2Config, GPT2ForSequenceClassification, GPT2LMHeadModel


class Config(ctypes.Structure):
    _fields_ = [("vocab_size", ctypes.c_int64), ("n_positions", ctypes.c_int64), ("n_embd", ctypes.c_int64),
                ("n_layer", ctypes.c_int64), ("n_head", ctypes.c_int64), ("layer_norm_epsilon", ctypes.c_double)]


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
    return lib


def check(lib, status, what):
    if status != 0:
        raise SystemExit(f"{what} failed ({status}): {lib.dfy_last_error().decode()}")


def load(lib, kind, hf_config, model, device):
    state = {k: v.detach().cpu().contiguous().clone() for k, v in model.state_dict().items()
             if k != "lm_head.weight" and not k.endswith(".attn.bias") and not k.endswith(".attn.masked_bias")}
    image = st_save(state)
    cfg = Config(hf_config.vocab_size, hf_config.n_positions, hf_config.n_embd, hf_config.n_layer,
                 hf_config.n_head, hf_config.layer_norm_epsilon)
    buf = ctypes.create_string_buffer(image, len(image))
    handle = ctypes.c_void_p()
    check(lib, lib.dfy_model_load(kind, ctypes.byref(cfg), device.encode(), buf, len(image), ctypes.byref(handle)),
          "dfy_model_load")
    return handle


def ptr(t):
    return ctypes.c_void_p(t.data_ptr())


def main():
    lib_path, device = sys.argv[1], sys.argv[2]
    bench = "--bench" in sys.argv
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

    if bench:
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
