"""The worker protocol of benchmarks/compare: one JSON request a line on stdin, one JSON reply a
line on stdout ({"ok": true, ...} or {"ok": false, "error": ...}); "quit" ends it. Shared by the
PyTorch baseline (worker.py) and the densify ctypes worker (densify_worker.py)."""
import json
import sys


def serve(ops):
    """Answers requests with ops[op](request) until "quit" or the end of stdin."""
    out = sys.stdout
    sys.stdout = sys.stderr  # nothing but the protocol on the real stdout
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
