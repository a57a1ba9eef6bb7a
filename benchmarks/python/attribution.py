"""KernelSHAP, LIME and attention credit the way the Python tools compute them (the baseline of
the attribution workloads of benchmarks/compare).

The estimators are the ones densify implements (native/src/attribution.cpp), written as the
Python libraries do them, one explained sequence at a time:

* KernelSHAP as shap's KernelExplainer: subset sizes enumerated completely from the outside in
  while the budget covers them, the rest drawn from the Shapley kernel with paired complements,
  weighted least squares with the last value eliminated by the efficiency constraint (no l1
  selection). At a budget of 2^M - 2 the design holds every coalition and the solve gives the
  exact Shapley values, as in shap.
* LIME as lime's LimeTextExplainer: the first row unperturbed, every other removes k ~ U{1..M}
  distinct tokens; kernel sqrt(exp(-d^2 / w^2)) on cosine distance x 100 (w = 25); the values
  are the coefficients of a ridge regression (alpha 1, intercept) fitted with the kernel as
  sample weights, as lime's default sklearn Ridge does. Every sampled row is evaluated,
  duplicates included, as lime does.
* Attention as Hugging Face users read it: output_attentions=True, the last layer's
  probabilities from the scoring (last) position, mean over heads, at the response positions.

A removed token is replaced by the baseline token (it is not dropped), and every perturbed row
is the whole prompt + response recomputed by the reward model, in batches of
``perturbations_per_eval`` rows under torch.inference_mode(), as captum and shap evaluate them.

The ``engine_*`` functions at the end mirror densify's own random streams, so the agreement
check can feed the engine's LIME perturbations to this file's regression; the timed code never
uses them.
"""

import itertools
import math

import numpy as np
import torch

from mt19937 import MASK64, Mt19937_64


# ---------------------------------------------------------------------------------------------
# Evaluating coalitions


class CoalitionScorer:
    """f(mask) for one sequence: the reward model's score of prompt + response with the response
    tokens whose mask is 0 replaced by the baseline token. unique=True scores each distinct row
    once (the agreement checks' shortcut; the libraries score every row)."""

    def __init__(self, model, prompt, response, baseline_token, per_eval, device, unique=False):
        if per_eval < 1:
            raise ValueError(f"perturbations_per_eval must be >= 1, got {per_eval}")
        self.model = model
        self.per_eval = per_eval
        self.device = device
        self.prompt = torch.tensor(prompt, dtype=torch.long)
        self.response = torch.tensor(response, dtype=torch.long)
        self.baseline = int(baseline_token)
        self.unique = unique

    def __call__(self, masks):
        """masks: [n, M] array of 0/1. Returns the n scores as float64."""
        if self.unique:
            rows, inverse = np.unique(np.asarray(masks), axis=0, return_inverse=True)
            return self._every(rows)[inverse.reshape(-1)]
        return self._every(masks)

    def _every(self, masks):
        masks = torch.as_tensor(np.asarray(masks), dtype=torch.bool)
        out = []
        with torch.inference_mode():
            for start in range(0, masks.size(0), self.per_eval):
                out.append(self._score(masks[start:start + self.per_eval]))
        return torch.cat(out).double().numpy()

    def _score(self, masks):
        n = masks.size(0)
        kept = torch.where(masks, self.response.expand(n, -1), torch.full_like(masks, self.baseline, dtype=torch.long))
        ids = torch.cat([self.prompt.expand(n, -1), kept], dim=1).to(self.device)
        attention_mask = torch.ones_like(ids)
        return self.model(ids, attention_mask).cpu()


# ---------------------------------------------------------------------------------------------
# KernelSHAP (shap's KernelExplainer)


def _size_weights(m):
    """Shapley-kernel mass of each subset size 1..ceil((m-1)/2), a size and its complement together."""
    sizes = (m - 1 + 1) // 2
    paired = (m - 1) // 2
    w = np.array([(m - 1) / (s * (m - s)) for s in range(1, sizes + 1)])
    w[:paired] *= 2
    return w / w.sum(), sizes, paired


class _Design:
    def __init__(self, m):
        self.m = m
        self.masks = []
        self.weights = []
        self.index = {}

    def add(self, mask, weight):
        """Adds a coalition, or weight to it when it is already there; True when new."""
        key = mask.tobytes()
        if key in self.index:
            self.weights[self.index[key]] += weight
            return False
        self.index[key] = len(self.masks)
        self.masks.append(mask.copy())
        self.weights.append(weight)
        return True


