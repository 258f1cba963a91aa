#!/usr/bin/env bash
# Builds .gpu/ (ignored by git), all that scripts/gpu/run-on-device.sh needs on the lent GPU
# machine, which has no Node.js and no network (docs/gpu.md shows the device-tool call):
#
#   node.xz          this machine's node binary, xz-compressed
#   app.tar.xz       app/buddy-gym-gpu.mjs (scripts/gpu/entry.ts with tfjs, tfjs-backend-wasm and
#                    tfjs-backend-webgpu inlined), the bench's worker, and app/node_modules with
#                    only what is read from disk at run time: Dawn's dawn.node and the .wasm files
#   debs/*.deb       the Vulkan and EGL loaders (the device README's list), amd64
#   run-on-device.sh a copy of scripts/gpu/run-on-device.sh
#   SHA256SUMS, VERSIONS
#
# Needs: npm ci done (webgpu and @tensorflow/tfjs-backend-webgpu are devDependencies), xz, and
# apt-get (Debian or Ubuntu, any architecture: the debs are fetched for amd64).
# Usage: bash scripts/gpu/pack.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
PACK=.gpu
# The device tool carries at most 64 MiB, the working tree included.
LIMIT_MIB=56
DEBS="libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2"

die() { echo "pack.sh: $*" >&2; exit 1; }
[ "$(node -p process.arch)" = x64 ] || die "the GPU machine is x86-64; this node is $(node -p process.arch) (build the pack on an x86-64 machine)"
for f in node_modules/webgpu/dist/linux-x64/dawn.node node_modules/@tensorflow/tfjs-backend-webgpu/package.json; do
  [ -e "$f" ] || die "$f is missing: run npm ci first"
done
command -v xz >/dev/null || die "xz is missing (apt-get install xz-utils)"

# Keep the pack out of git, as the device README asks for carried folders.
mkdir -p .git/info 2>/dev/null && { grep -qxF "/$PACK/" .git/info/exclude 2>/dev/null || echo "/$PACK/" >>.git/info/exclude; } || true

rm -rf "$PACK" && mkdir -p "$PACK/debs"
STAGE="$(mktemp -d)"
trap 'rm -rf "$STAGE"' EXIT

echo "pack.sh: type-checking and bundling scripts/gpu/entry.ts" >&2
npx --no-install tsc --noEmit -p scripts/gpu
npx --no-install tsup --config scripts/gpu/tsup.config.ts --out-dir "$STAGE/app" --silent
# bench/attention-market.ts starts ./ts-worker.mjs beside itself with the worker's .ts path.
cat >"$STAGE/app/ts-worker.mjs" <<'JS'
// The bench's worker entry, bundled: runs the .mjs bundle of the module named in workerData.entry.
import { workerData } from 'node:worker_threads';
await import(workerData.entry.replace(/\.ts$/, '.mjs'));
JS
NM="$STAGE/app/node_modules"
mkdir -p "$NM/webgpu/dist/linux-x64" "$NM/@tensorflow/tfjs-backend-wasm/dist"
cp node_modules/webgpu/package.json node_modules/webgpu/index.js "$NM/webgpu/"
cp node_modules/webgpu/dist/linux-x64/dawn.node "$NM/webgpu/dist/linux-x64/"
cp node_modules/@tensorflow/tfjs-backend-wasm/package.json "$NM/@tensorflow/tfjs-backend-wasm/"
cp node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm "$NM/@tensorflow/tfjs-backend-wasm/dist/"

echo "pack.sh: compressing the app and $(command -v node) ($(node --version))" >&2
tar -C "$STAGE" -cf - app | xz -T0 -6 >"$PACK/app.tar.xz"
xz -T0 -6 -c "$(command -v node)" >"$PACK/node.xz"

echo "pack.sh: downloading the loaders' .debs for amd64: $DEBS" >&2
LISTS=/tmp/amd64-lists
mkdir -p "$LISTS/partial"
o=(-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists="$LISTS" -oAPT::Sandbox::User=root)
apt-get "${o[@]}" -qq update >&2
# shellcheck disable=SC2086
(cd "$PACK/debs" && apt-get "${o[@]}" -qq download $DEBS)

cp scripts/gpu/run-on-device.sh "$PACK/"
{
  echo "node $(node --version)"
  for p in webgpu @tensorflow/tfjs @tensorflow/tfjs-backend-webgpu @tensorflow/tfjs-backend-wasm; do
    echo "$p $(node -p "require('./node_modules/$p/package.json').version")"
  done
  (cd "$PACK/debs" && ls *.deb)
} >"$PACK/VERSIONS"
(cd "$PACK" && sha256sum node.xz app.tar.xz debs/*.deb run-on-device.sh VERSIONS >SHA256SUMS)

size=$(du -sm "$PACK" | cut -f1)
[ "$size" -le "$LIMIT_MIB" ] || die "$PACK is $size MiB, over the $LIMIT_MIB MiB left for it under the device tool's 64 MiB"
echo "pack.sh: $PACK is ready, $size MiB:" >&2
ls -l "$PACK" "$PACK/debs" >&2
