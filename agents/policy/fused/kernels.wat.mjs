// Generates kernels.wat: the fused engine's WebAssembly SIMD kernels (f32x4). Run by
// scripts/build-wasm.mjs, which assembles the text into kernels-wasm.ts.
//
// Every pointer is a byte offset into the one shared memory; every matrix is row-major
// with its own leading dimension (elements between rows), so kernels work on sub-blocks.
// Each output element is written by exactly one loop iteration that sums over its
// reduction index in increasing order, whatever the row range [m0, m1) or [p0, p1) a
// call covers: splitting a call across threads never changes a result bit.
//
//   gemm(X,ldx, W,ldw, B,bstride,bdiv, Y,ldy, m0,m1, k,n, flags)
//       Y[i,j] = (flags&2 ? Y[i,j] : 0) + (B ? B[⌊i/bdiv⌋·bstride + j] : 0) + Σ_p X[i,p]·W[p,j]
//       for i in [m0,m1); flags&1 applies tanh. (bstride 0, bdiv 1: one bias row for all.)
//   gemv(X,ldx, w, b, y, m0,m1, k)          y[i] = b + Σ_p X[i,p]·w[p]
//   pool_features(obs,ldo, pool,q,mem, P,D,f, entry,ew, shared,sw, t0,t1)
//       the pool scorer's factorised inputs for transitions t in [t0,t1): entry rows
//       [e, e⊙q, memory] (P per transition) and shared [q, pool mean] (the context is added apart)
//   gemm_tn(X,ldx, D,ldd, G,ldg, m, p0,p1, n, flags)
//       G[p,j] = (flags&2 ? G[p,j] : 0) + Σ_{i<m} X[i,p]·D[i,j]  for p in [p0,p1)   (Xᵀ·D)
//   gemv_tn(X,ldx, d, g, m, p0,p1, flags)   g[p] = (flags&2 ? g[p] : 0) + Σ_{i<m} X[i,p]·d[i]
//   colsum(D,ldd, m, n, out, flags)         out[j] = (flags&2 ? out[j] : 0) + Σ_i D[i,j]
//   group_sum(D,ldd, groups, size, n, out, ldo)   out[g,j] = Σ_{r<size} D[g·size + r, j]
//   tanh_bwd(D, H, count)                   D[i] *= 1 − H[i]²
//   adam(P, G, M, V, count, lr, b1, b2, eps, c1, c2)   tfjs's Adam with c = 1 − β^t
//   sumsq(X, count) → f32                   Σ x²
//   scale(X, count, s)                      X[i] *= s
//   add(X, Y, count)                        Y[i] += X[i]

const TANH_CLAMP = 7.90531110763549805;
// Eigen's / XLA's float tanh: an odd rational minimax approximation of degrees 13/6.
const ALPHA = [-2.76076847742355e-16, 2.00018790482477e-13, -8.60467152213735e-11, 5.12229709037114e-8, 1.48572235717979e-5, 6.37261928875436e-4, 4.89352455891786e-3];
const BETA = [1.19825839466702e-6, 1.18534705686654e-4, 2.268434632439e-3, 4.89352518554385e-3];

const splat = (v) => `(f32x4.splat (f32.const ${v}))`;

/** tanh of the v128 in local `$v` (scratch locals $t2 $tp $tq), left in `$v`. */
function tanhV(v) {
  // pmin/pmax are one minps/maxps; min/max's NaN and ±0 rules cost V8 several instructions.
  let s = `(local.set ${v} (f32x4.pmax (f32x4.pmin (local.get ${v}) ${splat(TANH_CLAMP)}) ${splat(-TANH_CLAMP)}))\n`;
  s += `(local.set $t2 (f32x4.mul (local.get ${v}) (local.get ${v})))\n`;
  s += `(local.set $tp ${splat(ALPHA[0])})\n`;
  for (let i = 1; i < ALPHA.length; i++) s += `(local.set $tp (f32x4.add (f32x4.mul (local.get $tp) (local.get $t2)) ${splat(ALPHA[i])}))\n`;
  s += `(local.set $tp (f32x4.mul (local.get $tp) (local.get ${v})))\n`;
  s += `(local.set $tq ${splat(BETA[0])})\n`;
  for (let i = 1; i < BETA.length; i++) s += `(local.set $tq (f32x4.add (f32x4.mul (local.get $tq) (local.get $t2)) ${splat(BETA[i])}))\n`;
  s += `(local.set ${v} (f32x4.div (local.get $tp) (local.get $tq)))\n`;
  return s;
}

/** The same for an f32 in local `$s` (scratch $s2 $sp $sq). */
function tanhS(v) {
  let s = `(local.set ${v} (f32.max (f32.const ${-TANH_CLAMP}) (f32.min (f32.const ${TANH_CLAMP}) (local.get ${v}))))\n`;
  s += `(local.set $s2 (f32.mul (local.get ${v}) (local.get ${v})))\n`;
  s += `(local.set $sp (f32.const ${ALPHA[0]}))\n`;
  for (let i = 1; i < ALPHA.length; i++) s += `(local.set $sp (f32.add (f32.mul (local.get $sp) (local.get $s2)) (f32.const ${ALPHA[i]})))\n`;
  s += `(local.set $sp (f32.mul (local.get $sp) (local.get ${v})))\n`;
  s += `(local.set $sq (f32.const ${BETA[0]}))\n`;
  for (let i = 1; i < BETA.length; i++) s += `(local.set $sq (f32.add (f32.mul (local.get $sq) (local.get $s2)) (f32.const ${BETA[i]})))\n`;
  s += `(local.set ${v} (f32.div (local.get $sp) (local.get $sq)))\n`;
  return s;
}

