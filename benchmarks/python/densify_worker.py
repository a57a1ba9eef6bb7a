"""The densify side of benchmarks/compare without a JDK: the protocol of
dev.densify.bench.Worker (see its class comment; one JSON request per stdin line, one reply per
stdout line) over libdensify's C ABI through ctypes (densify_ctypes.py), for the lent GPU machines,
which have no Java. Workloads: score, generate_cache, generate_nocache, shap, lime, attention (not
the PPO workloads). The calls are the ones the Java API makes; the timed region is the native call
plus ctypes' argument conversion, where Java's holds the FFM marshalling."""
import json
import platform
import time

from densify_ctypes import Library
from protocol import serve


class Score:
    def __init__(self, model, inputs):
        self.model = model
        ids, mask = inputs["ids"], inputs["mask"]
        size = inputs.get("batch_size", len(ids))
        self.batches = [(ids[s:s + size], mask[s:s + size]) for s in range(0, len(ids), size)]
        self.check = inputs.get("check")

    def run(self):
        for ids, mask in self.batches:
            self.model.score(ids, mask)

    def outputs(self):
        out = {"scores": [s for ids, mask in self.batches for s in self.model.score(ids, mask)]}
        if self.check and "ids" in self.check:
            out["check_scores"] = self.model.score(self.check["ids"], self.check["mask"])
        return out


class Generate:
    def __init__(self, model, inputs, use_cache):
        self.model, self.use_cache = model, use_cache
        self.prompts = inputs["prompts"]
        self.check = inputs.get("check", {}).get("prompts")
        self.new = inputs.get("max_new_tokens", 32)
        self.temperature = inputs.get("temperature", 1.0)
        self.seed = inputs.get("seed", 0)
        self.logits_rows = inputs.get("logits_rows", len(self.prompts))
        self.logits_positions = inputs.get("logits_positions", 1 << 30)

    def run(self):
        self.model.generate(self.prompts, self.new, self.temperature, self.seed, self.use_cache)

    def outputs(self):
        ids, logprobs, lengths = self.model.generate(self.prompts, self.new, 0.0, self.seed, self.use_cache)
        out = {"ids": ids, "logprobs": logprobs}
        # Logits of prompt + greedy continuation, left-padded with id 0, as the Java worker's forward.
        # Only the first logits_rows rows' last logits_positions positions, where the inputs say so.
        full = [p + g for p, g in zip(self.prompts, ids)]
        width = max(len(f) for f in full)
        padded = [[0] * (width - len(f)) + f for f in full]
        mask = [[0] * (width - len(f)) + [1] * len(f) for f in full]
        v = self.model.config["vocab_size"]
        keep = min(self.logits_positions, width) * v
        rows = self.model.logits(padded[:self.logits_rows], mask[:self.logits_rows])
        out["logits"] = [row[len(row) - keep:] for row in rows]
        if self.check:
            cids, clp, _ = self.model.generate(self.check, self.new, 0.0, self.seed, self.use_cache)
            out["check_ids"], out["check_logprobs"] = cids, clp
        return out


class Attribute:
    def __init__(self, method, model, inputs, request):
        self.method, self.model = method, model
        self.prompts, self.responses = inputs["prompts"], inputs["responses"]
        if len(self.prompts) != len(self.responses):
            raise ValueError(f"inputs: {len(self.prompts)} prompts but {len(self.responses)} responses")
        self.check = inputs.get("check", {})
        self.baseline = inputs.get("baseline_token", 0)
        self.samples = request.get("samples", inputs.get("samples", 512))
        self.seed = request.get("seed", inputs.get("seed", 0))

    def attribute(self, prompts, responses, samples, seed):
        return self.model.attribute(self.method, prompts, responses, samples, seed, self.baseline)

    def run(self):
        self.attribute(self.prompts, self.responses, self.samples, self.seed)

    def outputs(self):
        out = dict(self.attribute(self.prompts, self.responses, self.samples, self.seed))
        if "prompts" in self.check:
            c = self.attribute(self.check["prompts"], self.check["responses"], self.check.get("samples", self.samples),
                               self.check.get("seed", self.seed))
            out.update({"check_" + k: v for k, v in c.items()})
        return out


class Worker:
    def __init__(self):
        self.library = Library()
        self.current = None

    def close(self):
        if self.current is not None:
            self.current.model.close()
            self.current = None

    def setup(self, req):
        self.close()
        threads = req.get("threads", 0)
        if threads < 1:
            raise ValueError("threads must be given and >= 1")
        device = req.get("device", "cpu")
        device = "cuda:0" if device == "cuda" else device
        self.library.set_threads(threads)
        with open(req["inputs"]) as f:
            inputs = json.load(f)
        workload = req["workload"]
        model = self.library.load(req["checkpoint"], device)
        try:
            if workload == "score":
                self.current = Score(model, inputs)
            elif workload in ("generate_cache", "generate_nocache"):
                self.current = Generate(model, inputs, workload == "generate_cache")
            elif workload in ("shap", "lime", "attention"):
                self.current = Attribute(workload, model, inputs, req)
            else:
                raise ValueError(f"unknown workload {workload!r} (the Python densify worker has no PPO workloads)")
        except Exception:
            model.close()
            raise
        return {}

    def workload(self):
        if self.current is None:
            raise RuntimeError("no workload: send a setup request first")
        return self.current

    def time(self, req):
        reps = req.get("reps", 1)
        if reps < 1:
            raise ValueError(f"reps must be >= 1, got {reps}")
        w, seconds = self.workload(), []
        for _ in range(reps):
            start = time.perf_counter()
            w.run()
            seconds.append(time.perf_counter() - start)
        return {"seconds": seconds}

    def outputs(self, req):
        return {"outputs": self.workload().outputs()}

    def attribute(self, req):
        w = self.workload()
        if not isinstance(w, Attribute) or w.method == "attention":
            raise RuntimeError("'attribute' needs a shap or lime workload")
        start = time.perf_counter()
        result = w.attribute(w.prompts, w.responses, req.get("samples", w.samples), req.get("seed", w.seed))
        return {"seconds": time.perf_counter() - start, **result}

    def info(self, req):
        lib = self.library
        runtime = lib.runtime()
        blas = runtime.get("blas", {})
        path = blas.get("path", "")
        vendor = ("mkl" if blas.get("mkl") else "openblas" if blas.get("openblas_config") else
                  "blis" if blas.get("blis") else "reference" if "libblas.so" in path else "unknown")
        return {"side": "densify", "densify": lib.lib.dfy_version().decode(), "torch": lib.lib.dfy_torch_version().decode(),
                "threads": lib.threads(), "cuda_compiled": bool(lib.lib.dfy_cuda_compiled()),
                "cuda_devices": lib.cuda_devices(), "java": f"none: Python {platform.python_version()} ctypes worker",
                "library": lib.path, "attention": lib.attention(),
                "blas": {"vendor": vendor, "version": "", "path": path, "reference": vendor == "reference"}}


def main():
    worker = Worker()
    serve({"setup": worker.setup, "time": worker.time, "outputs": worker.outputs, "info": worker.info,
           "attribute": worker.attribute})
    worker.close()


if __name__ == "__main__":
    main()
