/**
 * AssemblyScript source of the project's own wasm-SIMD kernels (compiled by `npm run build:kernels` to
 * kernels.wasm beside this file; see scripts/build-kernels.ts). The module imports tfjs-backend-wasm's
 * memory (`env.memory`), so every argument is a byte offset into the tfjs heap: tensors are read and
 * written in place, with no copies in or out. It has no data segments, no globals and no allocator:
 * it must never write anywhere it was not pointed at. Not TypeScript (the `.as` extension keeps tsc away).
 *
 * matmul: C[m, n] = op(A) · op(B) (+ bias) (then ReLU), where op(A) is A [m, k] or, with transA, the
 * transpose of A stored [k, m]; op(B) likewise from B [k, n] or [n, k]. B is first packed into `packed`
 * (ceil(n / 8) · k · 8 floats) as column panels of 8, zero padded, so both layouts of B stream the same
 * way; A is read in place in either layout (four rows of op(A) at a time, one float per row per step).
 * The 4 x 8 register tile keeps 8 accumulators plus 3 operands in V8's 16 SIMD registers on x64.
 */

/** Writes the 8-column panels of op(B) into `packed`. */
function packB(b: usize, packed: usize, k: i32, n: i32, transB: i32): void {
  const blocks = (n + 7) >> 3;
  for (let jb = 0; jb < blocks; jb++) {
    const j0 = jb << 3;
    const width = min(8, n - j0);
    let dst = packed + ((<usize>jb * <usize>k) << 5);
    if (transB == 0 && width == 8) {
      let src = b + (<usize>j0 << 2);
      const rowBytes: usize = <usize>n << 2;
      for (let kk = 0; kk < k; kk++) {
        v128.store(dst, v128.load(src));
        v128.store(dst, v128.load(src, 16), 16);
        src += rowBytes;
        dst += 32;
      }
    } else if (transB == 0) {
      for (let kk = 0; kk < k; kk++) {
        const src = b + ((<usize>kk * <usize>n + <usize>j0) << 2);
        for (let c = 0; c < 8; c++) f32.store(dst + (<usize>c << 2), c < width ? f32.load(src + (<usize>c << 2)) : 0);
        dst += 32;
      }
    } else {
      // op(B)[kk, j] = B[j, kk]: one column of the panel is one contiguous row of B.
      for (let c = 0; c < 8; c++) {
        let out = dst + (<usize>c << 2);
        if (c < width) {
          let src = b + ((<usize>(j0 + c) * <usize>k) << 2);
          for (let kk = 0; kk < k; kk++) {
            f32.store(out, f32.load(src));
            src += 4;
            out += 32;
          }
        } else {
          for (let kk = 0; kk < k; kk++) {
            f32.store(out, 0);
            out += 32;
          }
        }
      }
    }
  }
}

/** Stores the first `width` (1 to 8) lanes of one output row, after the bias and ReLU epilogue. */
@inline
function storeRow(out: usize, lo: v128, hi: v128, width: i32, biasLo: v128, biasHi: v128, relu: i32): void {
  lo = f32x4.add(lo, biasLo);
  hi = f32x4.add(hi, biasHi);
  if (relu != 0) {
    const zero = f32x4.splat(0);
    lo = f32x4.max(lo, zero);
    hi = f32x4.max(hi, zero);
  }
  if (width == 8) {
    v128.store(out, lo);
    v128.store(out, hi, 16);
    return;
  }
  if (width > 0) f32.store(out, f32x4.extract_lane(lo, 0));
  if (width > 1) f32.store(out, f32x4.extract_lane(lo, 1), 4);
  if (width > 2) f32.store(out, f32x4.extract_lane(lo, 2), 8);
  if (width > 3) f32.store(out, f32x4.extract_lane(lo, 3), 12);
  if (width > 4) f32.store(out, f32x4.extract_lane(hi, 0), 16);
  if (width > 5) f32.store(out, f32x4.extract_lane(hi, 1), 20);
  if (width > 6) f32.store(out, f32x4.extract_lane(hi, 2), 24);
}

/** Loads up to 8 bias values of one column block (zeros past `width`, or all zeros without a bias). */
@inline
function biasLane(bias: usize, j: i32, width: i32): f32 {
  return bias != 0 && j < width ? f32.load(bias + (<usize>j << 2)) : 0;
}