const TANH_LOCALS = '(local $t2 v128) (local $tp v128) (local $tq v128) (local $s2 f32) (local $sp f32) (local $sq f32)';

/**
 * One register block of gemm: R rows × (V vectors of 4 columns, or 1 scalar column when
 * V = 0) at row $i, column $j. Sums over p in increasing order.
 */
function gemmBlock(R, V) {
  const scalar = V === 0;
  const cols = scalar ? 1 : V;
  const acc = (r, c) => `$a${r}_${c}`;
  let s = '';
  // initial values: accumulate and/or bias
  for (let r = 0; r < R; r++) {
    s += `(local.set $yrow (i32.add (local.get $Y) (i32.shl (i32.add (i32.mul (i32.add (local.get $i) (i32.const ${r})) (local.get $ldy)) (local.get $j)) (i32.const 2))))\n`;
    s += `(local.set $brow (i32.add (local.get $B) (i32.shl (i32.add (i32.mul (i32.div_u (i32.add (local.get $i) (i32.const ${r})) (local.get $bdiv)) (local.get $bstride)) (local.get $j)) (i32.const 2))))\n`;
    for (let c = 0; c < cols; c++) {
      const a = acc(r, c);
      if (scalar) {
        s += `(local.set ${a}s (select (f32.load (local.get $yrow)) (f32.const 0) (local.get $accum)))\n`;
        s += `(if (local.get $B) (then (local.set ${a}s (f32.add (local.get ${a}s) (f32.load (local.get $brow))))))\n`;
      } else {
        s += `(local.set ${a} (select (v128.load offset=${c * 16} (local.get $yrow)) (v128.const i32x4 0 0 0 0) (local.get $accum)))\n`;
        s += `(if (local.get $B) (then (local.set ${a} (f32x4.add (local.get ${a}) (v128.load offset=${c * 16} (local.get $brow))))))\n`;
      }
    }
  }
  // reduction over p
  s += `(local.set $xp (i32.add (local.get $X) (i32.shl (i32.mul (local.get $i) (local.get $ldx)) (i32.const 2))))\n`;
  s += `(local.set $wp (i32.add (local.get $W) (i32.shl (local.get $j) (i32.const 2))))\n`;
  s += `(local.set $p (i32.const 0))\n`;
  s += `(block $ep (loop $lp (br_if $ep (i32.ge_u (local.get $p) (local.get $k)))\n`;
  if (scalar) {
    s += `(local.set $ws (f32.load (local.get $wp)))\n`;
    for (let r = 0; r < R; r++) {
      s += `(local.set ${acc(r, 0)}s (f32.add (local.get ${acc(r, 0)}s) (f32.mul (f32.load (i32.add (local.get $xp) (i32.mul (i32.const ${r}) (local.get $xrb)))) (local.get $ws))))\n`;
    }
  } else {
    for (let c = 0; c < V; c++) s += `(local.set $w${c} (v128.load offset=${c * 16} (local.get $wp)))\n`;
    for (let r = 0; r < R; r++) {
      s += `(local.set $x (v128.load32_splat (i32.add (local.get $xp) (i32.mul (i32.const ${r}) (local.get $xrb)))))\n`;
      for (let c = 0; c < V; c++) s += `(local.set ${acc(r, c)} (f32x4.add (local.get ${acc(r, c)}) (f32x4.mul (local.get $x) (local.get $w${c}))))\n`;
    }
  }
  s += `(local.set $xp (i32.add (local.get $xp) (i32.const 4)))\n`;
  s += `(local.set $wp (i32.add (local.get $wp) (local.get $wrb)))\n`;
  s += `(local.set $p (i32.add (local.get $p) (i32.const 1)))\n`;
  s += `(br $lp)))\n`;
  // epilogue
  for (let r = 0; r < R; r++) {
    s += `(local.set $yrow (i32.add (local.get $Y) (i32.shl (i32.add (i32.mul (i32.add (local.get $i) (i32.const ${r})) (local.get $ldy)) (local.get $j)) (i32.const 2))))\n`;
    for (let c = 0; c < cols; c++) {
      const a = acc(r, c);
      if (scalar) {
        s += `(if (local.get $tanh) (then ${tanhS(`${a}s`)}))\n`;
        s += `(f32.store (local.get $yrow) (local.get ${a}s))\n`;
      } else {
        s += `(if (local.get $tanh) (then ${tanhV(a)}))\n`;
        s += `(v128.store offset=${c * 16} (local.get $yrow) (local.get ${a}))\n`;
      }
    }
  }
  return s;
}

/** Column sweep of one row block: blocks of 8, then 4, then single columns. */
function gemmRowBlock(R) {
  let s = `(local.set $j (i32.const 0))\n`;
  s += `(block $e8 (loop $l8 (br_if $e8 (i32.gt_u (i32.add (local.get $j) (i32.const 8)) (local.get $n)))\n${gemmBlock(R, 2)}(local.set $j (i32.add (local.get $j) (i32.const 8))) (br $l8)))\n`;
  s += `(if (i32.le_u (i32.add (local.get $j) (i32.const 4)) (local.get $n)) (then\n${gemmBlock(R, 1)}(local.set $j (i32.add (local.get $j) (i32.const 4)))))\n`;
  s += `(block $e1 (loop $l1 (br_if $e1 (i32.ge_u (local.get $j) (local.get $n)))\n${gemmBlock(R, 0)}(local.set $j (i32.add (local.get $j) (i32.const 1))) (br $l1)))\n`;
  return s;
}

