"""libdensify through its C ABI (ctypes), for machines without a JDK (the lent GPU machines): the
calls the benchmark's densify worker makes, and checkpoints written as `densify init-model`
writes them (dfy_model_create on the CPU with the seed, saved with densify's metadata). Mirrors
native/include/densify.h (ABI 6); the library path comes from DENSIFY_LIBRARY."""
import ctypes
import json
import os
import struct

ABI_VERSION = 6
POLICY, REWARD = 1, 2
SCORE_ONLY_ROW = -2
METHODS = {"shap": 1, "lime": 2, "attention": 3}
c_int64_p = ctypes.POINTER(ctypes.c_int64)


class Config(ctypes.Structure):
    _fields_ = [("vocab_size", ctypes.c_int64), ("n_positions", ctypes.c_int64), ("n_embd", ctypes.c_int64),
                ("n_layer", ctypes.c_int64), ("n_head", ctypes.c_int64), ("layer_norm_epsilon", ctypes.c_double),
                ("score_label", ctypes.c_int64)]


class GenerateOptions(ctypes.Structure):
    _fields_ = [("max_new_tokens", ctypes.c_int64), ("temperature", ctypes.c_double), ("top_k", ctypes.c_int64),
                ("top_p", ctypes.c_double), ("stop_token", ctypes.c_int64), ("pad_token", ctypes.c_int64),
                ("seed", ctypes.c_uint64), ("use_cache", ctypes.c_int32)]


class AttributionOptions(ctypes.Structure):
    _fields_ = [("method", ctypes.c_int32), ("samples", ctypes.c_int64), ("baseline_token", ctypes.c_int64),
                ("seed", ctypes.c_uint64), ("max_batch_tokens", ctypes.c_int64), ("lime_kernel_width", ctypes.c_double),
                ("ridge_alpha", ctypes.c_double), ("reuse_prefix", ctypes.c_int32), ("shap_selection", ctypes.c_int32),
                ("shap_max_features", ctypes.c_int64)]


class DensifyError(Exception):
    pass


def int64_array(values):
    return (ctypes.c_int64 * len(values))(*values)


class Library:
    def __init__(self, path=None):
        self.path = os.path.realpath(path or os.environ.get("DENSIFY_LIBRARY") or "")
        if not os.path.isfile(self.path):
            raise DensifyError("name libdensify.so with DENSIFY_LIBRARY (no JDK: the Python densify worker)")
        lib = ctypes.CDLL(self.path)
        lib.dfy_last_error.restype = ctypes.c_char_p
        lib.dfy_version.restype = ctypes.c_char_p
        lib.dfy_torch_version.restype = ctypes.c_char_p
        lib.dfy_abi_version.restype = ctypes.c_int32
        lib.dfy_cuda_compiled.restype = ctypes.c_int32
        lib.dfy_fused_attention_compiled.restype = ctypes.c_int32
        lib.dfy_model_free.argtypes = [ctypes.c_void_p]
        lib.dfy_model_free.restype = None
        self.lib = lib
        if lib.dfy_abi_version() != ABI_VERSION:
            raise DensifyError(f"{self.path} has ABI {lib.dfy_abi_version()}, this worker speaks {ABI_VERSION}")

    def check(self, status, function):
        if status != 0:
            raise DensifyError(f"{function} failed (status {status}): {self.lib.dfy_last_error().decode()}")

    def set_threads(self, n):
        self.check(self.lib.dfy_set_num_threads(ctypes.c_int32(n)), "dfy_set_num_threads")

    def threads(self):
        out = ctypes.c_int32()
        self.check(self.lib.dfy_get_num_threads(ctypes.byref(out)), "dfy_get_num_threads")
        return out.value

    def cuda_devices(self):
        out = ctypes.c_int32()
        self.check(self.lib.dfy_cuda_device_count(ctypes.byref(out)), "dfy_cuda_device_count")
        return out.value

    def attention(self):
        out = ctypes.c_int32()
        self.check(self.lib.dfy_get_attention(ctypes.byref(out)), "dfy_get_attention")
        return {1: "plain", 2: "fused"}.get(out.value, str(out.value))

    def runtime(self):
        length = ctypes.c_int64()
        self.check(self.lib.dfy_runtime_info(None, ctypes.c_int64(0), ctypes.byref(length)), "dfy_runtime_info")
        buf = ctypes.create_string_buffer(length.value + 1)
        self.check(self.lib.dfy_runtime_info(buf, ctypes.c_int64(length.value + 1), ctypes.byref(length)),
                   "dfy_runtime_info")
        return json.loads(buf.value.decode())

    # ---- models

    def create_checkpoint(self, kind, model, seed, path):
        """`densify init-model`: GPT-2's initialisation from the seed (densify's own generator, on the CPU),
        saved with the kind and configuration in the metadata."""
        config = Config(model["vocab_size"], model["n_positions"], model["n_embd"], model["n_layer"], model["n_head"],
                        model.get("layer_norm_epsilon", 1e-5), 0)
        handle = ctypes.c_void_p()
        self.check(self.lib.dfy_model_create(ctypes.c_int32(POLICY if kind == "policy" else REWARD),
                                             ctypes.byref(config), b"cpu", ctypes.c_uint64(seed),
                                             ctypes.byref(handle)), "dfy_model_create")
        try:
            fields = {k: model[k] for k in ("vocab_size", "n_positions", "n_embd", "n_layer", "n_head",
                                            "layer_norm_epsilon")}
            metadata = json.dumps({"format": "pt", "densify.kind": kind,
                                   "densify.config": json.dumps(dict(model_type="gpt2", **fields))}).encode()
            size = ctypes.c_int64()
            self.check(self.lib.dfy_model_save_size(handle, metadata, ctypes.byref(size)), "dfy_model_save_size")
            buf = ctypes.create_string_buffer(size.value)
            written = ctypes.c_int64()
            self.check(self.lib.dfy_model_save(handle, metadata, buf, size, ctypes.byref(written)), "dfy_model_save")
            tmp = path + ".tmp"
            with open(tmp, "wb") as f:
                f.write(buf.raw[:written.value])
            os.replace(tmp, path)
        finally:
            self.lib.dfy_model_free(handle)

    def load(self, path, device):
        """A checkpoint written by densify (kind and configuration from its metadata)."""
        with open(path, "rb") as f:
            data = f.read()
        (n,) = struct.unpack("<Q", data[:8])
        metadata = json.loads(data[8:8 + n]).get("__metadata__", {})
        kind = metadata["densify.kind"]
        c = json.loads(metadata["densify.config"])
        config = Config(c["vocab_size"], c["n_positions"], c["n_embd"], c["n_layer"], c["n_head"],
                        c.get("layer_norm_epsilon", 1e-5), SCORE_ONLY_ROW if kind == "reward" else 0)
        buf = ctypes.create_string_buffer(data, len(data))
        handle = ctypes.c_void_p()
        self.check(self.lib.dfy_model_load(ctypes.c_int32(POLICY if kind == "policy" else REWARD), ctypes.byref(config),
                                           device.encode(), buf, ctypes.c_int64(len(data)), ctypes.byref(handle)),
                   "dfy_model_load")
        return Model(self, handle, kind, c)


