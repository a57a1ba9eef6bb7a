#!/usr/bin/env python3
"""densify vs PyTorch eager, side by side (the driver behind benchmarks/compare).

Standard library only. It builds what it needs, writes seeded checkpoints (with the densify
CLI) and inputs, starts one long-lived worker per side (dev.densify.bench.Worker and
benchmarks/python/worker.py, JSON lines on stdin/stdout), checks that both sides compute the
same numbers, then times every workload interleaved (densify, PyTorch, densify, PyTorch, ...
after a warm-up), measures the float32 matrix-multiply peak, and writes
benchmarks/results/latest.json and latest.md. See benchmarks/README.md.
"""

import argparse
import datetime
import hashlib
import json
import math
import os
import platform
import queue
import random
import shutil
import statistics
import subprocess
import sys
import threading
import time

import compare_ppo

HERE = os.path.dirname(os.path.abspath(__file__))
BENCH = os.path.dirname(HERE)
ROOT = os.path.dirname(BENCH)
RESULTS = os.path.join(BENCH, "results")
WORK = os.path.join(RESULTS, "work")
BENCH_JAR = os.path.join(BENCH, "target", "benchmarks.jar")
VERSION = "0.1.0-SNAPSHOT"

# The model every workload uses (a policy and a reward model of the same shape).
MODEL = {"model_type": "gpt2", "vocab_size": 512, "n_positions": 128, "n_embd": 128, "n_layer": 4,
         "n_head": 4, "layer_norm_epsilon": 1e-5}
REWARD_SEED = 1234
POLICY_SEED = 1235
INPUT_SEED = 42
SAMPLER_SEED = 7

SCORE_BATCH, SCORE_LEN = 256, 48
GEN_BATCH, GEN_PROMPT, GEN_NEW = 16, 16, 32
TOLERANCE = 1e-4

# Attribution workloads (reward model): prompt and response ids uniform in [1, vocab), so the
# baseline token 0 never occurs in a response and every removal changes the sequence. --quick
# attributes the first 4 of the 16 sequences (same shapes, fewer forwards).
ATTR_PROMPT, ATTR_RESPONSE, ATTR_SAMPLES = 16, 32, 256
ATTR_SEQUENCES = {"quick": 4, "full": 16}
ATTR_SEED = 0
BASELINE_TOKEN = 0
PERTURBATIONS_PER_EVAL = 256  # baseline batch size: one forward per explained sequence at 256 samples
# Agreement-only sequences, (prompt, response) lengths; SHAP is exact at 2^8 - 2 = 254 samples.
SHAP_CHECK = ((4, 8), (0, 6), (9, 3), (2, 1), (16, 7))
SHAP_CHECK_SAMPLES = 254
LIME_CHECK = ((4, 6), (9, 6), (0, 6))
LIME_CHECK_SAMPLES, LIME_CHECK_SEED = 4000, 0
LIME_RELATIVE_TOLERANCE = 0.05  # of max |value|, independent sampling at 4000 samples (README)
LIME_MIN_PEARSON = 0.95
# KernelSHAP error against exact Shapley values as the budget grows ("shap_to_error").
ERROR_PROMPT, ERROR_RESPONSE = 4, 12
ERROR_EXACT_SAMPLES = 2 ** ERROR_RESPONSE - 2
ERROR_SEQUENCES = {"quick": 4, "full": 8}
ERROR_SEEDS = {"quick": 6, "full": 20}
ERROR_CROSS_CHECKED = {"quick": 1, "full": 2}  # sequences whose exact values PyTorch recomputes
ERROR_LADDER = (8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512, 768, 1024, 1536, 2048, 3072,
                ERROR_EXACT_SAMPLES)
ERROR_TARGET = 0.1
# The GPT-2 vocabulary pair: a reward model with GPT-2's vocabulary (50,257 ids) and context, 4 layers
# of width 256 with GPT-2's head size (64), its own checkpoint (same seed). Both workloads use the same
# 16 sequences of 16 prompt + 64 response tokens; --quick attributes the first 2 (a PyTorch call over
# 4 took 12 s on 2 cores).
VOCAB_MODEL = dict(MODEL, vocab_size=50257, n_positions=1024, n_embd=256, n_head=4)
VOCAB_PROMPT, VOCAB_RESPONSE = 16, 64
VOCAB_SEQUENCES = {"quick": 2, "full": 16}
VOCAB_WORKLOADS = ("gpt2_vocab_score", "gpt2_vocab_shap")

WORKLOADS = ("score", "generate_cache", "generate_nocache", "shap", "lime", "attention",
             "shap_to_error") + compare_ppo.WORKLOADS + VOCAB_WORKLOADS
ATTRIBUTION = ("shap", "lime", "attention", "shap_to_error", "gpt2_vocab_shap")
# What a workload runs as in the workers (the rest run as themselves): another budget, model or inputs.
WORKER_WORKLOAD = {"shap_to_error": "shap", "gpt2_vocab_score": "score", "gpt2_vocab_shap": "shap"}


# --size: the model and the timed shapes. "default" is the table above. "gpt2-small" is GPT-2
# small (12 layers, width 768, 12 heads, 50,257 ids; random weights, the same checkpoint on both
# sides) at an RLHF step's shapes: 64 prompts of 64 tokens and 128 new tokens; scores of 64 rows of
# 64 + 128 tokens; SHAP and LIME at S = 256 over 128 response tokens after a 64-token prompt (the
# first --attr-sequences of 64). "tiny" is the same proportions on the default model, for a dry
# run on a CPU.
SIZES = {
    "default": None,
    "gpt2-small": {"model": dict(MODEL, vocab_size=50257, n_positions=1024, n_embd=768, n_layer=12, n_head=12),
                   "score": (64, 192), "generate": (64, 64, 128), "attribution": (64, 128, 256, 64),
                   "logits": (2, 8)},
    "tiny": {"model": dict(MODEL), "score": (16, 48), "generate": (8, 8, 16), "attribution": (8, 16, 256, 8),
             "logits": (2, 8)},
}


def apply_size(name, attr_sequences=None):
    """Sets the module's model and shapes to the --size profile (before any input is written)."""
    global SCORE_BATCH, SCORE_LEN, GEN_BATCH, GEN_PROMPT, GEN_NEW, ATTR_PROMPT, ATTR_RESPONSE, ATTR_SAMPLES
    global LOGITS_CHECKED
    size = SIZES[name]
    if size is not None:
        MODEL.clear()
        MODEL.update(size["model"])  # in place: make_checkpoints and the FLOP counts hold this dict
        SCORE_BATCH, SCORE_LEN = size["score"]
        GEN_BATCH, GEN_PROMPT, GEN_NEW = size["generate"]
        ATTR_PROMPT, ATTR_RESPONSE, ATTR_SAMPLES, full = size["attribution"]
        ATTR_SEQUENCES["full"] = full
        ATTR_SEQUENCES["quick"] = min(ATTR_SEQUENCES["quick"], full)
        LOGITS_CHECKED = size.get("logits")
    if attr_sequences is not None:
        ATTR_SEQUENCES["full"] = ATTR_SEQUENCES["quick"] = attr_sequences


# "java" (dev.densify.bench.Worker over the engine's Java API) or "python" (densify_worker.py over
# the C ABI through ctypes, for machines with no JDK, such as the lent GPU machines; it needs
# DENSIFY_LIBRARY and creates the checkpoints itself, as `densify init-model` would).
DENSIFY_WORKER = "java"
# (rows, last positions) of the greedy sequences whose logits generation's agreement compares; None:
# all (a 50,257-id vocabulary makes them gigabytes of JSON).
LOGITS_CHECKED = None


def worker_workload(w):
    return WORKER_WORKLOAD.get(w, w)


class CompareError(Exception):
    pass