function gemm() {
  let locals = '(local $i i32) (local $j i32) (local $p i32) (local $xp i32) (local $wp i32) (local $yrow i32) (local $brow i32) (local $xrb i32) (local $wrb i32)';
  locals += ' (local $accum i32) (local $tanh i32) (local $x v128) (local $w0 v128) (local $w1 v128) (local $ws f32) ' + TANH_LOCALS;
  for (let r = 0; r < 4; r++) for (let c = 0; c < 2; c++) locals += ` (local $a${r}_${c} v128)`;
  for (let r = 0; r < 4; r++) locals += ` (local $a${r}_0s f32)`;
  return `(func (export "gemm") (param $X i32) (param $ldx i32) (param $W i32) (param $ldw i32) (param $B i32) (param $bstride i32) (param $bdiv i32)
    (param $Y i32) (param $ldy i32) (param $m0 i32) (param $m1 i32) (param $k i32) (param $n i32) (param $flags i32)
  ${locals}
  (local.set $tanh (i32.and (local.get $flags) (i32.const 1)))
  (local.set $accum (i32.and (local.get $flags) (i32.const 2)))
  (local.set $xrb (i32.shl (local.get $ldx) (i32.const 2)))
  (local.set $wrb (i32.shl (local.get $ldw) (i32.const 2)))
  (local.set $i (local.get $m0))
  (block $e4 (loop $l4 (br_if $e4 (i32.gt_u (i32.add (local.get $i) (i32.const 4)) (local.get $m1)))
${gemmRowBlock(4)}
    (local.set $i (i32.add (local.get $i) (i32.const 4))) (br $l4)))
  (block $e1r (loop $l1r (br_if $e1r (i32.ge_u (local.get $i) (local.get $m1)))
${gemmRowBlock(1)}
    (local.set $i (i32.add (local.get $i) (i32.const 1))) (br $l1r)))
)`;
}

/** y[i] = b + Σ_p X[i,p]·w[p]: four lanes over p, then a scalar tail, lanes summed 0+1+2+3. */
function gemv() {
  return `(func (export "gemv") (param $X i32) (param $ldx i32) (param $w i32) (param $b f32) (param $y i32) (param $m0 i32) (param $m1 i32) (param $k i32)
  (local $i i32) (local $p i32) (local $xp i32) (local $acc v128) (local $s f32) (local $k4 i32)
  (local.set $k4 (i32.and (local.get $k) (i32.const -4)))
  (local.set $i (local.get $m0))
  (block $ei (loop $li (br_if $ei (i32.ge_u (local.get $i) (local.get $m1)))
    (local.set $xp (i32.add (local.get $X) (i32.shl (i32.mul (local.get $i) (local.get $ldx)) (i32.const 2))))
    (local.set $acc (v128.const i32x4 0 0 0 0))
    (local.set $p (i32.const 0))
    (block $ep (loop $lp (br_if $ep (i32.ge_u (local.get $p) (local.get $k4)))
      (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul (v128.load (i32.add (local.get $xp) (i32.shl (local.get $p) (i32.const 2))))
                                                             (v128.load (i32.add (local.get $w) (i32.shl (local.get $p) (i32.const 2)))))))
      (local.set $p (i32.add (local.get $p) (i32.const 4))) (br $lp)))
    (local.set $s (f32.add (f32.add (f32x4.extract_lane 0 (local.get $acc)) (f32x4.extract_lane 1 (local.get $acc)))
                           (f32.add (f32x4.extract_lane 2 (local.get $acc)) (f32x4.extract_lane 3 (local.get $acc)))))
    (block $et (loop $lt (br_if $et (i32.ge_u (local.get $p) (local.get $k)))
      (local.set $s (f32.add (local.get $s) (f32.mul (f32.load (i32.add (local.get $xp) (i32.shl (local.get $p) (i32.const 2))))
                                                     (f32.load (i32.add (local.get $w) (i32.shl (local.get $p) (i32.const 2)))))))
      (local.set $p (i32.add (local.get $p) (i32.const 1))) (br $lt)))
    (f32.store (i32.add (local.get $y) (i32.shl (local.get $i) (i32.const 2))) (f32.add (local.get $s) (local.get $b)))
    (local.set $i (i32.add (local.get $i) (i32.const 1))) (br $li)))
)`;
}

