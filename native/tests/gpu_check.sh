#!/usr/bin/env bash
# The GPU check: one prepared script for a lent GPU (one command of at most 10 minutes; the
# phases together stay within DFY_GPU_BUDGET_S, 540 s by default). On a machine with a CUDA GPU
# and a CUDA PyTorch 2.x it
#   env      records the GPU, PyTorch and the tools found;
#   build    builds the CUDA variant against the libtorch inside PyTorch (fused attention compiled);
#   ctest    runs the C ABI tests: CUDA against CPU, the fused attention kernel against the plain one;
#   parity   compares densify with transformers on the same weights (hf_parity.py, cpu and cuda:0)
#            and times scoring and greedy generation at GPT-2-small size (64 x 64 + 128 tokens);
#   compare  runs benchmarks/compare --device cuda --size gpt2-small (densify against the PyTorch
#            baseline: scores, cached generation, SHAP/LIME at S = 256 over 128 response tokens,
#            attention), its densify side the Python ctypes worker over the library built here
#            (the GPU machines have no JDK; DFY_GPU_DENSIFY_WORKER=java for the Java API).
# Each phase runs under its own timeout and writes <phase>.json (status, exit code, seconds, the
# log's tail) and <phase>.log into native/tests/results/gpu-check-<mode>-<stamp>/, with
# summary.json last; compare's latest.json lands there too. Where $OUT is set (the device
# machine), summary.json, latest.json/md and parity-gpt2-small.json are copied to $OUT with the
# whole directory as gpu-check.tar.gz. Exit status: 0 when every phase that ran passed.
#
#   native/tests/gpu_check.sh              on the GPU machine
#   native/tests/gpu_check.sh --dry-run    this CPU machine, tiny size: Debian's libtorch, device
#                                          cpu, compare --size tiny; the same phases end to end
# Environment: DFY_GPU_BUDGET_S (540), DFY_GPU_ATTR_SEQUENCES (16 of the 64 sequences on the GPU),
# DFY_GPU_DENSIFY_WORKER (python),
# DFY_GPU_BUILD (build/cuda), CMAKE_CUDA_ARCHITECTURES (default 90 on the GPU: Hopper).
set -uo pipefail
cd "$(dirname "$0")/../.."
root=$PWD

dry=0
for a in "$@"; do
  case "$a" in
    --dry-run) dry=1 ;;
    -h|--help) sed -n '2,/^set -uo/p' "$0" | sed '$d'; exit 0 ;;
    *) echo "gpu_check: unknown argument $a" >&2; exit 2 ;;
  esac
done

budget=${DFY_GPU_BUDGET_S:-540}
start=$(date +%s)
stamp=$(date -u +%Y%m%dT%H%M%SZ)
if [ "$dry" = 1 ]; then
  tag=dry-run
  build=${DFY_GPU_BUILD:-target/native}   # Maven's CPU build dir: configured already, rebuilt if stale
  device=cpu
  size=tiny
  attr=${DFY_GPU_ATTR_SEQUENCES:-8}
  py=/usr/bin/python3
  # Timeouts for 2 shared cores: the dry run checks the script, its numbers mean little.
  t_env=30 t_build=900 t_ctest=120 t_parity=120 t_compare=900
  budget=${DFY_GPU_BUDGET_S:-2400}
else
  tag=gpu
  build=${DFY_GPU_BUILD:-build/cuda}
  device=cuda
  size=gpt2-small
  attr=${DFY_GPU_ATTR_SEQUENCES:-16}
  py=python3
  t_env=15 t_build=200 t_ctest=45 t_parity=90 t_compare=300  # compare takes what is left of the budget
fi
results=native/tests/results/gpu-check-$tag-$stamp
mkdir -p "$results"
failed=0
phases=()

# The library the build wrote: DFY_OUTPUT_DIR where the build names one (Maven's), else the build dir.
library() {
  local out
  out=$(sed -n 's/^DFY_OUTPUT_DIR:PATH=//p' "$build/CMakeCache.txt" 2>/dev/null)
  if [ -n "$out" ]; then echo "$out/libdensify.so"; else echo "$root/$build/libdensify.so"; fi
}