def say(msg):
    print(f"compare: {msg}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------
# Tools: JDK, Maven, the baseline's Python


def java_release(java):
    try:
        out = subprocess.run([java, "-XshowSettings:properties", "-version"], capture_output=True, text=True,
                             timeout=60).stderr
    except (OSError, subprocess.TimeoutExpired):
        return None
    for line in out.splitlines():
        line = line.strip()
        if line.startswith("java.specification.version = "):
            try:
                return int(line.split("=", 1)[1].strip().split(".")[0])
            except ValueError:
                return None
    return None


def find_jdk():
    """JAVA_HOME, then javac on PATH, then /usr/lib/jvm/*: the first of release 22 or newer."""
    candidates = []
    if os.environ.get("JAVA_HOME"):
        candidates.append(os.environ["JAVA_HOME"])
    javac = shutil.which("javac")
    if javac:
        candidates.append(os.path.dirname(os.path.dirname(os.path.realpath(javac))))
    if os.path.isdir("/usr/lib/jvm"):
        candidates += sorted(os.path.join("/usr/lib/jvm", d) for d in os.listdir("/usr/lib/jvm"))
    for home in candidates:
        java = os.path.join(home, "bin", "java")
        if os.access(java, os.X_OK) and (java_release(java) or 0) >= 22:
            return home
    raise CompareError("no JDK 22+ found (looked at JAVA_HOME, javac on PATH, /usr/lib/jvm); set JAVA_HOME")


def python_has_torch(python):
    try:
        r = subprocess.run([python, "-c", "import torch"], capture_output=True, timeout=120)
        return r.returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def find_baseline_python(explicit):
    if explicit:
        if not python_has_torch(explicit):
            raise CompareError(f"--python {explicit}: cannot import torch with it")
        return explicit
    candidates = [os.environ.get("DENSIFY_BASELINE_PYTHON"), "/usr/bin/python3", shutil.which("python3"),
                  sys.executable]
    for c in candidates:
        if c and python_has_torch(c):
            return c
    raise CompareError("no Python with PyTorch found (tried DENSIFY_BASELINE_PYTHON, /usr/bin/python3, python3); "
                       "on Debian: apt-get install python3-torch, or pass --python")


# ---------------------------------------------------------------------------------------------
# Building


def newest_mtime(paths):
    newest = 0.0
    for p in paths:
        if os.path.isfile(p):
            newest = max(newest, os.path.getmtime(p))
        elif os.path.isdir(p):
            for d, _, files in os.walk(p):
                for f in files:
                    newest = max(newest, os.path.getmtime(os.path.join(d, f)))
    return newest


def m2_repository():
    """Maven's local repository: -Dmaven.repo.local in MAVEN_OPTS (as Maven reads it), else ~/.m2/repository."""
    for opt in os.environ.get("MAVEN_OPTS", "").split():
        if opt.startswith("-Dmaven.repo.local="):
            return os.path.expanduser(opt.split("=", 1)[1])
    return os.path.join(os.path.expanduser("~"), ".m2", "repository")


def installed_engine_jar():
    return os.path.join(m2_repository(), "dev", "densify", "densify", VERSION, f"densify-{VERSION}.jar")


def run_build(cmd, cwd, env, what):
    say(f"building {what}: {' '.join(cmd)}")
    r = subprocess.run(cmd, cwd=cwd, env=env)
    if r.returncode != 0:
        raise CompareError(f"building {what} failed (exit {r.returncode}): {' '.join(cmd)} in {cwd}")


def build(env, mvn_args):
    if not shutil.which("mvn"):
        raise CompareError("mvn not found: install Maven, or build elsewhere and pass --no-build")
    engine_sources = [os.path.join(ROOT, p) for p in
                      ("pom.xml", "src/main", "bindings", "native/src", "native/include", "native/cuda",
                       "native/CMakeLists.txt", "cmake")]
    installed = installed_engine_jar()
    if not os.path.isfile(installed) or newest_mtime(engine_sources) > os.path.getmtime(installed) or mvn_args:
        run_build(["mvn", "-q", "-B", "-DskipTests", *mvn_args, "install"], ROOT, env, "the engine (root project)")
    else:
        say("engine up to date")
    bench_sources = [os.path.join(BENCH, "pom.xml"), os.path.join(BENCH, "src")]
    if (not os.path.isfile(BENCH_JAR) or newest_mtime(bench_sources) > os.path.getmtime(BENCH_JAR)
            or os.path.getmtime(installed) > os.path.getmtime(BENCH_JAR)):
        run_build(["mvn", "-q", "-B", "-f", os.path.join(BENCH, "pom.xml"), "package"], ROOT, env,
                  "the benchmarks jar")
    else:
        say("benchmarks jar up to date")


BUILT_LIBRARY = os.path.join(ROOT, "target", "classes", "dev", "densify", "native", "linux-x86_64", "libdensify.so")


def sha256_of(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def check_engine(loaded, env):
    """The densify worker must run the engine built from this tree (the copy bundled in the benchmarks
    jar), unless a library was named on purpose (DENSIFY_LIBRARY or -Ddensify.library)."""
    named = env.get("DENSIFY_LIBRARY") or "densify.library" in env.get("JAVA_TOOL_OPTIONS", "")
    if named or not loaded or not os.path.isfile(BUILT_LIBRARY):
        return
    if not os.path.isfile(loaded) or sha256_of(loaded) != sha256_of(BUILT_LIBRARY):
        raise CompareError(f"the densify worker loaded {loaded}, which is not the engine built at {BUILT_LIBRARY}: "
                           f"rebuild (drop --no-build) or name a library with DENSIFY_LIBRARY")


def check_blas(d_info, p_info, allowed, notes):
    """Timings on the reference BLAS describe nothing a user should run: refuse unless told otherwise."""
    reference = [f"{side} ({info.get('blas', {}).get('path') or '?'})" for side, info in
                 (("densify", d_info), ("pytorch", p_info)) if info.get("blas", {}).get("reference")]
    if not reference:
        return
    if not allowed:
        raise CompareError("the reference BLAS is loaded by " + " and ".join(reference) + "; install OpenBLAS "
                           "(apt-get install libopenblas0-pthread) or pass --allow-reference-blas")
    notes.append("timed on the reference BLAS (--allow-reference-blas): " + " and ".join(reference))


# ---------------------------------------------------------------------------------------------
# Checkpoints and inputs


def cli_command(env):
    """The densify CLI: the repository's launcher, or its shaded jar when the launcher cannot run it."""
    launcher_jar = os.path.join(ROOT, "target", "densify-cli.jar")
    if os.path.isfile(launcher_jar):
        return [os.path.join(ROOT, "densify")], None
    shaded = sorted(f for f in os.listdir(os.path.join(ROOT, "target"))
                    if f.startswith("densify") and f.endswith("-cli.jar")) if os.path.isdir(
        os.path.join(ROOT, "target")) else []
    if not shaded:
        return [os.path.join(ROOT, "densify")], None
    java = os.path.join(env["JAVA_HOME"], "bin", "java")
    note = (f"./densify expects target/densify-cli.jar, but the build wrote target/{shaded[-1]}: "
            f"ran that jar directly")
    return [java, "--enable-native-access=ALL-UNNAMED", "-jar", os.path.join(ROOT, "target", shaded[-1])], note


def make_checkpoints(env, allow_create, notes, model=MODEL, seeds=(("reward", REWARD_SEED), ("policy", POLICY_SEED)),
                     prefix=""):
    """Checkpoints of the given kinds and seeds for model, under WORK with file names starting with prefix
    (created with the densify CLI unless up to date); returns {kind: path}."""
    os.makedirs(WORK, exist_ok=True)
    config_path = os.path.join(WORK, f"{prefix}model-config.json")
    with open(config_path, "w") as f:
        json.dump(model, f, indent=1)
    stamp_path = os.path.join(WORK, f"{prefix}checkpoints.json")
    engine = installed_engine_jar()
    stamp = {"model": model, **{f"{kind}_seed": seed for kind, seed in seeds},
             "engine_mtime": os.path.getmtime(engine) if os.path.isfile(engine) else None}
    paths = {kind: os.path.join(WORK, f"{prefix}{kind}.safetensors") for kind, _ in seeds}
    try:
        with open(stamp_path) as f:
            old = json.load(f)
    except (OSError, ValueError):
        old = None
    fresh = all(os.path.isfile(p) for p in paths.values())
    if fresh and (old == stamp or not allow_create):
        say("checkpoints up to date" + (f" ({prefix}*)" if prefix else ""))
        return paths
    if not allow_create:
        raise CompareError(f"--no-build: checkpoints missing under {WORK}")
    if DENSIFY_WORKER == "python":
        from densify_ctypes import Library
        library = Library()
        for kind, seed in seeds:
            say("creating " + os.path.relpath(paths[kind], ROOT) + " (ctypes)")
            library.create_checkpoint(kind, model, seed, paths[kind])
        with open(stamp_path, "w") as f:
            json.dump(stamp, f)
        return paths
    cli, note = cli_command(env)
    if note:
        say("note: " + note)
        notes.append(note)
    for kind, seed in seeds:
        cmd = cli + ["init-model", "--kind", kind, "--config", config_path, "--out", paths[kind], "--seed", str(seed)]
        say("creating " + os.path.relpath(paths[kind], ROOT))
        r = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
        if r.returncode != 0:
            raise CompareError(f"densify init-model failed (exit {r.returncode}): {' '.join(cmd)}\n"
                               f"{r.stdout}{r.stderr}")
    with open(stamp_path, "w") as f:
        json.dump(stamp, f)
    return paths


def make_inputs(mode):
    """Seeded inputs. Timed batches have no padding; the 'check' parts (agreement only) are ragged."""
    rng = random.Random(INPUT_SEED)
    vocab = MODEL["vocab_size"]

    def row(n):
        return [rng.randrange(vocab) for _ in range(n)]

    score = score_inputs([row(SCORE_LEN) for _ in range(SCORE_BATCH)], row)
    generate = {"prompts": [row(GEN_PROMPT) for _ in range(GEN_BATCH)], "max_new_tokens": GEN_NEW,
                "temperature": 1.0, "seed": SAMPLER_SEED,
                "check": {"prompts": [row(n) for n in (16, 11, 7, 3, 1, 13)]}}
    if LOGITS_CHECKED:
        generate["logits_rows"], generate["logits_positions"] = LOGITS_CHECKED
    paths = {"score": os.path.join(WORK, "inputs-score.json"), "generate": os.path.join(WORK, "inputs-generate.json")}
    for key, value in (("score", score), ("generate", generate)):
        with open(paths[key], "w") as f:
            json.dump(value, f)
    for key, value in {**attribution_inputs(mode), **vocab_inputs(mode)}.items():
        paths[key] = os.path.join(WORK, f"inputs-{key}.json")
        with open(paths[key], "w") as f:
            json.dump(value, f)
    return paths


def score_inputs(ids, row):
    """A scoring workload's inputs: the timed rows (unpadded, one batch) and a ragged check batch of
    right- and left-padded rows drawn with row(n), padded to the timed length."""
    length = len(ids[0])
    check_ids, check_mask = [], []
    for n, left in ((48, False), (30, False), (17, False), (5, False), (40, True), (23, True), (9, True), (1, True)):
        r = row(n)
        pad = length - n
        if left:
            check_ids.append([0] * pad + r)
            check_mask.append([0] * pad + [1] * n)
        else:
            check_ids.append(r + [0] * pad)
            check_mask.append([1] * n + [0] * pad)
    return {"ids": ids, "mask": [[1] * length for _ in ids], "batch_size": len(ids),
            "check": {"ids": check_ids, "mask": check_mask}}


def sequences(name, shapes, vocab=None):
    """Seeded (prompt, response) id lists of the given lengths, ids uniform in [1, vocab) (the model's
    vocabulary unless given)."""
    vocab = MODEL["vocab_size"] if vocab is None else vocab
    rng = random.Random(f"{INPUT_SEED}-{name}")
    rows = [([rng.randrange(1, vocab) for _ in range(p)], [rng.randrange(1, vocab) for _ in range(m)]) for p, m in shapes]
    return {"prompts": [p for p, _ in rows], "responses": [r for _, r in rows]}


def attribution_inputs(mode):
    """Inputs of shap, lime, attention and shap_to_error; quick mode takes a prefix of the full sequences."""
    timed = sequences("attribution", [(ATTR_PROMPT, ATTR_RESPONSE)] * ATTR_SEQUENCES["full"])
    timed = {k: v[:ATTR_SEQUENCES[mode]] for k, v in timed.items()}
    common = dict(timed, samples=ATTR_SAMPLES, seed=ATTR_SEED, baseline_token=BASELINE_TOKEN,
                  perturbations_per_eval=PERTURBATIONS_PER_EVAL)
    shap_check = dict(sequences("shap-check", SHAP_CHECK), samples=SHAP_CHECK_SAMPLES, seed=ATTR_SEED)
    lime_check = dict(sequences("lime-check", LIME_CHECK), samples=LIME_CHECK_SAMPLES, seed=LIME_CHECK_SEED)
    error = sequences("shap-error", [(ERROR_PROMPT, ERROR_RESPONSE)] * ERROR_SEQUENCES["full"])
    error = {k: v[:ERROR_SEQUENCES[mode]] for k, v in error.items()}
    return {"shap": dict(common, check=shap_check),
            "lime": dict(common, check=lime_check),
            "attention": dict(common, check=sequences("shap-check", SHAP_CHECK)),
            "shap_to_error": dict(error, samples=ERROR_EXACT_SAMPLES, seed=ATTR_SEED, baseline_token=BASELINE_TOKEN,
                                  perturbations_per_eval=PERTURBATIONS_PER_EVAL)}


def vocab_inputs(mode):
    """Inputs of the GPT-2 vocabulary pair: scores of the 16 sequences (prompt + response), KernelSHAP of
    them (a prefix with --quick) with the shap workload's budget, seed and exact check shapes."""
    vocab = VOCAB_MODEL["vocab_size"]
    timed = sequences("gpt2-vocab", [(VOCAB_PROMPT, VOCAB_RESPONSE)] * VOCAB_SEQUENCES["full"], vocab)
    rng = random.Random(f"{INPUT_SEED}-gpt2-vocab-score-check")
    score = score_inputs([p + r for p, r in zip(timed["prompts"], timed["responses"])],
                         lambda n: [rng.randrange(vocab) for _ in range(n)])
    shap_check = dict(sequences("gpt2-vocab-shap-check", SHAP_CHECK, vocab), samples=SHAP_CHECK_SAMPLES,
                      seed=ATTR_SEED)
    shap = dict({k: v[:VOCAB_SEQUENCES[mode]] for k, v in timed.items()}, samples=ATTR_SAMPLES, seed=ATTR_SEED,
                baseline_token=BASELINE_TOKEN, perturbations_per_eval=PERTURBATIONS_PER_EVAL, check=shap_check)
    return {"gpt2_vocab_score": score, "gpt2_vocab_shap": shap}


# ---------------------------------------------------------------------------------------------
# Workers


class WorkerProcess:
    def __init__(self, name, cmd, env, log_path):
        self.name = name
        self.log_path = log_path
        self.log = open(log_path, "w")
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log,
                                     env=env, cwd=ROOT, text=True, bufsize=1)
        self.lines = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.put(line)
        self.lines.put(None)

    def log_tail(self, n=30):
        try:
            self.log.flush()
            with open(self.log_path) as f:
                return "".join(f.readlines()[-n:])
        except OSError:
            return ""

    def request(self, payload, timeout=600):
        op = payload.get("op")
        try:
            self.proc.stdin.write(json.dumps(payload) + "\n")
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            raise CompareError(f"{self.name} worker is gone (exit {self.proc.poll()}); its log "
                               f"{self.log_path} ends with:\n{self.log_tail()}")
        try:
            line = self.lines.get(timeout=timeout)
        except queue.Empty:
            raise CompareError(f"{self.name} worker did not answer '{op}' within {timeout} s")
        if line is None:
            self.proc.wait(timeout=10)
            raise CompareError(f"{self.name} worker exited (code {self.proc.returncode}) during '{op}'; its log "
                               f"{self.log_path} ends with:\n{self.log_tail()}")
        try:
            reply = json.loads(line)
        except ValueError:
            raise CompareError(f"{self.name} worker answered '{op}' with non-JSON: {line[:200]!r}")
        if not reply.get("ok"):
            raise CompareError(f"{self.name} worker failed '{op}': {reply.get('error')}")
        return reply

    def close(self):
        if self.proc.poll() is None:
            try:
                self.request({"op": "quit"}, timeout=30)
            except CompareError:
                pass
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


# ---------------------------------------------------------------------------------------------
# Agreement


def max_abs_diff(a, b, what):
    """a, b: equally shaped nested lists of numbers. Returns (max |a - b|, index path of it)."""
    worst = (0.0, None)

    def walk(x, y, path):
        nonlocal worst
        if isinstance(x, list) or isinstance(y, list):
            if not (isinstance(x, list) and isinstance(y, list)) or len(x) != len(y):
                raise CompareError(f"AGREEMENT FAILED: {what}: shapes differ at {path} "
                                   f"(densify {len(x) if isinstance(x, list) else 'scalar'}, "
                                   f"pytorch {len(y) if isinstance(y, list) else 'scalar'})")
            for i, (u, v) in enumerate(zip(x, y)):
                walk(u, v, path + [i])
            return
        d = abs(float(x) - float(y))
        if d != d:  # NaN
            d = float("inf")
        if d > worst[0] or worst[1] is None:
            worst = (d, path)

    walk(a, b, [])
    return worst


def at(nested, path):
    for i in path:
        nested = nested[i]
    return nested


def check_agreement(workload, ours, theirs):
    """Raises CompareError with a clear message when the sides disagree; returns the worst differences."""
    if workload in compare_ppo.WORKLOADS:
        return compare_ppo.check_agreement(workload, ours, theirs, _close, _fail)
    failures = []
    report = {}
    if worker_workload(workload) == "score":
        numeric = ("scores", "check_scores")
        exact = ()
    else:
        numeric = ("logprobs", "logits", "check_logprobs")
        exact = ("ids", "check_ids")
    for key in exact:
        if ours.get(key) != theirs.get(key):
            a, b = ours.get(key) or [], theirs.get(key) or []
            where = next(((r, t) for r in range(min(len(a), len(b)))
                          for t in range(min(len(a[r]), len(b[r]))) if a[r][t] != b[r][t]), None)
            detail = (f"first difference at row {where[0]}, step {where[1]}: densify {a[where[0]][where[1]]}, "
                      f"pytorch {b[where[0]][where[1]]}") if where else "lengths differ"
            failures.append(f"greedy token ids ({key}) differ: {detail}")
            report[key] = "DIFFER"
        else:
            report[key] = "identical"
    for key in numeric:
        if key not in ours or key not in theirs:
            failures.append(f"{key} missing (densify has it: {key in ours}, pytorch has it: {key in theirs})")
            continue
        worst, path = max_abs_diff(ours[key], theirs[key], f"{workload}.{key}")
        report[key] = worst
        if not worst <= TOLERANCE:
            where = f"index {path}"
            if key == "logits" and path is not None and len(path) == 2:  # rows are flattened [position, vocab]
                vocab = MODEL["vocab_size"]
                where = f"row {path[0]}, position {path[1] // vocab}, token {path[1] % vocab}"
            failures.append(f"{key}: max |densify - pytorch| = {worst:.3e} > {TOLERANCE:g} at {where} "
                            f"(densify {at(ours[key], path)!r}, pytorch {at(theirs[key], path)!r})")
    if failures:
        raise CompareError(f"AGREEMENT FAILED for workload '{workload}': the two sides do not compute the same "
                           f"numbers, so no timing is reported.\n  - " + "\n  - ".join(failures))
    return report


def _fail(workload, failures):
    raise CompareError(f"AGREEMENT FAILED for workload '{workload}': the two sides do not compute the same "
                       f"numbers, so no timing is reported.\n  - " + "\n  - ".join(failures))


def _close(report, failures, key, a, b, what, tolerance=TOLERANCE):
    """Records max |a - b| under key and a failure when it exceeds the tolerance."""
    worst, path = max_abs_diff(a, b, what)
    report[key] = worst
    if not worst <= tolerance:
        failures.append(f"{what}: max |densify - pytorch| = {worst:.3e} > {tolerance:g} at index {path} "
                        f"(densify {at(a, path)!r}, pytorch {at(b, path)!r})")


def efficiency_gap(out):
    """max over sequences of |sum(values) - (f(x) - f(baseline))|."""
    return max(abs(sum(v) - (f - b)) for v, f, b in zip(out["values"], out["full"], out["baseline"]))


def pearson(a, b):
    ma, mb = statistics.fmean(a), statistics.fmean(b)
    cov = sum((x - ma) * (y - mb) for x, y in zip(a, b))
    va = sum((x - ma) ** 2 for x in a)
    vb = sum((y - mb) ** 2 for y in b)
    return cov / math.sqrt(va * vb) if va > 0 and vb > 0 else float("nan")


def check_attribution(workload, ours, theirs):
    """Agreement of shap, lime and attention (see README.md); returns the worst differences."""
    failures, report = [], {}
    for key in ("values", "full", "baseline", "check_values", "check_full", "check_baseline"):
        if key not in ours or key not in theirs or theirs[key] is None:
            failures.append(f"{key} missing (densify has it: {key in ours}, pytorch has it: "
                            f"{theirs.get(key) is not None})")
    if failures:
        _fail(workload, failures)
    # f(x) and f(baseline) are plain scores: the same on both sides for every method.
    for key in ("full", "baseline", "check_full", "check_baseline"):
        _close(report, failures, key, ours[key], theirs[key], f"{workload}.{key}")
    if workload == "attention":
        _close(report, failures, "values", ours["values"], theirs["values"], "attention.values")
        _close(report, failures, "check_values", ours["check_values"], theirs["check_values"], "attention.check_values")
    elif worker_workload(workload) == "shap":
        # Exact Shapley values on the check sequences (2^M - 2 <= samples); efficiency in the sampled mode.
        _close(report, failures, "exact_values", ours["check_values"], theirs["check_values"],
               f"{workload}.check_values (exact)")
        for side, out in (("densify", ours), ("pytorch", theirs)):
            gap = efficiency_gap(out)
            report[f"efficiency_{side}"] = gap
            if not gap <= TOLERANCE:
                failures.append(f"{side}: sum of SHAP values differs from f(x) - f(baseline) by {gap:.3e} at "
                                f"{ATTR_SAMPLES} samples (efficiency)")
    else:
        check_lime(ours, theirs, report, failures)
    if failures:
        _fail(workload, failures)
    return report


def check_lime(ours, theirs, report, failures):
    """LIME: the same rows give the same values; independent draws agree statistically."""
    _close(report, failures, "shared_rows_values", ours["check_values"], theirs["check_shared_values"],
           "lime.check_values on densify's perturbation rows")
    worst_ratio, worst_r = 0.0, 1.0
    for i, (a, b) in enumerate(zip(ours["check_values"], theirs["check_values"])):
        scale = max(abs(v) for v in a + b)
        diff = max(abs(x - y) for x, y in zip(a, b))
        r = pearson(a, b)
        worst_ratio, worst_r = max(worst_ratio, diff / scale), min(worst_r, r)
        if not diff <= LIME_RELATIVE_TOLERANCE * scale:
            failures.append(f"lime check sequence {i}: independent draws at {LIME_CHECK_SAMPLES} samples differ by "
                            f"{diff:.3e} > {LIME_RELATIVE_TOLERANCE:g} x max |value| ({scale:.3e})")
        if not r >= LIME_MIN_PEARSON:
            failures.append(f"lime check sequence {i}: Pearson correlation of independent draws {r:.4f} "
                            f"< {LIME_MIN_PEARSON}")
    report["independent_max_diff_over_max_value"] = worst_ratio
    report["independent_min_pearson"] = worst_r
    # The sampling noise for scale: PyTorch's values at the next seed, normalised the same way.
    spread = theirs.get("check_seed_spread") or []
    ratios = [d / max(abs(v) for v in row) for d, row in zip(spread, theirs["check_values"])]
    report["pytorch_two_seeds_max_diff_over_max_value"] = max(ratios) if ratios else float("nan")
    gap = theirs.get("check_sklearn_ridge_gap")
    report["ridge_vs_sklearn"] = gap if gap is not None else "sklearn not importable"
    if gap is not None and not gap <= 1e-8:
        failures.append(f"pytorch side: its ridge() differs from sklearn's Ridge by {gap:.3e}")


# ---------------------------------------------------------------------------------------------
# FLOPs (forward, useful work; see README.md)


def trunk_flops(tokens, model=MODEL):
    """Matrix products of the transformer blocks: 2 FLOPs per weight per token, 12 E^2 weights per layer."""
    return 2 * 12 * model["n_embd"] ** 2 * model["n_layer"] * tokens


def attention_flops(queries, keys, model=MODEL):
    """Q K^T and attention x V: 2 products of 2 * queries * keys * E FLOPs per layer."""
    return 2 * 2 * queries * keys * model["n_embd"] * model["n_layer"]


def forward_flops(tokens, model=MODEL):
    """One reward-model forward of a sequence: the blocks, full-square attention, the score at one position
    (the vocabulary enters only through embedding look-ups, not counted)."""
    return trunk_flops(tokens, model) + attention_flops(tokens, tokens, model) + 2 * model["n_embd"]


def score_flops():
    return SCORE_BATCH * forward_flops(SCORE_LEN)


def attribution_flops(method, sequences, samples, tokens, model=MODEL):
    """Brute-force equivalent: every evaluation a full forward of prompt + response. KernelSHAP:
    the coalitions (at most 2^M - 2) plus f(x) and f(baseline); LIME: its samples (the first is
    the unperturbed sequence); attention: one forward."""
    evaluations = {"shap": samples + 2, "lime": samples, "attention": 1}[method]
    return sequences * evaluations * forward_flops(tokens, model)


def generate_flops():
    """The work of KV-cached decoding (the useful work, for both generation workloads)."""
    p, n = GEN_PROMPT, GEN_NEW
    per_row = trunk_flops(p) + attention_flops(p, p)  # prefill
    for s in range(1, n):  # n - 1 single-token steps; the last token is never fed back
        per_row += trunk_flops(1) + attention_flops(1, p + s)
    per_row += n * 2 * MODEL["n_embd"] * MODEL["vocab_size"]  # LM head, one position per new token
    return GEN_BATCH * per_row


def workload_info(mode):
    """What each workload is: unit, units per call, FLOPs per call (a function of the samples, which
    only shap_to_error varies), description."""
    n = ATTR_SEQUENCES[mode]
    t = ATTR_PROMPT + ATTR_RESPONSE
    shape = f"{n} sequences x ({ATTR_PROMPT} prompt + {ATTR_RESPONSE} response tokens)"
    e = ERROR_SEQUENCES[mode]
    info = {
        "score": {"unit": "seq/s", "units": SCORE_BATCH, "flops": lambda _: score_flops(),
                  "what": f"reward scores, batch {SCORE_BATCH} x {SCORE_LEN} tokens"},
        "generate_cache": {"unit": "tok/s", "units": GEN_BATCH * GEN_NEW, "flops": lambda _: generate_flops(),
                           "what": f"sampling with KV cache, {GEN_BATCH} prompts x {GEN_PROMPT} tokens, "
                                   f"{GEN_NEW} new tokens"},
        "generate_nocache": {"unit": "tok/s", "units": GEN_BATCH * GEN_NEW, "flops": lambda _: generate_flops(),
                             "what": f"sampling without KV cache, {GEN_BATCH} prompts x {GEN_PROMPT} tokens, "
                                     f"{GEN_NEW} new tokens"},
        "shap": {"unit": "seq/s", "units": n, "flops": lambda s: attribution_flops("shap", n, s, t),
                 "what": f"KernelSHAP, {shape}, {ATTR_SAMPLES} coalitions each"},
        "lime": {"unit": "seq/s", "units": n, "flops": lambda s: attribution_flops("lime", n, s, t),
                 "what": f"LIME, {shape}, {ATTR_SAMPLES} samples each"},
        "attention": {"unit": "seq/s", "units": n, "flops": lambda s: attribution_flops("attention", n, s, t),
                      "what": f"attention credit, {shape}"},
        "shap_to_error": {"unit": "seq/s", "units": e,
                          "flops": lambda s: attribution_flops("shap", e, s, ERROR_PROMPT + ERROR_RESPONSE),
                          "what": f"KernelSHAP at each side's smallest budget reaching the error target, {e} sequences "
                                  f"x ({ERROR_PROMPT} prompt + {ERROR_RESPONSE} response tokens)"},
    }
    info.update(compare_ppo.workload_info(MODEL, trunk_flops, attention_flops, generate_flops))
    b, v, vt = VOCAB_SEQUENCES["full"], VOCAB_SEQUENCES[mode], VOCAB_PROMPT + VOCAB_RESPONSE
    model = (f"GPT-2 vocabulary ({VOCAB_MODEL['vocab_size']:,} ids), {VOCAB_MODEL['n_layer']} layers of width "
             f"{VOCAB_MODEL['n_embd']}")
    info.update({
        "gpt2_vocab_score": {"unit": "seq/s", "units": b, "flops": lambda _: b * forward_flops(vt, VOCAB_MODEL),
                             "what": f"reward scores, {model}, batch {b} x {vt} tokens"},
        "gpt2_vocab_shap": {"unit": "seq/s", "units": v,
                            "flops": lambda s: attribution_flops("shap", v, s, vt, VOCAB_MODEL),
                            "what": f"KernelSHAP, {model}, {v} sequences x ({VOCAB_PROMPT} prompt + "
                                    f"{VOCAB_RESPONSE} response tokens), {ATTR_SAMPLES} coalitions each"},
    })
    return info


# ---------------------------------------------------------------------------------------------
# Machine description


class ForeignLoad:
    """CPU time that processes other than this driver and its workers used during the timing
    (Linux /proc; None elsewhere): a measure of how noisy the timings are."""

    def __init__(self, pids):
        self.pids = pids
        self.start = self._sample()

    @staticmethod
    def _busy_ticks():
        with open("/proc/stat") as f:
            fields = [int(x) for x in f.readline().split()[1:]]
        idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
        return sum(fields[:8]) - idle

    def _own_ticks(self):
        total = 0
        for pid in self.pids:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += sum(int(x) for x in fields[11:15])  # utime stime cutime cstime
        t = os.times()
        return total + (t.user + t.system) * os.sysconf("SC_CLK_TCK")

    def _sample(self):
        try:
            return time.monotonic(), self._busy_ticks(), self._own_ticks()
        except (OSError, ValueError, IndexError):
            return None

    def snapshot(self):
        return self._sample()

    @staticmethod
    def between(a, b):
        """Foreign CPU between two snapshots: {wall_s, foreign_cpu_s, foreign_share} or None."""
        if a is None or b is None:
            return None
        hz = os.sysconf("SC_CLK_TCK")
        wall = b[0] - a[0]
        foreign = max(0.0, ((b[1] - a[1]) - (b[2] - a[2])) / hz)
        return {"wall_s": wall, "foreign_cpu_s": foreign,
                "foreign_share": foreign / (wall * (os.cpu_count() or 1)) if wall > 0 else 0.0}

    def result(self):
        return self.between(self.start, self._sample())


def disturbed(load):
    """Whether other processes used more than 10% of the machine (and at least 2 clock ticks) during a call."""
    return load is not None and load["foreign_share"] > 0.10 and load["foreign_cpu_s"] >= 2.0 / os.sysconf(
        "SC_CLK_TCK")


def cpu_description():
    info = {"model_name": platform.processor() or "unknown", "cpus": os.cpu_count()}
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, timeout=30).stdout
        fields = {}
        for line in out.splitlines():
            if ":" in line:
                k, v = line.split(":", 1)
                fields[k.strip()] = v.strip()
        info["model_name"] = fields.get("Model name", info["model_name"])
        info["cpus"] = int(fields.get("CPU(s)", info["cpus"]))
        cores = int(fields.get("Core(s) per socket", 0)) * int(fields.get("Socket(s)", 0))
        if cores:
            info["cores"] = cores
        if "Thread(s) per core" in fields:
            info["threads_per_core"] = int(fields["Thread(s) per core"])
    except (OSError, ValueError, subprocess.TimeoutExpired):
        pass
    return info


