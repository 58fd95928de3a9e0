"""OpenBLAS GEMM through numpy, timed the way the Java bench times vecgrad.

Started by `./vecgrad bench gemm`, which sets OPENBLAS_NUM_THREADS / OMP_NUM_THREADS to the
thread count under test. Protocol: one JSON request per line on stdin,
  {"m": .., "n": .., "k": .., "ta": bool, "tb": bool, "dtype": "f32"|"f64",
   "samples": int, "min_seconds": float}
and one JSON reply per line on stdout, {"gflops": [per-sample GFLOP/s]}. The first line
written is {"numpy": version, "blas": name, "kernel": the OpenBLAS core it runs}; the bench
removes OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE from this process's environment so that
OpenBLAS picks its own best kernel. numpy.matmul on transposed views calls ?gemm
with the transpose flags, so no copy is timed.
"""
import json
import sys
import time

import numpy as np


def openblas_string(function):
    """A char* function (openblas_get_config, openblas_get_corename) of the OpenBLAS this process loaded, or None."""
    try:
        import ctypes
        libs = {w for w in open("/proc/self/maps").read().split() if "openblas" in w and ".so" in w}
        for lib in sorted(libs):
            get = getattr(ctypes.CDLL(lib), function, None)
            if get:
                get.restype = ctypes.c_char_p
                return get().decode()
    except Exception:
        pass
    return None


def blas_name():
    try:
        cfg = np.show_config(mode="dicts")
        return cfg["Build Dependencies"]["blas"]["name"]
    except Exception:
        pass
    return openblas_string("openblas_get_config") or "unknown BLAS"


def blas_kernel():
    """The kernel OpenBLAS runs (Cooperlake, Haswell, ...): threadpoolctl's architecture, else openblas_get_corename."""
    try:
        import threadpoolctl
        for info in threadpoolctl.threadpool_info():
            if info.get("internal_api") == "openblas" and info.get("architecture"):
                return info["architecture"]
    except Exception:
        pass
    return openblas_string("openblas_get_corename") or "unknown"


def operands(req):
    dt = np.float32 if req["dtype"] == "f32" else np.float64
    m, n, k = req["m"], req["n"], req["k"]
    rng = np.random.default_rng(1)
    a = rng.random((k, m), dtype=dt).T if req["ta"] else rng.random((m, k), dtype=dt)
    b = rng.random((n, k), dtype=dt).T if req["tb"] else rng.random((k, n), dtype=dt)
    return a, b, np.empty((m, n), dtype=dt)


def measure(req):
    a, b, c = operands(req)
    flops = 2.0 * req["m"] * req["n"] * req["k"]
    # warm up and calibrate: one sample runs `reps` calls lasting at least min_seconds
    reps = 1
    while True:
        t = time.perf_counter()
        for _ in range(reps):
            np.matmul(a, b, out=c)
        dt = time.perf_counter() - t
        if dt >= req["min_seconds"]:
            break
        reps = max(reps * 2, int(reps * req["min_seconds"] / max(dt, 1e-9) * 1.2))
    out = []
    for _ in range(req["samples"]):
        t = time.perf_counter()
        for _ in range(reps):
            np.matmul(a, b, out=c)
        out.append(flops * reps / (time.perf_counter() - t) / 1e9)
    return out


def main():
    print(json.dumps({"numpy": np.__version__, "blas": blas_name(), "kernel": blas_kernel()}), flush=True)
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        print(json.dumps({"gflops": measure(json.loads(line))}), flush=True)


if __name__ == "__main__":
    main()