/** One register block of gemm_tn: R output rows p × V vectors (or 1 scalar column) at ($p, $j), summing over i. */
function tnBlock(R, V) {
  const scalar = V === 0;
  const cols = scalar ? 1 : V;
  const acc = (r, c) => (scalar ? `$a${r}_0s` : `$a${r}_${c}`);
  let s = '';
  for (let r = 0; r < R; r++) {
    s += `(local.set $grow (i32.add (local.get $G) (i32.shl (i32.add (i32.mul (i32.add (local.get $p) (i32.const ${r})) (local.get $ldg)) (local.get $j)) (i32.const 2))))\n`;
    for (let c = 0; c < cols; c++) {
      if (scalar) s += `(local.set ${acc(r, c)} (select (f32.load (local.get $grow)) (f32.const 0) (local.get $load)))\n`;
      else s += `(local.set ${acc(r, c)} (select (v128.load offset=${c * 16} (local.get $grow)) (v128.const i32x4 0 0 0 0) (local.get $load)))\n`;
    }
  }
  s += `(local.set $xp (i32.add (local.get $X) (i32.shl (i32.add (i32.mul (local.get $i0) (local.get $ldx)) (local.get $p)) (i32.const 2))))\n`;
  s += `(local.set $dp (i32.add (local.get $D) (i32.shl (i32.add (i32.mul (local.get $i0) (local.get $ldd)) (local.get $j)) (i32.const 2))))\n`;
  s += `(local.set $i (local.get $i0))\n`;
  s += `(block $ei (loop $li (br_if $ei (i32.ge_u (local.get $i) (local.get $i1)))\n`;
  if (scalar) {
    s += `(local.set $ws (f32.load (local.get $dp)))\n`;
    for (let r = 0; r < R; r++) s += `(local.set ${acc(r, 0)} (f32.add (local.get ${acc(r, 0)}) (f32.mul (f32.load offset=${r * 4} (local.get $xp)) (local.get $ws))))\n`;
  } else {
    for (let c = 0; c < V; c++) s += `(local.set $w${c} (v128.load offset=${c * 16} (local.get $dp)))\n`;
    for (let r = 0; r < R; r++) {
      s += `(local.set $x (v128.load32_splat offset=${r * 4} (local.get $xp)))\n`;
      for (let c = 0; c < V; c++) s += `(local.set ${acc(r, c)} (f32x4.add (local.get ${acc(r, c)}) (f32x4.mul (local.get $x) (local.get $w${c}))))\n`;
    }
  }
  s += `(local.set $xp (i32.add (local.get $xp) (local.get $xrb)))\n`;
  s += `(local.set $dp (i32.add (local.get $dp) (local.get $drb)))\n`;
  s += `(local.set $i (i32.add (local.get $i) (i32.const 1)))\n`;
  s += `(br $li)))\n`;
  for (let r = 0; r < R; r++) {
    s += `(local.set $grow (i32.add (local.get $G) (i32.shl (i32.add (i32.mul (i32.add (local.get $p) (i32.const ${r})) (local.get $ldg)) (local.get $j)) (i32.const 2))))\n`;
    for (let c = 0; c < cols; c++) {
      if (scalar) s += `(f32.store (local.get $grow) (local.get ${acc(r, c)}))\n`;
      else s += `(v128.store offset=${c * 16} (local.get $grow) (local.get ${acc(r, c)}))\n`;
    }
  }
  return s;
}

function tnRowBlock(R) {
  let s = `(local.set $j (i32.const 0))\n`;
  s += `(block $e8 (loop $l8 (br_if $e8 (i32.gt_u (i32.add (local.get $j) (i32.const 8)) (local.get $n)))\n${tnBlock(R, 2)}(local.set $j (i32.add (local.get $j) (i32.const 8))) (br $l8)))\n`;
  s += `(if (i32.le_u (i32.add (local.get $j) (i32.const 4)) (local.get $n)) (then\n${tnBlock(R, 1)}(local.set $j (i32.add (local.get $j) (i32.const 4)))))\n`;
  s += `(block $e1 (loop $l1 (br_if $e1 (i32.ge_u (local.get $j) (local.get $n)))\n${tnBlock(R, 0)}(local.set $j (i32.add (local.get $j) (i32.const 1))) (br $l1)))\n`;
  return s;
}

/**
 * Rows of X and D are taken in chunks of TN_CHUNK, every output block swept per chunk: the
 * chunk stays in cache while the blocks reuse it. Each G element still sums over i in
 * increasing order (its accumulator is stored and reloaded between chunks), so the result
 * is bit-identical to one sweep.
 */
const TN_CHUNK = 128;

function gemmTn() {
  let locals = '(local $i i32) (local $j i32) (local $p i32) (local $xp i32) (local $dp i32) (local $grow i32) (local $xrb i32) (local $drb i32)';
  locals += ' (local $accum i32) (local $load i32) (local $i0 i32) (local $i1 i32) (local $x v128) (local $w0 v128) (local $w1 v128) (local $ws f32)';
  for (let r = 0; r < 4; r++) for (let c = 0; c < 2; c++) locals += ` (local $a${r}_${c} v128)`;
  for (let r = 0; r < 4; r++) locals += ` (local $a${r}_0s f32)`;
  return `(func (export "gemm_tn") (param $X i32) (param $ldx i32) (param $D i32) (param $ldd i32) (param $G i32) (param $ldg i32)
    (param $m i32) (param $p0 i32) (param $p1 i32) (param $n i32) (param $flags i32)
  ${locals}
  (local.set $accum (i32.and (local.get $flags) (i32.const 2)))
  (local.set $xrb (i32.shl (local.get $ldx) (i32.const 2)))
  (local.set $drb (i32.shl (local.get $ldd) (i32.const 2)))
  (local.set $i0 (i32.const 0))
  (block $ec (loop $lc
    (local.set $i1 (select (i32.add (local.get $i0) (i32.const ${TN_CHUNK})) (local.get $m) (i32.lt_u (i32.add (local.get $i0) (i32.const ${TN_CHUNK})) (local.get $m))))
    (local.set $load (i32.or (local.get $accum) (local.get $i0)))
    (local.set $p (local.get $p0))
    (block $e4 (loop $l4 (br_if $e4 (i32.gt_u (i32.add (local.get $p) (i32.const 4)) (local.get $p1)))
${tnRowBlock(4)}
      (local.set $p (i32.add (local.get $p) (i32.const 4))) (br $l4)))
    (block $e1r (loop $l1r (br_if $e1r (i32.ge_u (local.get $p) (local.get $p1)))
${tnRowBlock(1)}
      (local.set $p (i32.add (local.get $p) (i32.const 1))) (br $l1r)))
    (local.set $i0 (local.get $i1))
    (br_if $lc (i32.lt_u (local.get $i0) (local.get $m)))))
)`;
}

