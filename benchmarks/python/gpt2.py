"""GPT-2 in plain PyTorch eager, mirroring Hugging Face transformers' GPT2 numerics.

This is the baseline side of benchmarks/compare. transformers is not installable on every
machine (it is not here), so this module re-implements the parts of
``transformers.models.gpt2.modeling_gpt2`` that a reward model and a policy use, with the same
parameter names, shapes and operations:

* Conv1D layers (``x @ W + b`` with W stored [in, out], computed with ``torch.addmm``);
* pre-LayerNorm blocks, LayerNorm eps from the config (1e-5);
* ``gelu_new`` (HF's NewGELUActivation: the tanh approximation written out in Python ops);
* attention as HF's "eager" implementation (scale by 1/sqrt(head_dim) with ``torch.full``,
  causal mask from the ``attn.bias`` buffer filled with finfo.min, additive padding mask
  ``(1 - mask) * finfo.min``, softmax, matmul) or, where PyTorch has it (>= 2.0), the "sdpa"
  implementation HF selects by default;
* learned positions, tied LM head (``lm_head.weight is transformer.wte.weight``);
* legacy ``past_key_values`` (a tuple of (key, value) per layer, grown with ``torch.cat``, as
  HF's DynamicCache does);
* ``logits_to_keep`` as in HF >= 4.45 (generation computes the LM head at the last position
  only).
* ``output_attentions`` as in HF: every layer's attention probabilities, computed by the eager
  implementation whatever the configured one (SDPA does not return them).

Heads: ``GPT2Policy`` = LM head + TRL's ``v_head.summary`` (Linear(E, 1)); ``GPT2Reward`` =
``GPT2ForSequenceClassification`` with one label (``score``, Linear(E, 1, bias=False)).

Checkpoints are safetensors files, parsed here without the ``safetensors`` package (8-byte
little-endian header length, JSON header, raw little-endian data).
"""

import json
import math
import struct

import torch
from torch import nn

_DTYPES = {
    "F32": torch.float32,
    "F16": torch.float16,
    "BF16": torch.bfloat16,
    "F64": torch.float64,
    "I64": torch.int64,
    "I32": torch.int32,
}


def read_safetensors(path):
    """Returns (tensors: dict name -> float32 CPU tensor, metadata: dict)."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 8:
        raise ValueError(f"{path}: too short for a safetensors file")
    (header_len,) = struct.unpack("<Q", data[:8])
    if header_len > len(data) - 8:
        raise ValueError(f"{path}: header length {header_len} exceeds the file")
    header = json.loads(data[8 : 8 + header_len].decode("utf-8"))
    base = 8 + header_len
    buffer = bytearray(data)  # writable, so torch.frombuffer does not warn
    metadata = header.pop("__metadata__", {}) or {}
    tensors = {}
    for name, info in header.items():
        dtype = _DTYPES.get(info["dtype"])
        if dtype is None:
            raise ValueError(f"{path}: tensor {name} has unsupported dtype {info['dtype']}")
        begin, end = info["data_offsets"]
        shape = list(info["shape"])
        count = math.prod(shape)
        itemsize = torch.tensor([], dtype=dtype).element_size()
        if end - begin != count * itemsize or base + end > len(data):
            raise ValueError(f"{path}: tensor {name} has inconsistent offsets {begin}..{end}")
        if count == 0:
            t = torch.empty(shape, dtype=dtype)
        else:
            t = torch.frombuffer(buffer, dtype=dtype, count=count, offset=base + begin).reshape(shape)
        tensors[name] = t.to(torch.float32).clone()
    return tensors, metadata


class GPT2Config:
    def __init__(self, vocab_size, n_positions, n_embd, n_layer, n_head, layer_norm_epsilon=1e-5, **_ignored):
        self.vocab_size = int(vocab_size)
        self.n_positions = int(n_positions)
        self.n_embd = int(n_embd)
        self.n_layer = int(n_layer)
        self.n_head = int(n_head)
        self.layer_norm_epsilon = float(layer_norm_epsilon)


class Conv1D(nn.Module):
    """HF's Conv1D: a linear layer with the weight stored transposed ([in, out])."""

    def __init__(self, nf, nx):
        super().__init__()
        self.nf = nf
        self.weight = nn.Parameter(torch.empty(nx, nf))
        self.bias = nn.Parameter(torch.zeros(nf))

    def forward(self, x):
        size_out = x.size()[:-1] + (self.nf,)
        x = torch.addmm(self.bias, x.view(-1, x.size(-1)), self.weight)
        return x.view(size_out)