def git_description():
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                              timeout=30).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True,
                               timeout=30).stdout.strip() != ""
        return {"commit": head or None, "uncommitted_changes": dirty}
    except (OSError, subprocess.TimeoutExpired):
        return {"commit": None}


# ---------------------------------------------------------------------------------------------
# Reports


def fmt_number(v):
    """Differences in scientific notation; ratios and correlations (0.01 to 1000) with 4 digits."""
    if not isinstance(v, float):
        return str(v)
    return f"{v:.4g}" if 0.01 <= abs(v) < 1000 else f"{v:.2e}"


def fmt_ms(s):
    return f"{s * 1e3:.2f}"


def fmt_rate(x):
    return f"{x:,.0f}" if x >= 100 else f"{x:.2f}"


def fmt_share(share):
    pct = share * 100
    return f"{pct:.1f}%" if pct >= 1 else f"{pct:.3g}%"


def markdown_table(results):
    head = ("| Workload | Threads | densify median ms (min–max) | PyTorch median ms (min–max) | Ratio PyTorch/densify "
            "| densify | PyTorch | densify GFLOP/s (% of mm peak) | PyTorch GFLOP/s (% of mm peak) |")
    rule = "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
    rows = [head, rule]
    for r in results["workloads"]:
        d, p = r["densify"], r["pytorch"]
        rows.append(
            f"| {r['workload']} | {r['threads']} "
            f"| {fmt_ms(d['median_s'])} ({fmt_ms(d['min_s'])}–{fmt_ms(d['max_s'])}) "
            f"| {fmt_ms(p['median_s'])} ({fmt_ms(p['min_s'])}–{fmt_ms(p['max_s'])}) "
            f"| {r['ratio']:.3f} "
            f"| {fmt_rate(d['throughput'])} {r['unit']} | {fmt_rate(p['throughput'])} {r['unit']} "
            f"| {d['gflops']:.2f} ({fmt_share(d['peak_share'])}) | {p['gflops']:.2f} ({fmt_share(p['peak_share'])}) |")
    return "\n".join(rows)