# phase NAME TIMEOUT_S COMMAND...: runs COMMAND under the smaller of its timeout and what is left
# of the budget; a phase with under 10 s left is skipped.
phase() {
  local name=$1 limit=$2
  shift 2
  local now left status rc t0 t1
  now=$(date +%s)
  left=$((budget - (now - start)))
  [ "$limit" -gt "$left" ] && limit=$left
  phases+=("$name")
  if [ "$limit" -lt 10 ]; then
    write_phase "$name" skipped -1 0 "no time left in the ${budget} s budget"
    return
  fi
  echo "== gpu_check: $name (limit ${limit} s)" >&2
  t0=$(date +%s.%N)
  # The phase functions run in a child bash (exported below) so that timeout can end them.
  timeout --kill-after=10 "$limit" bash -c "$*" >"$results/$name.log" 2>&1
  rc=$?
  t1=$(date +%s.%N)
  if [ $rc = 0 ]; then status=passed
  elif [ $rc = 124 ] || [ $rc = 137 ]; then status=timed_out; failed=1
  elif [ $rc = 77 ]; then status=skipped
  else status=failed; failed=1
  fi
  tail -n 15 "$results/$name.log" >&2
  write_phase "$name" "$status" "$rc" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')" ""
}

write_phase() {
  "$py" - "$results" "$@" <<'EOF'
import json, os, sys
results, name, status, rc, seconds, note = sys.argv[1:7]
log = os.path.join(results, name + ".log")
tail = open(log, errors="replace").read().splitlines()[-40:] if os.path.exists(log) else []
with open(os.path.join(results, name + ".json"), "w") as f:
    json.dump({"phase": name, "status": status, "exit_code": int(rc), "seconds": round(float(seconds), 2),
               "note": note, "log_tail": tail}, f, indent=1)
EOF
}

# 77 = skipped (the convention of automake's test drivers).
env_phase() {
  echo "mode: $tag, device: $device, size: $size, budget: ${budget} s"
  uname -a
  command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,memory.total,memory.free,driver_version --format=csv
  "$py" -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda, "available", torch.cuda.is_available())'
  cmake --version | head -1
  command -v nvcc >/dev/null && nvcc --version | tail -1
  command -v ninja >/dev/null && echo "ninja $(ninja --version)"
  java_home && echo "java: $(java_home)/bin/java" || echo "java: none (compare's densify side is the ctypes worker)"
  return 0
}

