;; One recursive-least-squares step of a ridge estimate, with f64x2 SIMD.
;; Built into ridge-wasm.ts by `npm run build:wasm` (scripts/build-wasm.mjs).
;;
;; rls(a, q, bv, x, u, d, dp, t):
;;   a  : A⁻¹, dp×dp f64 row-major (dp = d rounded up to even; padding is zero)
;;   q  : q = A⁻¹b, d f64          bv : b, d f64
;;   x  : the regressor, dp f64 (padding zero)     u : scratch, dp f64 (padding zero)
;;   t  : the target
;; u = A⁻¹x;  A⁻¹ ← A⁻¹ − uuᵀ/(1 + x·u);  q ← q + u (t − x·q)/(1 + x·u);  b ← b + t x.
(module
  (import "env" "memory" (memory 1))
  (func (export "rls") (param $a i32) (param $q i32) (param $bv i32) (param $x i32) (param $u i32)
                       (param $d i32) (param $dp i32) (param $t f64)
    (local $r i32) (local $c i32) (local $row i32) (local $rowBytes i32)
    (local $acc v128) (local $w v128)
    (local $s f64) (local $xu f64) (local $xq f64) (local $xr f64) (local $ur f64) (local $inv f64) (local $gain f64)
    (local.set $rowBytes (i32.shl (local.get $dp) (i32.const 3)))

    ;; pass 1: u = A⁻¹x, x·u, x·q
    (local.set $row (local.get $a))
    (local.set $r (i32.const 0))
    (block $end1 (loop $rows1
      (br_if $end1 (i32.ge_u (local.get $r) (local.get $d)))
      (local.set $acc (v128.const f64x2 0 0))
      (local.set $c (i32.const 0))
      (block $end2 (loop $cols1
        (br_if $end2 (i32.ge_u (local.get $c) (local.get $rowBytes)))
        (local.set $acc (f64x2.add (local.get $acc)
          (f64x2.mul (v128.load (i32.add (local.get $row) (local.get $c)))
                     (v128.load (i32.add (local.get $x) (local.get $c))))))
        (local.set $c (i32.add (local.get $c) (i32.const 16)))
        (br $cols1)))
      (local.set $s (f64.add (f64x2.extract_lane 0 (local.get $acc)) (f64x2.extract_lane 1 (local.get $acc))))
      (local.set $c (i32.shl (local.get $r) (i32.const 3)))
      (f64.store (i32.add (local.get $u) (local.get $c)) (local.get $s))
      (local.set $xr (f64.load (i32.add (local.get $x) (local.get $c))))
      (local.set $xu (f64.add (local.get $xu) (f64.mul (local.get $xr) (local.get $s))))
      (local.set $xq (f64.add (local.get $xq) (f64.mul (local.get $xr) (f64.load (i32.add (local.get $q) (local.get $c))))))
      (local.set $row (i32.add (local.get $row) (local.get $rowBytes)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $rows1)))

    (local.set $inv (f64.div (f64.const 1) (f64.add (f64.const 1) (local.get $xu))))
    (local.set $gain (f64.mul (f64.sub (local.get $t) (local.get $xq)) (local.get $inv)))

    ;; pass 2: A⁻¹[r, :] −= (u_r/den)·u;  q_r += u_r·gain;  b_r += t·x_r
    (local.set $row (local.get $a))
    (local.set $r (i32.const 0))
    (block $end3 (loop $rows2
      (br_if $end3 (i32.ge_u (local.get $r) (local.get $d)))
      (local.set $c (i32.shl (local.get $r) (i32.const 3)))
      (local.set $ur (f64.load (i32.add (local.get $u) (local.get $c))))
      (f64.store (i32.add (local.get $q) (local.get $c))
        (f64.add (f64.load (i32.add (local.get $q) (local.get $c))) (f64.mul (local.get $ur) (local.get $gain))))
      (f64.store (i32.add (local.get $bv) (local.get $c))
        (f64.add (f64.load (i32.add (local.get $bv) (local.get $c)))
                 (f64.mul (local.get $t) (f64.load (i32.add (local.get $x) (local.get $c))))))
      (local.set $w (f64x2.splat (f64.mul (local.get $ur) (local.get $inv))))
      (local.set $c (i32.const 0))
      (block $end4 (loop $cols2
        (br_if $end4 (i32.ge_u (local.get $c) (local.get $rowBytes)))
        (v128.store (i32.add (local.get $row) (local.get $c))
          (f64x2.sub (v128.load (i32.add (local.get $row) (local.get $c)))
                     (f64x2.mul (local.get $w) (v128.load (i32.add (local.get $u) (local.get $c))))))
        (local.set $c (i32.add (local.get $c) (i32.const 16)))
        (br $cols2)))
      (local.set $row (i32.add (local.get $row) (local.get $rowBytes)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $rows2)))
  )
)
