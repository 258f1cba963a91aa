#!/usr/bin/env bash
# The one command to run on the lent GPU machine (no Node.js, no network), from the folder that
# scripts/gpu/pack.sh built and the device tool carried (docs/gpu.md has the exact call):
#
#   bash .gpu/run-on-device.sh [--allow-software] [--seconds S] [--iterations N] [--steps N]
#
# It checks the pack, unpacks node and the bundle under /tmp, puts the Vulkan/EGL loaders from
# the .debs on the library path, points the Vulkan loader at NVIDIA's ICD where the image keeps
# it outside the default folders, and checks that WebGPU's adapter is the GPU (it stops, exit 3,
# on a software adapter unless --allow-software). Then it runs the figures (webgpu against wasm
# and cpu), the full benchmark, and a short `buddy-gym train --backend webgpu`, and copies
# their JSON and one log to $OUT (./gpu-out where OUT is unset):
#
#   adapter.json  figures.json  bench.json  train.json  run-on-device.log
#
# The loaders are unpacked into a private folder (LD_LIBRARY_PATH), not into /; if no adapter
# is found that way on a machine with nvidia-smi, as root, they are unpacked into / with ldconfig, as the
# device README describes, and the check is tried once more.
set -euo pipefail

PACK="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ALLOW=""
SECONDS_PER_FIGURE=3
ITERATIONS=3
STEPS=512
while [ $# -gt 0 ]; do
  case "$1" in
    --allow-software) ALLOW=--allow-software ;;
    --seconds) SECONDS_PER_FIGURE="${2:?--seconds needs a value}"; shift ;;
    --iterations) ITERATIONS="${2:?--iterations needs a value}"; shift ;;
    --steps) STEPS="${2:?--steps needs a value}"; shift ;;
    *) echo "run-on-device.sh: unknown argument '$1': expected --allow-software, --seconds S, --iterations N or --steps N" >&2; exit 2 ;;
  esac
  shift
done

RESULTS="${OUT:-$PWD/gpu-out}"
mkdir -p "$RESULTS"
LOG="$RESULTS/run-on-device.log"
: >"$LOG"
exec > >(tee -a "$LOG") 2>&1
say() { echo "run-on-device: $*"; }
die() { echo "run-on-device: FAILED: $*" >&2; exit "${2:-1}"; }

say "pack $PACK, results in $RESULTS, $(uname -m), $(nproc) cores"
[ "$(uname -m)" = x86_64 ] || die "this pack is for x86-64, the machine is $(uname -m)"
(cd "$PACK" && sha256sum -c --quiet SHA256SUMS) || die "the pack's files do not match SHA256SUMS (a partial carry?)"
cat "$PACK/VERSIONS"

# xz where it is installed, else Python's lzma module (the CUDA image has python3).
unxz() {
  if command -v xz >/dev/null; then xz -dc "$1"
  elif command -v python3 >/dev/null; then python3 -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), sys.stdout.buffer)' "$1"
  else die "neither xz nor python3 is here to unpack $1"
  fi
}
WORK="$(mktemp -d /tmp/buddy-gym-gpu.XXXXXX)"
unxz "$PACK/node.xz" >"$WORK/node"
chmod +x "$WORK/node"
unxz "$PACK/app.tar.xz" | tar -xf - -C "$WORK"
NODE="$WORK/node"
say "node $("$NODE" --version) unpacked in $WORK"

# The loaders, privately: dlopen finds them through LD_LIBRARY_PATH, which node reads at start.
mkdir -p "$WORK/root"
for f in "$PACK"/debs/*.deb; do dpkg -x "$f" "$WORK/root"; done
LIBS="$WORK/root/usr/lib/x86_64-linux-gnu"
[ -d /usr/local/nvidia/lib64 ] && LIBS="$LIBS:/usr/local/nvidia/lib64"
export LD_LIBRARY_PATH="$LIBS${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"

# NVIDIA's Vulkan ICD and EGL vendor files: the image may keep them under /usr/local/nvidia.
icd_default() { ls /usr/share/vulkan/icd.d/*nvidia* /etc/vulkan/icd.d/*nvidia* 2>/dev/null | head -1; }
if [ -z "$(icd_default)" ] && [ -f /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json ]; then
  export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
  export VK_ICD_FILENAMES="$VK_DRIVER_FILES" # the name older loaders read
fi
if [ -f /usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json ] && [ ! -f /usr/share/glvnd/egl_vendor.d/10_nvidia.json ]; then
  export __EGL_VENDOR_LIBRARY_FILENAMES=/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json
fi

say "GPU: $(nvidia-smi -L 2>/dev/null || echo 'nvidia-smi not found')"
say "Vulkan ICD: ${VK_DRIVER_FILES:-$(icd_default || true)}${VK_DRIVER_FILES:+ (VK_DRIVER_FILES)}"
say "LD_LIBRARY_PATH=$LD_LIBRARY_PATH"

cd "$WORK/app"
adapter() {
  "$NODE" buddy-gym-gpu.mjs adapter $ALLOW >"$RESULTS/adapter.json"
}
set +e
adapter
rc=$?
set -e
if [ $rc -ne 0 ] && [ "$(id -u)" = 0 ] && [ -z "$ALLOW" ] && command -v nvidia-smi >/dev/null; then
  say "no GPU adapter with the private loaders (exit $rc): unpacking them into / and running ldconfig, as the device README does"
  for f in "$PACK"/debs/*.deb; do dpkg -x "$f" /; done
  ldconfig
  set +e
  adapter
  rc=$?
  set -e
fi
[ $rc -eq 3 ] && die "WebGPU found only a software adapter: the NVIDIA Vulkan driver was not reached (see above; --allow-software to go on anyway)" 3
[ $rc -ne 0 ] && die "the WebGPU adapter check failed (exit $rc)" $rc
say "adapter: $(cat "$RESULTS/adapter.json")"

say "figures: MLP train step and self-play, webgpu against wasm and cpu"
"$NODE" buddy-gym-gpu.mjs figures --iterations "$ITERATIONS" >"$RESULTS/figures.json"
say "benchmark (bench/run.ts, $SECONDS_PER_FIGURE s per figure)"
"$NODE" buddy-gym-gpu.mjs bench --json --seconds "$SECONDS_PER_FIGURE" >"$RESULTS/bench.json"
say "buddy-gym train attention-market-v0 --backend webgpu --steps $STEPS"
"$NODE" buddy-gym-gpu.mjs cli train attention-market-v0 --backend webgpu --steps "$STEPS" --quiet --eval-episodes 2 --out "$WORK/run" --json >"$RESULTS/train.json"
say "done: $(ls "$RESULTS" | tr '\n' ' ')"