def error_section(results):
    """Markdown: the error-versus-budget ladder and each side's time at its smallest sufficient budget."""
    study = results["shap_to_error"]
    target = study["target"]
    lines = [f"KernelSHAP to a mean relative error of {target:g} against exact Shapley values "
             f"({study['sequences']} sequences of {study['prompt']} prompt + {study['response']} response tokens; "
             f"error = mean over sequences of ||φ̂ − φ||₂ / ||φ||₂, averaged over {study['seeds']} seeds):",
             "", "| samples S | densify mean relative error | PyTorch mean relative error |", "|---:|---:|---:|"]
    for rung in study["rungs"]:
        lines.append(f"| {rung['samples']} | {rung['densify']['mean_error']:.4f} | {rung['pytorch']['mean_error']:.4f} |")
    row = next((r for r in results["workloads"] if r["workload"] == "shap_to_error"), None)
    found = study["smallest_samples"]
    lines.append("")
    if row is None:
        return "\n".join(lines)
    d, p = row["densify"], row["pytorch"]
    lines.append(f"Smallest S reaching ≤ {target:g}: densify {found.get('densify')}, PyTorch {found.get('pytorch')}; "
                 f"time to attribute all {study['sequences']} sequences there (median of {row['samples']}): "
                 f"densify {fmt_ms(d['median_s'])} ms, PyTorch {fmt_ms(p['median_s'])} ms; ratio PyTorch/densify "
                 f"{row['ratio']:.2f}.")
    return "\n".join(lines)