class Model:
    def __init__(self, library, handle, kind, config):
        self.library, self.lib, self.handle, self.kind, self.config = library, library.lib, handle, kind, config

    def close(self):
        if self.handle:
            self.lib.dfy_model_free(self.handle)
            self.handle = None

    def score(self, ids, mask):
        b, t = len(ids), len(ids[0])
        out = (ctypes.c_float * b)()
        self.library.check(self.lib.dfy_reward_score(self.handle, int64_array([x for r in ids for x in r]),
                                                     int64_array([x for r in mask for x in r]), ctypes.c_int64(b),
                                                     ctypes.c_int64(t), out), "dfy_reward_score")
        return list(out)

    def generate(self, prompts, max_new_tokens, temperature, seed, use_cache=True):
        b = len(prompts)
        options = GenerateOptions(max_new_tokens, temperature, 0, 1.0, -1, 0, seed, 1 if use_cache else 0)
        ids = (ctypes.c_int64 * (b * max_new_tokens))()
        logprobs = (ctypes.c_float * (b * max_new_tokens))()
        lengths = (ctypes.c_int64 * b)()
        flat = [x for p in prompts for x in p]
        self.library.check(self.lib.dfy_policy_generate(self.handle, int64_array(flat), ctypes.c_int64(len(flat)),
                                                        int64_array([len(p) for p in prompts]), ctypes.c_int64(b),
                                                        ctypes.byref(options), ids, logprobs, lengths),
                           "dfy_policy_generate")
        n = max_new_tokens
        return ([list(ids[r * n:r * n + lengths[r]]) for r in range(b)],
                [list(logprobs[r * n:r * n + lengths[r]]) for r in range(b)], list(lengths))

    def logits(self, ids, mask):
        """Logits [b][t * vocab] of a policy forward."""
        b, t, v = len(ids), len(ids[0]), self.config["vocab_size"]
        out = (ctypes.c_float * (b * t * v))()
        self.library.check(self.lib.dfy_policy_forward(self.handle, int64_array([x for r in ids for x in r]),
                                                       int64_array([x for r in mask for x in r]), ctypes.c_int64(b),
                                                       ctypes.c_int64(t), out, None, None), "dfy_policy_forward")
        return [list(out[r * t * v:(r + 1) * t * v]) for r in range(b)]

    def attribute(self, method, prompts, responses, samples, seed, baseline_token, max_batch_tokens=65536):
        b = len(prompts)
        tokens = [x for p, r in zip(prompts, responses) for x in p + r]
        total = sum(len(r) for r in responses)
        options = AttributionOptions(METHODS[method], samples, baseline_token, seed, max_batch_tokens, 25.0, 1.0, 1, 0, 0)
        values = (ctypes.c_float * total)()
        full, baseline = (ctypes.c_float * b)(), (ctypes.c_float * b)()
        evaluations = (ctypes.c_int64 * b)()
        self.library.check(self.lib.dfy_attribute(self.handle, int64_array(tokens), ctypes.c_int64(len(tokens)),
                                                  int64_array([len(p) for p in prompts]),
                                                  int64_array([len(r) for r in responses]), ctypes.c_int64(b),
                                                  ctypes.byref(options), values, full, baseline, evaluations, None),
                           "dfy_attribute")
        rows, at = [], 0
        for r in responses:
            rows.append(list(values[at:at + len(r)]))
            at += len(r)
        return {"values": rows, "full": list(full), "baseline": list(baseline), "evaluations": list(evaluations)}