# A JDK 22+ for compare: JAVA_HOME, java on PATH, or Temurin 25 where this project installs it.
java_home() {
  local c
  for c in "${JAVA_HOME:-}" "$(dirname "$(dirname "$(readlink -f "$(command -v java 2>/dev/null || echo /nonexistent)")")")" \
           /usr/lib/jvm/temurin-25-jdk-amd64; do
    [ -n "$c" ] && [ -x "$c/bin/java" ] || continue
    v=$("$c/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/.*java.specification.version = //p')
    [ "${v%%.*}" -ge 22 ] 2>/dev/null && { echo "$c"; return 0; }
  done
  return 1
}

build_phase() {
  if [ "$dry" = 1 ]; then
    cmake -S native -B "$build" -DCMAKE_BUILD_TYPE=Release || return 1
    nice -n 10 cmake --build "$build" -j "$(nproc)" || return 1
    native/tests/fused_syntax_check.sh
    return
  fi
  local prefix
  prefix=$("$py" -c 'import torch; print(torch.utils.cmake_prefix_path)') || return 1
  configure() {
    cmake -S native -B "$build" -DDFY_CUDA=ON -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_CUDA_ARCHITECTURES="${CMAKE_CUDA_ARCHITECTURES:-90}" -DCMAKE_CXX_FLAGS="$1" ${2:-} \
      $(command -v ninja >/dev/null && echo -G Ninja)
  }
  configure "" || return 1
  cmake --build "$build" -j "$(nproc)" && return 0
  # The fused branch and the data-parallel group code (c10d, where the wheel ships gloo's headers)
  # have never been compiled against a real libtorch 2.x before this run: if the build fails,
  # build without both, so that the other phases still measure something, and fail the phase.
  echo "gpu_check: BUILD FAILED; rebuilding with the plain attention kernel only and without data-parallel groups"
  configure "-DDFY_FUSED_ATTENTION=0" "-DDFY_DISTRIBUTED=OFF" && cmake --build "$build" -j "$(nproc)"
  return 1
}

ctest_phase() {
  ctest --test-dir "$build" --output-on-failure -V
}

parity_phase() {
  if ! "$py" -c 'import transformers, safetensors' 2>/dev/null; then
    echo "transformers or safetensors missing for $py: parity skipped"
    return 77
  fi
  local d
  for d in cpu $([ "$device" = cuda ] && echo cuda:0); do
    "$py" native/tests/hf_parity.py "$(library)" "$d" --bench || return 1
  done
  if [ "$device" = cuda ]; then
    "$py" native/tests/hf_parity.py "$(library)" cuda:0 --bench --size gpt2-small \
      --json "$results/parity-gpt2-small.json" || return 1
  fi
}

compare_phase() {
  # The densify side speaks to the library built above: through ctypes (the Python worker: the GPU
  # machines have no JDK), or through the Java API with DFY_GPU_DENSIFY_WORKER=java (JDK 22+ and Maven).
  local worker=${DFY_GPU_DENSIFY_WORKER:-python} jh=""
  if [ "$worker" = java ]; then
    jh=$(java_home) || { echo "no JDK 22+: the Java densify worker cannot run"; return 1; }
    command -v mvn >/dev/null || { echo "no Maven: the Java densify worker cannot be built"; return 1; }
    # A private copy of the local repository (hard links), so that installing this tree's engine
    # does not replace the one other checkouts on this machine benchmark against; compare
    # installs this tree's engine there (the copied one may be another checkout's).
    local repo=$root/build/m2-gpu-check
    if [ ! -d "$repo" ] && [ -d "$HOME/.m2/repository" ]; then
      mkdir -p "$root/build" && cp -al "$HOME/.m2/repository" "$repo"
    fi
    [ -d "$repo" ] && rm -rf "$repo/dev/densify" && export MAVEN_OPTS="${MAVEN_OPTS:-} -Dmaven.repo.local=$repo"
    export JAVA_HOME=$jh PATH="$jh/bin:$PATH"
  fi
  DENSIFY_LIBRARY=$(library) benchmarks/compare --densify-worker "$worker" --quick --device "$device" --size "$size" \
    --attr-sequences "$attr" --workloads score,generate_cache,shap,lime,attention --results "$results"
}

export root dry build device size attr py results
export -f library env_phase java_home build_phase ctest_phase parity_phase compare_phase
phase env "$t_env" env_phase
phase build "$t_build" build_phase
if [ -f "$(library)" ]; then
  phase ctest "$t_ctest" ctest_phase
  phase parity "$t_parity" parity_phase
  phase compare "$t_compare" compare_phase
else
  failed=1
fi

"$py" - "$results" "$tag" "$budget" "$(($(date +%s) - start))" "${phases[@]}" <<'EOF'
import json, os, sys
results, tag, budget, total = sys.argv[1:5]
phases = [json.load(open(os.path.join(results, p + ".json"))) for p in sys.argv[5:]]
summary = {"mode": tag, "budget_s": int(budget), "total_s": int(total),
           "phases": [{k: p[k] for k in ("phase", "status", "exit_code", "seconds", "note")} for p in phases]}
latest = os.path.join(results, "latest.json")
if os.path.exists(latest):
    c = json.load(open(latest))
    summary["compare"] = {"device": c.get("device"), "size": c.get("size"), "model": c.get("model"),
                          "gpu": c.get("gpu"), "versions": c.get("versions"),
                          "workloads": [{"workload": w["workload"], "what": w.get("what"), "unit": w["unit"],
                                         "densify_median_s": w["densify"]["median_s"],
                                         "pytorch_median_s": w["pytorch"]["median_s"],
                                         "densify_throughput": w["densify"]["throughput"],
                                         "pytorch_throughput": w["pytorch"]["throughput"],
                                         "speedup": w["ratio"]} for w in c.get("workloads", [])]}
parity = os.path.join(results, "parity-gpt2-small.json")
if os.path.exists(parity):
    summary["parity_gpt2_small"] = json.load(open(parity))
json.dump(summary, open(os.path.join(results, "summary.json"), "w"), indent=1)
print(json.dumps(summary, indent=1))
EOF
# The device machine returns at most 8 files from $OUT: the summary, compare's and parity's JSON,
# and everything (per-phase JSON and logs) in one archive.
if [ -n "${OUT:-}" ] && [ -d "${OUT:-}" ]; then
  for f in summary.json latest.json latest.md parity-gpt2-small.json; do
    [ -f "$results/$f" ] && cp "$results/$f" "$OUT/"
  done
  tar -C "$(dirname "$results")" -czf "$OUT/gpu-check.tar.gz" "$(basename "$results")"
fi
echo "gpu_check: results in $results" >&2
exit $failed