def write_reports(results):
    os.makedirs(RESULTS, exist_ok=True)
    with open(os.path.join(RESULTS, "latest.json"), "w") as f:
        json.dump(results, f, indent=2)
        f.write("\n")
    m = results["machine"]
    peak = results["peak"]
    dev = results["device"]
    lines = [
        "# densify vs PyTorch eager",
        "",
        f"Run {results['date']} with `{results['command']}` ({results['mode']}), "
        f"commit {results['git'].get('commit')}{' with uncommitted changes' if results['git'].get('uncommitted_changes') else ''}.",
        "",
        f"* Machine: {m['model_name']}, {m.get('cores', '?')} cores, {m['cpus']} CPUs"
        + (f"; GPU {results['gpu']}" if results.get("gpu") else "")
        + f"; device `{dev}`; {results['threads']} intra-op threads on both sides.",
        f"* densify {results['versions']['densify']} (libtorch {results['versions']['densify_torch']}, "
        f"{results['versions']['java']}); baseline PyTorch {results['versions']['pytorch']} "
        f"(Python {results['versions']['python']}, attention: {results['versions']['attention']}).",
        f"* float32 matrix-multiply peak (torch.mm {peak['n']}x{peak['n']}, best of {len(peak['gflops'])}): "
        f"{peak['best_gflops']:.2f} GFLOP/s (median {peak['median_gflops']:.2f}).",
        f"* Timed calls per side (after warm-up calls): "
        + ", ".join(f"{r['workload']} {r['samples']} ({r.get('warmup', results['warmup'])})" for r in results["workloads"])
        + f"; interleaved densify, PyTorch, densify, … one call at a time, {results['settle_s']} s apart; "
        f"ratio = PyTorch median / densify median (> 1: densify faster).",
    ]
    fl = results.get("foreign_cpu_during_timing")
    if fl is not None:
        lines.append(f"* Other processes used {fl['foreign_cpu_s']:.1f} CPU-seconds while the workloads were timed "
                     f"({fl['foreign_share'] * 100:.1f}% of the machine over {fl['wall_s']:.0f} s).")
    lines += [
        "",
        markdown_table(results),
        "",
        "Agreement (max |densify − PyTorch|, greedy decoding for generation; tolerance "
        f"{TOLERANCE:g}; efficiency_*: max |Σφ − (f(x) − f(baseline))| of each side; LIME's independent draws: "
        f"max difference ≤ {LIME_RELATIVE_TOLERANCE:g} × max |value| and Pearson ≥ {LIME_MIN_PEARSON}):",
        "",
    ]
    for w, rep in results["agreement"].items():
        parts = [f"{k} {fmt_number(v)}" for k, v in rep.items()]
        lines.append(f"* {w}: " + ", ".join(parts))
    if results.get("shap_to_error"):
        lines += ["", error_section(results), ""]
    if results.get("notes"):
        lines += ["", "Notes:", ""] + [f"* {n}" for n in results["notes"]]
    lines.append("")
    with open(os.path.join(RESULTS, "latest.md"), "w") as f:
        f.write("\n".join(lines))