def shap_design(m, budget, rng):
    """shap's KernelExplainer coalitions for m players and `budget` evaluations (full and empty
    coalitions not counted): returns (masks [n, m] uint8, weights [n])."""
    if m <= 30:
        budget = min(budget, 2 ** m - 2)
    weight, sizes, paired = _size_weights(m)
    d = _Design(m)
    left, full_sizes = budget, _enumerate_sizes(d, m, budget, weight, sizes, paired)
    left -= len(d.masks)
    fixed = len(d.masks)
    if full_sizes < sizes and left > 0:
        _sample_sizes(d, m, left, weight, full_sizes, paired, rng)
        sampled = np.asarray(d.weights[fixed:])
        d.weights[fixed:] = list(sampled * weight[full_sizes:].sum() / sampled.sum())
    return np.array(d.masks, dtype=np.uint8).reshape(-1, m), np.array(d.weights)


def _enumerate_sizes(d, m, budget, weight, sizes, paired):
    """Adds every coalition of the sizes the budget covers, from the outside in; returns their count."""
    remaining = weight.copy()
    left = budget
    for s in range(1, sizes + 1):
        count = math.comb(m, s) * (2 if s <= paired else 1)
        if left * remaining[s - 1] / count < 1.0 - 1e-8:
            return s - 1
        left -= count
        if remaining[s - 1] < 1.0:
            remaining /= 1.0 - remaining[s - 1]
        w = weight[s - 1] / math.comb(m, s) / (2 if s <= paired else 1)
        for kept in itertools.combinations(range(m), s):
            mask = np.zeros(m, dtype=np.uint8)
            mask[list(kept)] = 1
            d.add(mask, w)
            if s <= paired:
                d.add(1 - mask, w)
    return sizes


def _sample_sizes(d, m, left, weight, full_sizes, paired, rng):
    """Draws the rest from the Shapley kernel over the sizes not enumerated, each with its
    complement; a coalition drawn again adds weight instead of an evaluation."""
    p = weight.copy()
    p[:paired] /= 2  # a paired draw yields two coalitions
    p = p[full_sizes:] / p[full_sizes:].sum()
    draws = rng.choice(len(p), 4 * left + 64, p=p)
    for which in draws:
        if left <= 0:
            break
        s = int(which) + full_sizes + 1
        mask = np.zeros(m, dtype=np.uint8)
        mask[rng.permutation(m)[:s]] = 1
        left -= d.add(mask, 1.0)
        if left > 0 and s <= paired:
            left -= d.add(1 - mask, 1.0)


def constrained_wls(masks, weights, y, full, base):
    """Weighted least squares of y - base on the masks under sum(phi) = full - base, the last
    value eliminated (as shap's KernelExplainer.solve)."""
    z = masks.astype(np.float64)
    delta = full - base
    target = (y - base) - z[:, -1] * delta
    x = z[:, :-1] - z[:, -1:]
    root = np.sqrt(weights)
    phi = np.linalg.lstsq(x * root[:, None], target * root, rcond=None)[0]
    return np.append(phi, delta - phi.sum())


def kernel_shap(scorer, m, budget, rng):
    """(values [m], f(x), f(baseline), evaluations) of one sequence."""
    if m == 1:
        full, base = scorer(np.array([[1], [0]], dtype=np.uint8))
        return np.array([full - base]), full, base, 2
    masks, weights = shap_design(m, budget, rng)
    ends = np.array([[1] * m, [0] * m], dtype=np.uint8)
    y = scorer(np.concatenate([ends, masks]))  # f(x) and f(baseline) in the same batches
    full, base = y[0], y[1]
    return constrained_wls(masks, weights, y[2:], full, base), full, base, len(y)


def exact_shapley(scorer, m):
    """The Shapley values from all 2^m coalitions (bit j of the index = token j kept): the
    textbook formula, an independent check of the regression."""
    n = 1 << m
    masks = ((np.arange(n)[:, None] >> np.arange(m)[None, :]) & 1).astype(np.uint8)
    v = scorer(masks)
    size = masks.sum(1)
    weight = np.array([1.0 / (m * math.comb(m - 1, s)) for s in range(m)])
    phi = np.zeros(m)
    for j in range(m):
        without = np.nonzero(masks[:, j] == 0)[0]
        phi[j] = np.sum(weight[size[without]] * (v[without | (1 << j)] - v[without]))
    return phi, v[n - 1], v[0]


# ---------------------------------------------------------------------------------------------
# LIME (lime's LimeTextExplainer)