/** g[p] = Σ_i X[i,p]·d[i] for p in [p0,p1): four p at a time from one contiguous load. */
function gemvTn() {
  return `(func (export "gemv_tn") (param $X i32) (param $ldx i32) (param $d i32) (param $g i32) (param $m i32) (param $p0 i32) (param $p1 i32) (param $flags i32)
  (local $i i32) (local $p i32) (local $xp i32) (local $acc v128) (local $s f32) (local $accum i32) (local $xrb i32)
  (local.set $accum (i32.and (local.get $flags) (i32.const 2)))
  (local.set $xrb (i32.shl (local.get $ldx) (i32.const 2)))
  (local.set $p (local.get $p0))
  (block $e4 (loop $l4 (br_if $e4 (i32.gt_u (i32.add (local.get $p) (i32.const 4)) (local.get $p1)))
    (local.set $acc (select (v128.load (i32.add (local.get $g) (i32.shl (local.get $p) (i32.const 2)))) (v128.const i32x4 0 0 0 0) (local.get $accum)))
    (local.set $xp (i32.add (local.get $X) (i32.shl (local.get $p) (i32.const 2))))
    (local.set $i (i32.const 0))
    (block $ei (loop $li (br_if $ei (i32.ge_u (local.get $i) (local.get $m)))
      (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul (v128.load (local.get $xp))
                                                             (v128.load32_splat (i32.add (local.get $d) (i32.shl (local.get $i) (i32.const 2)))))))
      (local.set $xp (i32.add (local.get $xp) (local.get $xrb)))
      (local.set $i (i32.add (local.get $i) (i32.const 1))) (br $li)))
    (v128.store (i32.add (local.get $g) (i32.shl (local.get $p) (i32.const 2))) (local.get $acc))
    (local.set $p (i32.add (local.get $p) (i32.const 4))) (br $l4)))
  (block $e1 (loop $l1 (br_if $e1 (i32.ge_u (local.get $p) (local.get $p1)))
    (local.set $s (select (f32.load (i32.add (local.get $g) (i32.shl (local.get $p) (i32.const 2)))) (f32.const 0) (local.get $accum)))
    (local.set $xp (i32.add (local.get $X) (i32.shl (local.get $p) (i32.const 2))))
    (local.set $i (i32.const 0))
    (block $ei (loop $li (br_if $ei (i32.ge_u (local.get $i) (local.get $m)))
      (local.set $s (f32.add (local.get $s) (f32.mul (f32.load (local.get $xp)) (f32.load (i32.add (local.get $d) (i32.shl (local.get $i) (i32.const 2)))))))
      (local.set $xp (i32.add (local.get $xp) (local.get $xrb)))
      (local.set $i (i32.add (local.get $i) (i32.const 1))) (br $li)))
    (f32.store (i32.add (local.get $g) (i32.shl (local.get $p) (i32.const 2))) (local.get $s))
    (local.set $p (i32.add (local.get $p) (i32.const 1))) (br $l1)))
)`;
}


/**
 * pool_features: for transition t, entry e: entry[(tP+e)·ew ..] = [x, x⊙q, memory], and
 * shared[t·sw ..] = [q, mean of the P entries]. Offsets pool, q, mem are columns of obs.
 * Four columns of D at a time (D a multiple of 4), then scalars.
 */