# ---------------------------------------------------------------------------------------------


def relative_error(estimate, exact):
    """Mean over sequences of ||estimate - exact||_2 / ||exact||_2."""
    return statistics.fmean(math.dist(a, b) / math.hypot(*b) for a, b in zip(estimate, exact))


def shap_exact(densify, pytorch, mode):
    """Exact Shapley values of the shap_to_error sequences from densify (every coalition evaluated),
    cross-checked against PyTorch's textbook formula over all 2^M coalitions on the first few
    sequences. Part of the agreement check: returns (values, report, seconds of both computations)."""
    d = densify.request({"op": "attribute", "samples": ERROR_EXACT_SAMPLES, "seed": 0}, timeout=3600)
    k = ERROR_CROSS_CHECKED[mode]
    p = pytorch.request({"op": "attribute", "exact": True, "sequences": list(range(k))}, timeout=3600)
    report, failures = {}, []
    if any(e != 2 ** ERROR_RESPONSE for e in d["evaluations"]):
        failures.append(f"densify evaluated {d['evaluations']} coalitions at {ERROR_EXACT_SAMPLES} samples, "
                        f"not all {2 ** ERROR_RESPONSE}: the values are not exact")
    _close(report, failures, "exact_values", d["values"][:k], p["values"], "shap_to_error exact Shapley values")
    _close(report, failures, "full", d["full"][:k], p["full"], "shap_to_error.full")
    _close(report, failures, "baseline", d["baseline"][:k], p["baseline"], "shap_to_error.baseline")
    if failures:
        _fail("shap_to_error", failures)
    report["cross_checked_sequences"] = f"{k} of {len(d['values'])}"
    return d["values"], report, {"densify_all_sequences": d["seconds"], "pytorch_cross_checked": p["seconds"]}


def shap_error_ladder(densify, pytorch, exact, mode, target):
    """Each side's mean relative error at growing budgets (seeds 1..n, mean over seeds), until both
    reach the target. Returns (rungs, {side: smallest budget reaching it})."""
    rungs, found = [], {}
    for samples in ERROR_LADDER:
        rung = {"samples": samples}
        for name, worker in (("densify", densify), ("pytorch", pytorch)):
            errors, seconds = [], []
            for seed in range(1, ERROR_SEEDS[mode] + 1):
                out = worker.request({"op": "attribute", "samples": samples, "seed": seed}, timeout=3600)
                errors.append(relative_error(out["values"], exact))
                seconds.append(out["seconds"])
            rung[name] = {"mean_error": statistics.fmean(errors), "errors": errors, "seconds": seconds}
            if name not in found and rung[name]["mean_error"] <= target:
                found[name] = samples
        rungs.append(rung)
        say(f"shap_to_error: {samples} samples: mean relative error densify {rung['densify']['mean_error']:.4f}, "
            f"pytorch {rung['pytorch']['mean_error']:.4f}")
        if len(found) == 2:
            break
    return rungs, found


def summarize(seconds, units, flops, peak):
    med = statistics.median(seconds)
    return {"seconds": seconds, "median_s": med, "min_s": min(seconds), "max_s": max(seconds),
            "throughput": units / med, "gflops": flops / med / 1e9, "peak_share": flops / med / peak}