class NewGELUActivation(nn.Module):
    """HF's gelu_new: GELU, tanh approximation, as written in transformers.activations."""

    def forward(self, x):
        return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))


def sdpa_available():
    return hasattr(torch.nn.functional, "scaled_dot_product_attention")


class GPT2Attention(nn.Module):
    def __init__(self, config, attn_implementation):
        super().__init__()
        n = config.n_positions
        self.register_buffer(
            "bias", torch.tril(torch.ones((n, n), dtype=torch.bool)).view(1, 1, n, n), persistent=False
        )
        self.embed_dim = config.n_embd
        self.num_heads = config.n_head
        self.head_dim = self.embed_dim // self.num_heads
        self.c_attn = Conv1D(3 * self.embed_dim, self.embed_dim)
        self.c_proj = Conv1D(self.embed_dim, self.embed_dim)
        self.attn_implementation = attn_implementation

    def _split_heads(self, x):
        return x.view(x.size()[:-1] + (self.num_heads, self.head_dim)).permute(0, 2, 1, 3)

    def _merge_heads(self, x):
        x = x.permute(0, 2, 1, 3).contiguous()
        return x.view(x.size()[:-2] + (self.embed_dim,))

    def _attn_eager(self, query, key, value, attention_mask):
        attn_weights = torch.matmul(query, key.transpose(-1, -2))
        attn_weights = attn_weights / torch.full(
            [], value.size(-1) ** 0.5, dtype=attn_weights.dtype, device=attn_weights.device
        )
        query_length, key_length = query.size(-2), key.size(-2)
        causal_mask = self.bias[:, :, key_length - query_length : key_length, :key_length]
        mask_value = torch.full([], torch.finfo(attn_weights.dtype).min, dtype=attn_weights.dtype,
                                device=attn_weights.device)
        attn_weights = torch.where(causal_mask, attn_weights, mask_value)
        if attention_mask is not None:
            attn_weights = attn_weights + attention_mask
        attn_weights = nn.functional.softmax(attn_weights, dim=-1)
        attn_weights = attn_weights.type(value.dtype)
        return torch.matmul(attn_weights, value), attn_weights

    def forward(self, hidden_states, layer_past, attention_mask, sdpa_mask, output_attentions=False):
        query, key, value = self.c_attn(hidden_states).split(self.embed_dim, dim=2)
        query = self._split_heads(query)
        key = self._split_heads(key)
        value = self._split_heads(value)
        if layer_past is not None:
            past_key, past_value = layer_past
            key = torch.cat((past_key, key), dim=-2)
            value = torch.cat((past_value, value), dim=-2)
        present = (key, value)
        weights = None
        if self.attn_implementation == "sdpa" and not output_attentions:
            if sdpa_mask is None:  # no padding: causal from the start, or one new query over the cache
                is_causal = query.size(-2) > 1
                attn_output = nn.functional.scaled_dot_product_attention(query, key, value, is_causal=is_causal)
            else:
                attn_output = nn.functional.scaled_dot_product_attention(query, key, value, attn_mask=sdpa_mask)
        else:
            attn_output, weights = self._attn_eager(query, key, value, attention_mask)
        attn_output = self._merge_heads(attn_output)
        return self.c_proj(attn_output), present, weights