function poolFeatures() {
  return `(func (export "pool_features") (param $obs i32) (param $ldo i32) (param $pool i32) (param $q i32) (param $mem i32)
    (param $P i32) (param $D i32) (param $f i32) (param $entry i32) (param $ew i32) (param $shared i32) (param $sw i32) (param $t0 i32) (param $t1 i32)
  (local $t i32) (local $e i32) (local $d i32) (local $row i32) (local $src i32) (local $dst i32) (local $sh i32) (local $qp i32)
  (local $x v128) (local $inv f32) (local $xs f32) ;; $inv holds P as a float
  (local.set $inv (f32.convert_i32_u (local.get $P)))
  (local.set $t (local.get $t0))
  (block $et (loop $lt (br_if $et (i32.ge_u (local.get $t) (local.get $t1)))
    (local.set $row (i32.add (local.get $obs) (i32.shl (i32.mul (local.get $t) (local.get $ldo)) (i32.const 2))))
    (local.set $qp (i32.add (local.get $row) (i32.shl (local.get $q) (i32.const 2))))
    (local.set $sh (i32.add (local.get $shared) (i32.shl (i32.mul (local.get $t) (local.get $sw)) (i32.const 2))))
    ;; shared: q, and the mean accumulated below from zero
    (local.set $d (i32.const 0))
    (block $ed (loop $ld (br_if $ed (i32.ge_u (local.get $d) (local.get $D)))
      (f32.store (i32.add (local.get $sh) (i32.shl (local.get $d) (i32.const 2))) (f32.load (i32.add (local.get $qp) (i32.shl (local.get $d) (i32.const 2)))))
      (f32.store (i32.add (local.get $sh) (i32.shl (i32.add (local.get $D) (local.get $d)) (i32.const 2))) (f32.const 0))
      (local.set $d (i32.add (local.get $d) (i32.const 1))) (br $ld)))
    (local.set $e (i32.const 0))
    (block $ee (loop $le (br_if $ee (i32.ge_u (local.get $e) (local.get $P)))
      (local.set $src (i32.add (local.get $row) (i32.shl (i32.add (local.get $pool) (i32.mul (local.get $e) (local.get $D))) (i32.const 2))))
      (local.set $dst (i32.add (local.get $entry) (i32.shl (i32.mul (i32.add (i32.mul (local.get $t) (local.get $P)) (local.get $e)) (local.get $ew)) (i32.const 2))))
      (local.set $d (i32.const 0))
      (block $ed4 (loop $ld4 (br_if $ed4 (i32.gt_u (i32.add (local.get $d) (i32.const 4)) (local.get $D)))
        (local.set $x (v128.load (i32.add (local.get $src) (i32.shl (local.get $d) (i32.const 2)))))
        (v128.store (i32.add (local.get $dst) (i32.shl (local.get $d) (i32.const 2))) (local.get $x))
        (v128.store (i32.add (local.get $dst) (i32.shl (i32.add (local.get $D) (local.get $d)) (i32.const 2)))
          (f32x4.mul (local.get $x) (v128.load (i32.add (local.get $qp) (i32.shl (local.get $d) (i32.const 2))))))
        (v128.store (i32.add (local.get $sh) (i32.shl (i32.add (local.get $D) (local.get $d)) (i32.const 2)))
          (f32x4.add (local.get $x) (v128.load (i32.add (local.get $sh) (i32.shl (i32.add (local.get $D) (local.get $d)) (i32.const 2))))))
        (local.set $d (i32.add (local.get $d) (i32.const 4))) (br $ld4)))
      (block $ed1 (loop $ld1 (br_if $ed1 (i32.ge_u (local.get $d) (local.get $D)))
        (local.set $xs (f32.load (i32.add (local.get $src) (i32.shl (local.get $d) (i32.const 2)))))
        (f32.store (i32.add (local.get $dst) (i32.shl (local.get $d) (i32.const 2))) (local.get $xs))
        (f32.store (i32.add (local.get $dst) (i32.shl (i32.add (local.get $D) (local.get $d)) (i32.const 2)))
          (f32.mul (local.get $xs) (f32.load (i32.add (local.get $qp) (i32.shl (local.get $d) (i32.const 2))))))
        (f32.store (i32.add (local.get $sh) (i32.shl (i32.add (local.get $D) (local.get $d)) (i32.const 2)))
          (f32.add (local.get $xs) (f32.load (i32.add (local.get $sh) (i32.shl (i32.add (local.get $D) (local.get $d)) (i32.const 2))))))
        (local.set $d (i32.add (local.get $d) (i32.const 1))) (br $ld1)))
      ;; memory features of this entry
      (local.set $d (i32.const 0))
      (block $ef (loop $lf (br_if $ef (i32.ge_u (local.get $d) (local.get $f)))
        (f32.store (i32.add (local.get $dst) (i32.shl (i32.add (i32.shl (local.get $D) (i32.const 1)) (local.get $d)) (i32.const 2)))
          (f32.load (i32.add (local.get $row) (i32.shl (i32.add (i32.add (local.get $mem) (i32.mul (local.get $e) (local.get $f))) (local.get $d)) (i32.const 2)))))
        (local.set $d (i32.add (local.get $d) (i32.const 1))) (br $lf)))
      (local.set $e (i32.add (local.get $e) (i32.const 1))) (br $le)))
    ;; mean = sum / P
    (local.set $d (i32.const 0))
    (block $em (loop $lm (br_if $em (i32.ge_u (local.get $d) (local.get $D)))
      (local.set $src (i32.add (local.get $sh) (i32.shl (i32.add (local.get $D) (local.get $d)) (i32.const 2))))
      (f32.store (local.get $src) (f32.div (f32.load (local.get $src)) (local.get $inv)))
      (local.set $d (i32.add (local.get $d) (i32.const 1))) (br $lm)))
    (local.set $t (i32.add (local.get $t) (i32.const 1))) (br $lt)))
)`;
}