def main(argv=None):
    ap = argparse.ArgumentParser(prog="benchmarks/compare", description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="fewer repetitions (a few minutes on 2 cores)")
    ap.add_argument("--device", choices=("cpu", "cuda"), default="cpu")
    ap.add_argument("--threads", type=int, default=2, help="intra-op threads on both sides (default 2)")
    ap.add_argument("--warmup", type=int, help="warm-up calls per side and workload (default 2 quick, 3 full)")
    ap.add_argument("--samples", type=int,
                    help="timed calls per side and workload (default: enough for about 2 s (quick) or 10 s per side, "
                         "at least 5 (quick) or 21, at most 15 (quick) or 101; the slowest workloads 3 (quick) or 5)")
    ap.add_argument("--settle", type=float, default=0.3,
                    help="seconds to wait before each timed call, so the other side's idle threads stop spinning "
                         "(default 0.3)")
    ap.add_argument("--workloads", default=",".join(WORKLOADS), help="comma-separated subset of " + ",".join(WORKLOADS))
    ap.add_argument("--error-target", type=float, default=ERROR_TARGET,
                    help=f"shap_to_error: the mean relative error to reach (default {ERROR_TARGET})")
    ap.add_argument("--allow-reference-blas", action="store_true",
                    help="time even when a side runs on the reference BLAS (several times slower; recorded in the JSON)")
    ap.add_argument("--size", choices=tuple(SIZES), default="default",
                    help="model and shapes: default (the tables in the README), gpt2-small (GPT-2 small at an RLHF "
                         "step's shapes) or tiny (those proportions on the default model)")
    ap.add_argument("--attr-sequences", type=int,
                    help="attributed sequences of the shap, lime and attention workloads (default: the size's)")
    ap.add_argument("--results", help="directory for latest.json and latest.md (default benchmarks/results)")
    ap.add_argument("--densify-worker", choices=("auto", "java", "python"), default="auto",
                    help="the densify side: java (the engine's Java API; needs a JDK 22+ and Maven), python (the C ABI "
                         "through ctypes; needs DENSIFY_LIBRARY) or auto (java when a JDK is found, else python)")
    ap.add_argument("--python", help="interpreter for the PyTorch worker (default: one that imports torch)")
    ap.add_argument("--no-build", action="store_true",
                    help="use the built jars and existing checkpoints as they are (no Maven, no CLI)")
    ap.add_argument("--mvn-arg", action="append", default=[],
                    help="extra argument for the engine's Maven build, e.g. -Ddensify.cmake.args=-DDFY_CUDA=ON")
    args = ap.parse_args(argv)
    if args.threads < 1:
        ap.error("--threads must be >= 1")
    if args.attr_sequences is not None and args.attr_sequences < 1:
        ap.error("--attr-sequences must be >= 1")
    apply_size(args.size, args.attr_sequences)
    if args.results:
        global RESULTS
        RESULTS = os.path.abspath(args.results)
    workloads = [w.strip() for w in args.workloads.split(",") if w.strip()]
    for w in workloads:
        if w not in WORKLOADS:
            ap.error(f"unknown workload {w!r}")
    warmup = args.warmup if args.warmup is not None else (2 if args.quick else 3)
    samples = args.samples if args.samples is not None else (5 if args.quick else 21)
    max_samples = 15 if args.quick else 101
    target_s = 2.0 if args.quick else 10.0
    if samples < 1 or warmup < 0 or args.settle < 0:
        ap.error("--samples must be >= 1, --warmup >= 0 and --settle >= 0")
    if not args.error_target > 0:
        ap.error("--error-target must be > 0")
    mode = "quick" if args.quick else "full"
    # Calls that take seconds: fewer of them (at least 3 quick, 5 full; 1 warm-up quick, 2 full), so
    # that --quick stays within a few minutes on 2 cores.
    slow = {"shap": (3, 5), "lime": (3, 5), "generate_nocache": (3, 5), "ppo_update": (3, 5),
            "gpt2_vocab_shap": (3, 5)}

    def calls(w):
        """(warm-up calls, least timed calls) of a workload."""
        if w in slow:
            return (args.warmup if args.warmup is not None else (1 if args.quick else 2),
                    args.samples if args.samples is not None else slow[w][0 if args.quick else 1])
        return warmup, samples
    started = time.monotonic()
    notes = []
    load_before = os.getloadavg()

    global DENSIFY_WORKER
    jdk = None
    if args.densify_worker != "python":
        try:
            jdk = find_jdk()
        except CompareError:
            if args.densify_worker == "java":
                raise
    DENSIFY_WORKER = "java" if jdk else "python"
    if jdk:
        env = dict(os.environ, JAVA_HOME=jdk, PATH=os.path.join(jdk, "bin") + os.pathsep + os.environ.get("PATH", ""))
    else:
        env = dict(os.environ)
        if not env.get("DENSIFY_LIBRARY"):
            raise CompareError("no JDK: the Python densify worker needs DENSIFY_LIBRARY naming libdensify.so")
        say("no JDK: the densify side runs densify_worker.py (the C ABI through ctypes) on " + env["DENSIFY_LIBRARY"])
        notes.append("densify side: the Python ctypes worker (no JDK on this machine), not the Java API")
        if any(w in compare_ppo.WORKLOADS for w in workloads):
            raise CompareError("the Python densify worker has no PPO workloads: drop them from --workloads")
    python = find_baseline_python(args.python)
    if not jdk:
        pass
    elif not args.no_build:
        build(env, args.mvn_arg)
    elif not os.path.isfile(BENCH_JAR):
        raise CompareError(f"--no-build: {BENCH_JAR} is missing")
    checkpoints = make_checkpoints(env, not args.no_build, notes)
    if any(w in VOCAB_WORKLOADS for w in workloads):  # 64 MB: only when asked for
        checkpoints["gpt2_vocab_reward"] = make_checkpoints(env, not args.no_build, notes, VOCAB_MODEL,
                                                            (("reward", REWARD_SEED),), "gpt2-vocab-")["reward"]
    inputs = make_inputs(mode)
    inputs.update(compare_ppo.write_inputs(WORK, checkpoints, MODEL["vocab_size"]))
    info_of = workload_info(mode)
    build_done = time.monotonic()

    # Intra-op threads are set per setup request on both sides; OpenBLAS's own thread pool (the BLAS under
    # Debian's libtorch) reads its size once, at load, so both workers also get it from the environment.
    worker_env = dict(env, OPENBLAS_NUM_THREADS=str(args.threads))
    if jdk:
        command = [os.path.join(jdk, "bin", "java"), "--enable-native-access=ALL-UNNAMED", "-Xss4m", "-cp", BENCH_JAR,
                   "dev.densify.bench.Worker"]
    else:
        command = [sys.executable, "-u", os.path.join(HERE, "densify_worker.py")]
    densify = WorkerProcess("densify", command, worker_env, os.path.join(WORK, "densify-worker.log"))
    pytorch = WorkerProcess("pytorch", [python, "-u", os.path.join(HERE, "worker.py")], worker_env,
                            os.path.join(WORK, "pytorch-worker.log"))
    try:
        d_info = densify.request({"op": "info"}, timeout=300)
        p_info = pytorch.request({"op": "info"}, timeout=300)
        check_engine(d_info.get("library"), env)
        check_blas(d_info, p_info, args.allow_reference_blas, notes)
        if args.device == "cuda":
            if d_info.get("cuda_devices", 0) < 1:
                raise CompareError("--device cuda: the densify build sees no CUDA device "
                                   f"(cuda_compiled={d_info.get('cuda_compiled')}); build the CUDA variant "
                                   "(see README.md) or point DENSIFY_LIBRARY at a CUDA libdensify.so")
            if not p_info.get("cuda_available"):
                raise CompareError(f"--device cuda: PyTorch {p_info.get('torch')} at {python} sees no CUDA device")

        def setup(worker, workload, samples=None):
            kind = "reward" if worker_workload(workload) == "score" or workload in ATTRIBUTION else "policy"
            request = {"op": "setup", "workload": worker_workload(workload),
                       "checkpoint": checkpoints[("gpt2_vocab_" if workload in VOCAB_WORKLOADS else "") + kind],
                       "inputs": inputs[workload if workload in inputs else
                                        "score" if workload == "score" else "generate"],
                       "threads": args.threads, "device": args.device}
            if samples is not None:
                request["samples"] = samples
            worker.request(request, timeout=600)

        # 1. Agreement, before any timing; for shap_to_error the exact values and the error ladder.
        agreement = {}
        error_study = None
        phase_seconds = {}  # per workload: agreement (with shap_to_error's ladder) and timing, wall-clock
        for w in workloads:
            phase_start = time.monotonic()
            setup(densify, w)
            setup(pytorch, w)
            if w == "shap_to_error":
                exact, agreement[w], exact_seconds = shap_exact(densify, pytorch, mode)
                rungs, found = shap_error_ladder(densify, pytorch, exact, mode, args.error_target)
                error_study = {"target": args.error_target, "seeds": ERROR_SEEDS[mode], "rungs": rungs,
                               "smallest_samples": found, "sequences": ERROR_SEQUENCES[mode],
                               "prompt": ERROR_PROMPT, "response": ERROR_RESPONSE, "exact_values": exact,
                               "exact_seconds": exact_seconds}
            else:
                ours = densify.request({"op": "outputs"}, timeout=1800)["outputs"]
                theirs = pytorch.request({"op": "outputs"}, timeout=1800)["outputs"]
                check = check_attribution if w in ATTRIBUTION else check_agreement
                agreement[w] = check(w, ours, theirs)
            say(f"agreement {w}: " + ", ".join(f"{k} {fmt_number(v)}" for k, v in agreement[w].items()))
            phase_seconds[w] = {"agreement": time.monotonic() - phase_start}

        # 2. Matrix-multiply peak at the same thread count.
        mm_n = 4096 if args.device == "cuda" else 1024
        peak_reply = pytorch.request({"op": "peak", "n": mm_n, "reps": 10 if args.quick else 30,
                                      "threads": args.threads, "device": args.device})
        rates = peak_reply["flops_per_s"]
        peak = {"n": mm_n, "gflops": [r / 1e9 for r in rates], "best_gflops": max(rates) / 1e9,
                "median_gflops": statistics.median(rates) / 1e9, "threads": peak_reply["threads"]}
        say(f"mm peak: {peak['best_gflops']:.2f} GFLOP/s (torch.mm {mm_n}, {peak['threads']} threads)")

        # 3. Timing, interleaved.
        foreign = ForeignLoad([densify.proc.pid, pytorch.proc.pid])
        rows = []
        for w in workloads:
            if w == "shap_to_error" and len(error_study["smallest_samples"]) < 2:
                notes.append(f"shap_to_error: not timed, a side never reached the error target {args.error_target:g}")
                continue
            phase_start = time.monotonic()
            # shap_to_error: each side at its own smallest budget that reached the error target.
            budget = ({"densify": ATTR_SAMPLES, "pytorch": ATTR_SAMPLES} if w != "shap_to_error"
                      else error_study["smallest_samples"])
            setup(densify, w, budget["densify"] if w == "shap_to_error" else None)
            setup(pytorch, w, budget["pytorch"] if w == "shap_to_error" else None)
            w_warmup, w_samples = calls(w)
            threads_seen = (densify.request({"op": "info"})["threads"], pytorch.request({"op": "info"})["threads"])
            if threads_seen != (args.threads, args.threads):
                raise CompareError(f"thread counts differ from --threads {args.threads}: densify {threads_seen[0]}, "
                                   f"pytorch {threads_seen[1]}")
            def timed(worker):
                # Let the other worker's idle threads (OpenMP, OpenBLAS) stop spinning before this call.
                time.sleep(args.settle)
                before = foreign.snapshot()
                seconds = worker.request({"op": "time", "reps": 1})["seconds"][0]
                return seconds, disturbed(ForeignLoad.between(before, foreign.snapshot()))

            warm = []
            for _ in range(w_warmup):
                warm.append(max(timed(densify)[0], timed(pytorch)[0]))
            if args.samples is not None:
                n = w_samples
            else:  # enough calls for about target_s per side, within [min_samples, max_samples]
                estimate = statistics.median(warm) if warm else 1.0
                n = max(w_samples, min(max_samples, math.ceil(target_s / max(estimate, 1e-6))))
            d_times, p_times, d_disturbed, p_disturbed = [], [], 0, 0
            for _ in range(n):
                t, bad = timed(densify)
                d_times.append(t)
                d_disturbed += bad
                t, bad = timed(pytorch)
                p_times.append(t)
                p_disturbed += bad
            info = info_of[w]
            flops = {side: info["flops"](budget[side]) for side in budget}
            peak_flops = peak["best_gflops"] * 1e9
            d = summarize(d_times, info["units"], flops["densify"], peak_flops)
            p = summarize(p_times, info["units"], flops["pytorch"], peak_flops)
            d["disturbed_calls"] = d_disturbed
            p["disturbed_calls"] = p_disturbed
            row = {"workload": w, "what": info["what"], "unit": info["unit"], "units_per_call": info["units"],
                   "useful_flops_per_call": flops["densify"] if flops["densify"] == flops["pytorch"] else flops,
                   "threads": args.threads, "samples": n, "warmup": w_warmup, "densify": d, "pytorch": p,
                   "ratio": p["median_s"] / d["median_s"]}
            if w in ATTRIBUTION and w != "attention":
                row["attribution_samples"] = budget
            rows.append(row)
            if d_disturbed or p_disturbed:
                notes.append(f"{w}: other processes used more than 10% of the machine during {d_disturbed} of {n} "
                             f"densify calls and {p_disturbed} of {n} PyTorch calls")
            phase_seconds[w]["timing"] = time.monotonic() - phase_start
            say(f"{w}: densify {fmt_ms(d['median_s'])} ms, pytorch {fmt_ms(p['median_s'])} ms, "
                f"ratio {row['ratio']:.3f}")
        foreign_load = foreign.result()
    finally:
        densify.close()
        pytorch.close()

    cpu = cpu_description()
    load_after = os.getloadavg()
    if foreign_load is not None and foreign_load["foreign_share"] > 0.05:
        notes.append(f"other processes used {foreign_load['foreign_cpu_s']:.1f} CPU-seconds while the workloads were "
                     f"timed ({foreign_load['foreign_share'] * 100:.0f}% of the machine's {os.cpu_count()} CPUs over "
                     f"{foreign_load['wall_s']:.0f} s): they competed for the cores, so these timings are noisy; "
                     f"rerun on an idle machine")
    results = {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "command": "benchmarks/compare " + " ".join(argv if argv is not None else sys.argv[1:]),
        "mode": "quick" if args.quick else "full",
        "size": args.size,
        "device": args.device,
        "threads": args.threads,
        "machine": cpu,
        "gpu": p_info.get("cuda_device") if args.device == "cuda" else None,
        "git": git_description(),
        "versions": {"densify": d_info.get("densify"), "densify_torch": d_info.get("torch"),
                     "densify_library": d_info.get("library"),
                     "java": d_info.get("java"), "pytorch": p_info.get("torch"), "python": p_info.get("python"),
                     "attention": p_info.get("attention"), "densify_attention": d_info.get("attention")},
        "blas": {"densify": d_info.get("blas"), "pytorch": p_info.get("blas")},
        "model": MODEL,
        "gpt2_vocab_model": VOCAB_MODEL if any(w in VOCAB_WORKLOADS for w in workloads) else None,
        "warmup": warmup,
        "settle_s": args.settle,
        "peak": peak,
        "agreement": agreement,
        "workloads": rows,
        "shap_to_error": error_study,
        "notes": notes,
        "load_average": {"before": list(load_before), "after": list(load_after)},
        "foreign_cpu_during_timing": foreign_load,
        "seconds": {"build_and_setup": build_done - started, "measurement": time.monotonic() - build_done,
                    "per_workload": phase_seconds},
    }
    write_reports(results)
    print(f"\ndensify vs PyTorch eager — {cpu['model_name']}, {cpu.get('cores', '?')} cores, device {args.device}"
          + (f" ({results['gpu']})" if results["gpu"] else "") + f", {args.threads} threads, "
          f"mm peak {peak['best_gflops']:.2f} GFLOP/s\n")
    print(markdown_table(results))
    if error_study is not None:
        print("\n" + error_section(results))
    for n in notes:
        print(f"\nnote: {n}")
    print(f"\nwrote {os.path.relpath(os.path.join(RESULTS, 'latest.json'), os.getcwd())} and latest.md "
          f"(build/setup {results['seconds']['build_and_setup']:.0f} s, "
          f"measurement {results['seconds']['measurement']:.0f} s)")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except CompareError as e:
        print(f"compare: {e}", file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)