export function matmul(a: usize, b: usize, c: usize, packed: usize, m: i32, k: i32, n: i32, transA: i32, transB: i32, bias: usize, relu: i32): void {
  packB(b, packed, k, n, transB);
  const blocks = (n + 7) >> 3;
  // Byte steps through op(A): along k within one row, and from one row to the next.
  const kStep: usize = transA != 0 ? <usize>m << 2 : 4;
  const rowStep: usize = transA != 0 ? 4 : <usize>k << 2;
  const rowBytes: usize = <usize>n << 2;
  for (let jb = 0; jb < blocks; jb++) {
    const j0 = jb << 3;
    const width = min(8, n - j0);
    const panel = packed + ((<usize>jb * <usize>k) << 5);
    const bias0 = bias != 0 ? bias + (<usize>j0 << 2) : 0;
    let biasLo = f32x4.splat(0);
    let biasHi = f32x4.splat(0);
    if (bias0 != 0) {
      biasLo = f32x4(biasLane(bias0, 0, width), biasLane(bias0, 1, width), biasLane(bias0, 2, width), biasLane(bias0, 3, width));
      biasHi = f32x4(biasLane(bias0, 4, width), biasLane(bias0, 5, width), biasLane(bias0, 6, width), biasLane(bias0, 7, width));
    }
    let i = 0;
    for (; i + 4 <= m; i += 4) {
      let a0 = a + <usize>i * rowStep;
      let a1 = a0 + rowStep;
      let a2 = a1 + rowStep;
      let a3 = a2 + rowStep;
      let p = panel;
      let c00 = f32x4.splat(0);
      let c01 = f32x4.splat(0);
      let c10 = f32x4.splat(0);
      let c11 = f32x4.splat(0);
      let c20 = f32x4.splat(0);
      let c21 = f32x4.splat(0);
      let c30 = f32x4.splat(0);
      let c31 = f32x4.splat(0);
      for (let kk = 0; kk < k; kk++) {
        const b0 = v128.load(p);
        const b1 = v128.load(p, 16);
        const x0 = v128.load32_splat(a0);
        c00 = f32x4.add(c00, f32x4.mul(x0, b0));
        c01 = f32x4.add(c01, f32x4.mul(x0, b1));
        const x1 = v128.load32_splat(a1);
        c10 = f32x4.add(c10, f32x4.mul(x1, b0));
        c11 = f32x4.add(c11, f32x4.mul(x1, b1));
        const x2 = v128.load32_splat(a2);
        c20 = f32x4.add(c20, f32x4.mul(x2, b0));
        c21 = f32x4.add(c21, f32x4.mul(x2, b1));
        const x3 = v128.load32_splat(a3);
        c30 = f32x4.add(c30, f32x4.mul(x3, b0));
        c31 = f32x4.add(c31, f32x4.mul(x3, b1));
        a0 += kStep;
        a1 += kStep;
        a2 += kStep;
        a3 += kStep;
        p += 32;
      }
      const out = c + <usize>i * rowBytes + (<usize>j0 << 2);
      storeRow(out, c00, c01, width, biasLo, biasHi, relu);
      storeRow(out + rowBytes, c10, c11, width, biasLo, biasHi, relu);
      storeRow(out + 2 * rowBytes, c20, c21, width, biasLo, biasHi, relu);
      storeRow(out + 3 * rowBytes, c30, c31, width, biasLo, biasHi, relu);
    }
    for (; i < m; i++) {
      let a0 = a + <usize>i * rowStep;
      let p = panel;
      let c00 = f32x4.splat(0);
      let c01 = f32x4.splat(0);
      for (let kk = 0; kk < k; kk++) {
        const x0 = v128.load32_splat(a0);
        c00 = f32x4.add(c00, f32x4.mul(x0, v128.load(p)));
        c01 = f32x4.add(c01, f32x4.mul(x0, v128.load(p, 16)));
        a0 += kStep;
        p += 32;
      }
      storeRow(c + <usize>i * rowBytes + (<usize>j0 << 2), c00, c01, width, biasLo, biasHi, relu);
    }
  }
}

/**
 * out[j] = Σ_i x[i, j] for x [rows, cols]: the reduction over the first axis (a Dense bias gradient),
 * which the package's Sum kernel does by transposing first. Rows are added in order, four columns at a time.
 */
export function sumRows(x: usize, out: usize, rows: i32, cols: i32): void {
  const rowBytes: usize = <usize>cols << 2;
  let j = 0;
  for (; j + 4 <= cols; j += 4) {
    let acc = f32x4.splat(0);
    let p = x + (<usize>j << 2);
    for (let i = 0; i < rows; i++) {
      acc = f32x4.add(acc, v128.load(p));
      p += rowBytes;
    }
    v128.store(out + (<usize>j << 2), acc);
  }
  for (; j < cols; j++) {
    let acc: f32 = 0;
    let p = x + (<usize>j << 2);
    for (let i = 0; i < rows; i++) {
      acc += f32.load(p);
      p += rowBytes;
    }
    f32.store(out + (<usize>j << 2), acc);
  }
}