class GPT2MLP(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.c_fc = Conv1D(4 * config.n_embd, config.n_embd)
        self.c_proj = Conv1D(config.n_embd, 4 * config.n_embd)
        self.act = NewGELUActivation()

    def forward(self, x):
        return self.c_proj(self.act(self.c_fc(x)))


class GPT2Block(nn.Module):
    def __init__(self, config, attn_implementation):
        super().__init__()
        self.ln_1 = nn.LayerNorm(config.n_embd, eps=config.layer_norm_epsilon)
        self.attn = GPT2Attention(config, attn_implementation)
        self.ln_2 = nn.LayerNorm(config.n_embd, eps=config.layer_norm_epsilon)
        self.mlp = GPT2MLP(config)

    def forward(self, hidden_states, layer_past, attention_mask, sdpa_mask, output_attentions=False):
        attn_output, present, weights = self.attn(self.ln_1(hidden_states), layer_past, attention_mask, sdpa_mask,
                                                  output_attentions)
        hidden_states = attn_output + hidden_states
        hidden_states = hidden_states + self.mlp(self.ln_2(hidden_states))
        return hidden_states, present, weights


class GPT2Model(nn.Module):
    def __init__(self, config, attn_implementation="auto"):
        super().__init__()
        if attn_implementation == "auto":
            attn_implementation = "sdpa" if sdpa_available() else "eager"
        if attn_implementation == "sdpa" and not sdpa_available():
            raise ValueError(f"attention 'sdpa' needs PyTorch >= 2.0 (this is {torch.__version__})")
        self.attn_implementation = attn_implementation
        self.config = config
        self.wte = nn.Embedding(config.vocab_size, config.n_embd)
        self.wpe = nn.Embedding(config.n_positions, config.n_embd)
        self.h = nn.ModuleList([GPT2Block(config, attn_implementation) for _ in range(config.n_layer)])
        self.ln_f = nn.LayerNorm(config.n_embd, eps=config.layer_norm_epsilon)

    def forward(self, input_ids, attention_mask=None, position_ids=None, past_key_values=None, use_cache=False,
                output_attentions=False):
        """(final hidden states, presents or None); with output_attentions, a third element: every
        layer's attention probabilities [B, H, T, K] (computed by the eager path, as HF does)."""
        batch_size, seq_len = input_ids.shape
        past_length = 0 if past_key_values is None else past_key_values[0][0].size(-2)
        if position_ids is None:
            position_ids = torch.arange(past_length, past_length + seq_len, dtype=torch.long,
                                        device=input_ids.device).unsqueeze(0)
        hidden_states = self.wte(input_ids) + self.wpe(position_ids)

        dtype = hidden_states.dtype
        eager_mask = None
        sdpa_mask = None
        if self.attn_implementation == "eager" or output_attentions:
            if attention_mask is not None:
                eager_mask = attention_mask.view(batch_size, -1)[:, None, None, :].to(dtype=dtype)
                eager_mask = (1.0 - eager_mask) * torch.finfo(dtype).min
        if self.attn_implementation != "eager":
            # HF builds a 4-D float mask unless it can use is_causal (no padding, no cache).
            padded = attention_mask is not None and not bool(attention_mask.all())
            if padded or (past_length > 0 and seq_len > 1):
                key_length = past_length + seq_len
                causal = self.h[0].attn.bias[:, :, past_length:key_length, :key_length]
                allowed = causal
                if attention_mask is not None:
                    allowed = allowed & attention_mask.view(batch_size, 1, 1, key_length).bool()
                sdpa_mask = torch.zeros(allowed.shape, dtype=dtype, device=input_ids.device)
                sdpa_mask = sdpa_mask.masked_fill(~allowed, torch.finfo(dtype).min)

        presents = [] if use_cache else None
        attentions = []
        for i, block in enumerate(self.h):
            layer_past = None if past_key_values is None else past_key_values[i]
            hidden_states, present, weights = block(hidden_states, layer_past, eager_mask, sdpa_mask,
                                                    output_attentions)
            if use_cache:
                presents.append(present)
            attentions.append(weights)
        hidden_states = self.ln_f(hidden_states)
        if output_attentions:
            return hidden_states, (tuple(presents) if use_cache else None), tuple(attentions)
        return hidden_states, (tuple(presents) if use_cache else None)


def _load(module, tensors, expected_extra=()):
    state = {}
    for name, t in tensors.items():
        key = name if name.startswith(("transformer.", "v_head.", "score.", "lm_head.")) else "transformer." + name
        state[key] = t
    own = module.state_dict()
    missing = [k for k in own if k not in state and k not in expected_extra]
    if missing:
        raise ValueError(f"checkpoint lacks {len(missing)} tensors, e.g. {missing[:3]}")
    for k, v in own.items():
        if k in state and tuple(state[k].shape) != tuple(v.shape):
            raise ValueError(f"tensor {k}: checkpoint shape {tuple(state[k].shape)}, model {tuple(v.shape)}")
    module.load_state_dict({k: state[k] for k in own if k in state}, strict=False)


class GPT2Policy(nn.Module):
    """GPT2LMHeadModel + TRL's value head (v_head.summary)."""

    def __init__(self, config, attn_implementation="auto"):
        super().__init__()
        self.config = config
        self.transformer = GPT2Model(config, attn_implementation)
        self.lm_head = nn.Linear(config.n_embd, config.vocab_size, bias=False)
        self.lm_head.weight = self.transformer.wte.weight  # tied
        self.v_head = nn.Module()
        self.v_head.summary = nn.Linear(config.n_embd, 1)

    def forward(self, input_ids, attention_mask=None, position_ids=None, past_key_values=None, use_cache=False,
                logits_to_keep=0):
        hidden, presents = self.transformer(input_ids, attention_mask, position_ids, past_key_values, use_cache)
        kept = hidden[:, -logits_to_keep:, :] if logits_to_keep > 0 else hidden
        return self.lm_head(kept), presents

    def values(self, hidden):
        return self.v_head.summary(hidden).squeeze(-1)

    def load_tensors(self, tensors):
        if "v_head.summary.weight" not in tensors:
            raise ValueError("policy checkpoint lacks v_head.summary.weight")
        _load(self, tensors, expected_extra=("lm_head.weight",))


class GPT2Reward(nn.Module):
    """GPT2ForSequenceClassification with num_labels = 1."""

    def __init__(self, config, attn_implementation="auto"):
        super().__init__()
        self.config = config
        self.transformer = GPT2Model(config, attn_implementation)
        self.score = nn.Linear(config.n_embd, 1, bias=False)

    def forward(self, input_ids, attention_mask, position_ids=None, output_attentions=False):
        """Scores [B]; with output_attentions, (scores, every layer's attention probabilities)."""
        outputs = self.transformer(input_ids, attention_mask, position_ids, output_attentions=output_attentions)
        logits = self.score(outputs[0])  # [B, T, 1], every position, as HF does
        # The last position whose mask is 1.
        positions = torch.arange(input_ids.size(1), device=input_ids.device)
        last = (positions.unsqueeze(0) * attention_mask.long()).argmax(-1)
        scores = logits[torch.arange(input_ids.size(0), device=input_ids.device), last, 0]
        return (scores, outputs[2]) if output_attentions else scores

    def load_tensors(self, tensors):
        _load(self, tensors)


def load_checkpoint(path, device="cpu", attn_implementation="auto"):
    """Loads a densify checkpoint: returns (model in eval mode on device, kind)."""
    tensors, metadata = read_safetensors(path)
    kind = metadata.get("densify.kind")
    if "densify.config" not in metadata:
        raise ValueError(f"{path}: metadata has no densify.config")
    config = GPT2Config(**json.loads(metadata["densify.config"]))
    if kind is None:
        kind = "reward" if "score.weight" in tensors else "policy"
    if kind == "policy":
        model = GPT2Policy(config, attn_implementation)
    elif kind == "reward":
        model = GPT2Reward(config, attn_implementation)
    else:
        raise ValueError(f"{path}: unknown densify.kind {kind!r}")
    model.load_tensors(tensors)
    return model.to(device).eval(), kind