def lime_samples(m, num_samples, rng):
    """lime's text sampling: row 0 unperturbed; row i removes k ~ U{1..m} distinct positions."""
    sizes = rng.randint(1, m + 1, num_samples - 1)
    data = np.ones((num_samples, m), dtype=np.uint8)
    for i, size in enumerate(sizes, start=1):
        data[i, rng.choice(m, size, replace=False)] = 0
    return data


def lime_kernel(data, width):
    """sqrt(exp(-d^2 / width^2)) of the cosine distance x 100 of each row to row 0."""
    x = data.astype(np.float64)
    norms = np.linalg.norm(x, axis=1) * np.linalg.norm(x[0])
    cosine = np.divide(x @ x[0], norms, out=np.zeros(len(x)), where=norms > 0)  # a zero row: similarity 0
    d = (1.0 - cosine) * 100
    return np.sqrt(np.exp(-(d ** 2) / width ** 2))


def ridge(x, y, sample_weight, alpha):
    """sklearn's Ridge(alpha, fit_intercept=True).fit(x, y, sample_weight): weighted centring,
    rows scaled by sqrt(weight), the intercept not penalised. Returns (coef, intercept)."""
    w = np.asarray(sample_weight, dtype=np.float64)
    x = x.astype(np.float64)
    x_mean = w @ x / w.sum()
    y_mean = w @ y / w.sum()
    root = np.sqrt(w)[:, None]
    xc = (x - x_mean) * root
    yc = (y - y_mean) * root[:, 0]
    coef = np.linalg.solve(xc.T @ xc + alpha * np.eye(x.shape[1]), xc.T @ yc)
    return coef, y_mean - x_mean @ coef


def lime_fit(data, y, width, alpha):
    """lime's explanation of sampled rows and their scores: the ridge coefficients."""
    return ridge(data, y, lime_kernel(data, width), alpha)[0]


def lime(scorer, m, num_samples, rng, width=25.0, alpha=1.0):
    """(values [m], f(x), evaluations) of one sequence; f(x) is the unperturbed row's score."""
    data = lime_samples(m, num_samples, rng)
    y = scorer(data)
    return lime_fit(data, y, width, alpha), y[0], len(y)


# ---------------------------------------------------------------------------------------------
# Attention credit


def attention_credit(model, prompts, responses, device):
    """Last-layer attention from the last position, mean over heads, at the response positions.
    Sequences of equal length share a forward (no padding). Returns (values, scores) per sequence."""
    values, scores = [None] * len(prompts), [None] * len(prompts)
    by_length = {}
    for i, (p, r) in enumerate(zip(prompts, responses)):
        by_length.setdefault(len(p) + len(r), []).append(i)
    for rows in by_length.values():
        ids = torch.tensor([prompts[i] + responses[i] for i in rows], dtype=torch.long, device=device)
        with torch.inference_mode():
            s, attentions = model(ids, torch.ones_like(ids), output_attentions=True)
            last = attentions[-1][:, :, -1, :].mean(1).cpu().double().numpy()  # [rows, T]
        for k, i in enumerate(rows):
            values[i] = last[k, len(prompts[i]):]
            scores[i] = float(s[k])
    return values, scores


# ---------------------------------------------------------------------------------------------
# densify's random streams (agreement check only)

_MASK64 = MASK64


class EngineRandom:
    """std::mt19937_64 seeded as densify's sequence_stream (FNV-1a over the sequence's tokens,
    mixed with the seed by splitmix64's finaliser), with its uniform01 and uniform_int."""

    def __init__(self, seed, prompt, response):
        h = 1469598103934665603
        for t in list(prompt) + [_MASK64] + list(response):
            h = ((h ^ (t & _MASK64)) * 1099511628211) & _MASK64
        z = (seed & _MASK64) ^ h
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK64
        self._mt = Mt19937_64(z ^ (z >> 31))

    def uniform01(self):
        return ((self._mt.next() >> 11) + 0.5) * (1.0 / 9007199254740992.0)

    def uniform_int(self, n):
        return int(self.uniform01() * n) % n


def engine_lime_samples(seed, prompt, response, num_samples):
    """The perturbation rows densify's LIME draws for this sequence (row 0 unperturbed)."""
    rng = EngineRandom(seed, prompt, response)
    m = len(response)
    data = np.ones((num_samples, m), dtype=np.uint8)
    for i in range(1, num_samples):
        k = 1 + rng.uniform_int(m)
        order = list(range(m))
        for j in range(k):  # partial Fisher-Yates, as the engine's choose_positions
            r = j + rng.uniform_int(m - j)
            order[j], order[r] = order[r], order[j]
            data[i, order[j]] = 0
    return data