/** out[j] = Σ_i D[i,j] (four columns at a time, then single ones). */
function colsum() {
  return `(func $colsum (export "colsum") (param $D i32) (param $ldd i32) (param $m i32) (param $n i32) (param $out i32) (param $flags i32)
  (local $i i32) (local $j i32) (local $dp i32) (local $acc v128) (local $s f32) (local $drb i32) (local $accum i32)
  (local.set $accum (i32.and (local.get $flags) (i32.const 2)))
  (local.set $drb (i32.shl (local.get $ldd) (i32.const 2)))
  (local.set $j (i32.const 0))
  (block $e4 (loop $l4 (br_if $e4 (i32.gt_u (i32.add (local.get $j) (i32.const 4)) (local.get $n)))
    (local.set $acc (select (v128.load (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 2)))) (v128.const i32x4 0 0 0 0) (local.get $accum)))
    (local.set $dp (i32.add (local.get $D) (i32.shl (local.get $j) (i32.const 2))))
    (local.set $i (i32.const 0))
    (block $ei (loop $li (br_if $ei (i32.ge_u (local.get $i) (local.get $m)))
      (local.set $acc (f32x4.add (local.get $acc) (v128.load (local.get $dp))))
      (local.set $dp (i32.add (local.get $dp) (local.get $drb)))
      (local.set $i (i32.add (local.get $i) (i32.const 1))) (br $li)))
    (v128.store (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 2))) (local.get $acc))
    (local.set $j (i32.add (local.get $j) (i32.const 4))) (br $l4)))
  (block $e1 (loop $l1 (br_if $e1 (i32.ge_u (local.get $j) (local.get $n)))
    (local.set $s (select (f32.load (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 2)))) (f32.const 0) (local.get $accum)))
    (local.set $dp (i32.add (local.get $D) (i32.shl (local.get $j) (i32.const 2))))
    (local.set $i (i32.const 0))
    (block $ei (loop $li (br_if $ei (i32.ge_u (local.get $i) (local.get $m)))
      (local.set $s (f32.add (local.get $s) (f32.load (local.get $dp))))
      (local.set $dp (i32.add (local.get $dp) (local.get $drb)))
      (local.set $i (i32.add (local.get $i) (i32.const 1))) (br $li)))
    (f32.store (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 2))) (local.get $s))
    (local.set $j (i32.add (local.get $j) (i32.const 1))) (br $l1)))
)`;
}

/** out[g, j] = Σ_{r<size} D[g·size + r, j]: the column sums of each group of `size` rows. */
function groupSum() {
  return `(func (export "group_sum") (param $D i32) (param $ldd i32) (param $groups i32) (param $size i32) (param $n i32) (param $out i32) (param $ldo i32)
  (local $g i32)
  (local.set $g (i32.const 0))
  (block $e (loop $l (br_if $e (i32.ge_u (local.get $g) (local.get $groups)))
    (call $colsum
      (i32.add (local.get $D) (i32.shl (i32.mul (i32.mul (local.get $g) (local.get $size)) (local.get $ldd)) (i32.const 2)))
      (local.get $ldd) (local.get $size) (local.get $n)
      (i32.add (local.get $out) (i32.shl (i32.mul (local.get $g) (local.get $ldo)) (i32.const 2)))
      (i32.const 0))
    (local.set $g (i32.add (local.get $g) (i32.const 1))) (br $l)))
)`;
}

/** An elementwise SIMD loop over `count` floats with a scalar tail; `vec`/`sca` are the bodies at byte offset $o. */
function elementwise(name, params, vec, sca, extraLocals = '') {
  return `(func (export "${name}") ${params} (param $count i32)
  (local $o i32) (local $end4 i32) (local $end i32) ${extraLocals}
  (local.set $end (i32.shl (local.get $count) (i32.const 2)))
  (local.set $end4 (i32.shl (i32.and (local.get $count) (i32.const -4)) (i32.const 2)))
  (local.set $o (i32.const 0))
  (block $e4 (loop $l4 (br_if $e4 (i32.ge_u (local.get $o) (local.get $end4)))
    ${vec}
    (local.set $o (i32.add (local.get $o) (i32.const 16))) (br $l4)))
  (block $e1 (loop $l1 (br_if $e1 (i32.ge_u (local.get $o) (local.get $end)))
    ${sca}
    (local.set $o (i32.add (local.get $o) (i32.const 4))) (br $l1)))
)`;
}

const at = (base) => `(i32.add (local.get ${base}) (local.get $o))`;

function tanhBwd() {
  return elementwise(
    'tanh_bwd',
    '(param $D i32) (param $H i32)',
    `(local.set $h (v128.load ${at('$H')}))
     (v128.store ${at('$D')} (f32x4.mul (v128.load ${at('$D')}) (f32x4.sub ${splat(1)} (f32x4.mul (local.get $h) (local.get $h)))))`,
    `(local.set $hs (f32.load ${at('$H')}))
     (f32.store ${at('$D')} (f32.mul (f32.load ${at('$D')}) (f32.sub (f32.const 1) (f32.mul (local.get $hs) (local.get $hs)))))`,
    '(local $h v128) (local $hs f32)',
  );
}

