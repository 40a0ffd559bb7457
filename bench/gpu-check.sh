#!/usr/bin/env bash
# The GPU check, in one call on a machine with an NVIDIA GPU that has CUDA's compiler and CMake but no Node.js and
# no package registry: unpacks the kit that `node scripts/gpu-kit.mjs` made here (Node, npm, node-llama-cpp and its
# patched llama.cpp source, the language server, the benchmarks), builds llama.cpp for that GPU with
# node-llama-cpp's own source build, then prints the backend, the offloaded layers, prompt and generation speed,
# and the keystroke latency table on the realistic-speed model. Each step says how long the call has run.
#
#   bash bench/gpu-check.sh                      CUDA, for compute capability 9.0 (H100/H200); CUDA_ARCH=89 etc.
#   HEARTH_BENCH_GPU=off bash bench/gpu-check.sh the same steps on the CPU: the dry run for a machine without a GPU
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
kit="${HEARTH_GPU_KIT:-$repo/.gpu-kit/hearth-gpu-kit.tar.xz}"
work="${HEARTH_GPU_WORK:-/tmp/hearth-gpu}"
gpu="${HEARTH_BENCH_GPU:-cuda}"
step() { printf '\n== %s (%d s)\n' "$1" "$SECONDS"; }

step "unpack $(basename "$kit")"
[ -f "$kit" ] || { echo "No kit at $kit: run 'node scripts/gpu-kit.mjs' on a machine with npm first." >&2; exit 2; }
rm -rf "$work" && mkdir -p "$work" && tar -xJf "$kit" -C "$work"
cat "$work/KIT"
node_home="$work/node"
# node-llama-cpp's build runs `npm run cmake-js-llama`: npm is the kit's, run by the kit's Node.
printf '#!/bin/sh\nexec "%s/bin/node" "%s/npm/bin/npm-cli.js" "$@"\n' "$node_home" "$work" > "$node_home/bin/npm"
chmod +x "$node_home/bin/npm"
export PATH="$node_home/bin:$PATH"
version="$(node -p process.versions.node)"
# cmake-js takes Node's headers from its cache rather than downloading them.
headers="$HOME/.cmake-js/node-x64/v$version/include"
mkdir -p "$headers" && cp -r "$node_home/include/node" "$headers/"
llama="$work/app/node_modules/node-llama-cpp"
# node-llama-cpp takes an existing checkout for its own clone of the bundle it ships (the kit has the source only).
mkdir -p "$llama/llama/llama.cpp/.git"
[ "$(uname -m)" = x86_64 ] || { echo "The kit is for x86-64; this is $(uname -m)." >&2; exit 2; }
command -v cmake >/dev/null || { echo "CMake is missing." >&2; exit 2; }

step "build llama.cpp (${gpu})"
if [ "$gpu" = cuda ]; then
  command -v nvcc >/dev/null || { echo "nvcc is missing: CUDA's compiler is needed to build for CUDA." >&2; exit 2; }
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true
  # One architecture: a build for all of them takes far longer than the few minutes a lent machine has.
  export NODE_LLAMA_CPP_CMAKE_OPTION_CMAKE_CUDA_ARCHITECTURES="${CUDA_ARCH:-90}"
fi
# The CPU part is built for AVX2 rather than -march=native: on AMX-capable machines (the build VMs, and likely the
# GPU machine's host) native builds compile llama.cpp's AMX kernels, which crash on quantized weights (SIGILL or
# SIGSEGV, both seen here). The benchmarks inherit these variables, and node-llama-cpp finds its build by them.
for option in GGML_NATIVE=OFF GGML_AVX=ON GGML_AVX2=ON GGML_FMA=ON GGML_F16C=ON GGML_BMI2=ON; do
  export "NODE_LLAMA_CPP_CMAKE_OPTION_${option}"
done
build_gpu="$gpu"
[ "$gpu" = off ] && build_gpu=false
(cd "$llama" && node dist/cli/cli.js source build --gpu "$build_gpu" --noUsageExample)

step "backend, offload and speed"
cd "$work/app"
export HEARTH_TEST_MODELS="$work/app/test-models" HEARTH_SERVER_PATH="$work/app/dist/server.js" HEARTH_BENCH_GPU="$gpu"
node bench/gpuCheck.mjs

step "keystroke latency (Hearth over LSP vs node-llama-cpp's infill)"
node bench/completionLatency.mjs

step "done"