/** tfjs's Adam, op for op: m ← β1 m + (1−β1) g; v ← β2 v + (1−β2) g²; p ← p + (m/c1)/(√(v/c2) + ε)·(−lr). */
function adam() {
  const vec = `
    (local.set $g (v128.load ${at('$G')}))
    (local.set $m (f32x4.add (f32x4.mul (v128.load ${at('$M')}) (local.get $vb1)) (f32x4.mul (local.get $g) (local.get $vob1))))
    (local.set $v (f32x4.add (f32x4.mul (v128.load ${at('$V')}) (local.get $vb2)) (f32x4.mul (f32x4.mul (local.get $g) (local.get $g)) (local.get $vob2))))
    (v128.store ${at('$M')} (local.get $m))
    (v128.store ${at('$V')} (local.get $v))
    (v128.store ${at('$P')} (f32x4.add (f32x4.mul (f32x4.div (f32x4.div (local.get $m) (local.get $vc1))
                                                             (f32x4.add (f32x4.sqrt (f32x4.div (local.get $v) (local.get $vc2))) (local.get $veps)))
                                                   (local.get $vnlr))
                                         (v128.load ${at('$P')})))`;
  const sca = `
    (local.set $gs (f32.load ${at('$G')}))
    (local.set $ms (f32.add (f32.mul (f32.load ${at('$M')}) (local.get $b1)) (f32.mul (local.get $gs) (f32.sub (f32.const 1) (local.get $b1)))))
    (local.set $vs (f32.add (f32.mul (f32.load ${at('$V')}) (local.get $b2)) (f32.mul (f32.mul (local.get $gs) (local.get $gs)) (f32.sub (f32.const 1) (local.get $b2)))))
    (f32.store ${at('$M')} (local.get $ms))
    (f32.store ${at('$V')} (local.get $vs))
    (f32.store ${at('$P')} (f32.add (f32.mul (f32.div (f32.div (local.get $ms) (local.get $c1))
                                                      (f32.add (f32.sqrt (f32.div (local.get $vs) (local.get $c2))) (local.get $eps)))
                                             (f32.neg (local.get $lr)))
                                    (f32.load ${at('$P')})))`;
  const f = elementwise(
    'adam',
    '(param $P i32) (param $G i32) (param $M i32) (param $V i32) (param $lr f32) (param $b1 f32) (param $b2 f32) (param $eps f32) (param $c1 f32) (param $c2 f32)',
    vec,
    sca,
    '(local $g v128) (local $m v128) (local $v v128) (local $gs f32) (local $ms f32) (local $vs f32) (local $vb1 v128) (local $vb2 v128) (local $vob1 v128) (local $vob2 v128) (local $vc1 v128) (local $vc2 v128) (local $veps v128) (local $vnlr v128)',
  );
  // splat the scalars once, before the loops
  return f.replace(
    '(local.set $end (i32.shl',
    `(local.set $vb1 (f32x4.splat (local.get $b1))) (local.set $vb2 (f32x4.splat (local.get $b2)))
  (local.set $vob1 (f32x4.splat (f32.sub (f32.const 1) (local.get $b1)))) (local.set $vob2 (f32x4.splat (f32.sub (f32.const 1) (local.get $b2))))
  (local.set $vc1 (f32x4.splat (local.get $c1))) (local.set $vc2 (f32x4.splat (local.get $c2)))
  (local.set $veps (f32x4.splat (local.get $eps))) (local.set $vnlr (f32x4.splat (f32.neg (local.get $lr))))
  (local.set $end (i32.shl`,
  );
}

function sumsq() {
  return `(func (export "sumsq") (param $X i32) (param $count i32) (result f32)
  (local $o i32) (local $end4 i32) (local $end i32) (local $acc v128) (local $x v128) (local $s f32) (local $xs f32)
  (local.set $end (i32.shl (local.get $count) (i32.const 2)))
  (local.set $end4 (i32.shl (i32.and (local.get $count) (i32.const -4)) (i32.const 2)))
  (block $e4 (loop $l4 (br_if $e4 (i32.ge_u (local.get $o) (local.get $end4)))
    (local.set $x (v128.load ${at('$X')}))
    (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul (local.get $x) (local.get $x))))
    (local.set $o (i32.add (local.get $o) (i32.const 16))) (br $l4)))
  (local.set $s (f32.add (f32.add (f32x4.extract_lane 0 (local.get $acc)) (f32x4.extract_lane 1 (local.get $acc)))
                         (f32.add (f32x4.extract_lane 2 (local.get $acc)) (f32x4.extract_lane 3 (local.get $acc)))))
  (block $e1 (loop $l1 (br_if $e1 (i32.ge_u (local.get $o) (local.get $end)))
    (local.set $xs (f32.load ${at('$X')}))
    (local.set $s (f32.add (local.get $s) (f32.mul (local.get $xs) (local.get $xs))))
    (local.set $o (i32.add (local.get $o) (i32.const 4))) (br $l1)))
  (local.get $s)
)`;
}

function scale() {
  return elementwise(
    'scale',
    '(param $X i32) (param $s f32)',
    `(v128.store ${at('$X')} (f32x4.mul (v128.load ${at('$X')}) (f32x4.splat (local.get $s))))`,
    `(f32.store ${at('$X')} (f32.mul (f32.load ${at('$X')}) (local.get $s)))`,
  );
}

function add() {
  return elementwise(
    'add',
    '(param $X i32) (param $Y i32)',
    `(v128.store ${at('$Y')} (f32x4.add (v128.load ${at('$Y')}) (v128.load ${at('$X')})))`,
    `(f32.store ${at('$Y')} (f32.add (f32.load ${at('$Y')}) (f32.load ${at('$X')})))`,
  );
}

export function generate() {
  return `;; Generated by kernels.wat.mjs (scripts/build-wasm.mjs); do not edit.
(module
  (import "env" "memory" (memory 1 65536 shared))
${gemm()}
${gemv()}
${gemmTn()}
${gemvTn()}
${colsum()}
${poolFeatures()}
${groupSum()}
${tanhBwd()}
${adam()}
${sumsq()}
${scale()}
${add()}
)
`;
}
