package baselines

import "sync"

// packedGemm is a GotoBLAS-style product: a register-blocked micro-kernel
// computes each 6×16 tile of C from a 6-row panel of op(A) and a
// 16-column panel of op(B). Panels are packed into contiguous buffers
// unless the kernel can stride through the original (full panels of a
// transposed A or a plain B). It is single-threaded: the trainer
// parallelises over batch shards. Only beta 0 and 1 reach the kernel;
// other betas scale C first.
func packedGemm(tA, tB bool, m, n, k int, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	const mr, nr = 6, 16
	if beta != 0 && beta != 1 {
		scale(c, m, n, ldc, beta)
		beta = 1
	}
	acc := beta == 1
	pb := packPool.Get().(*packBufs)
	mp, np := (m+mr-1)/mr, (n+nr-1)/nr
	pb.a = grow(pb.a, mp*mr*k)
	pb.b = grow(pb.b, np*nr*k)
	packA(pb.a, tA, m, k, a, lda)
	packB(pb.b, tB, n, k, b, ldb)
	var tile [mr * nr]float32
	for jp := 0; jp < np; jp++ {
		j0 := jp * nr
		nj := min(nr, n-j0)
		bp, sb := pb.b[jp*nr*k:(jp+1)*nr*k], nr
		if !tB && nj == nr {
			bp, sb = b[j0:], ldb
		}
		for ip := 0; ip < mp; ip++ {
			i0 := ip * mr
			mi := min(mr, m-i0)
			ap, sa := pb.a[ip*mr*k:(ip+1)*mr*k], mr
			if tA && mi == mr {
				ap, sa = a[i0:], lda
			}
			if mi == mr && nj == nr {
				microKernel(k, ap, sa, bp, sb, c[i0*ldc+j0:], ldc, acc)
				continue
			}
			microKernel(k, ap, sa, bp, sb, tile[:], nr, false)
			for i := 0; i < mi; i++ {
				dst := c[(i0+i)*ldc+j0 : (i0+i)*ldc+j0+nj]
				src := tile[i*nr : i*nr+nj]
				if acc {
					for j, v := range src {
						dst[j] += v
					}
				} else {
					copy(dst, src)
				}
			}
		}
	}
	packPool.Put(pb)
}

type packBufs struct{ a, b []float32 }

var packPool = sync.Pool{New: func() any { return new(packBufs) }}

// packA lays op(A) (m×k) out as panels of 6 rows, panel[q*6+i]. Full
// panels of a transposed A are read in place and not packed.
func packA(dst []float32, tA bool, m, k int, a []float32, lda int) {
	const mr = 6
	for i0 := 0; i0 < m; i0 += mr {
		p := dst[i0*k : i0*k+mr*k]
		mi := min(mr, m-i0)
		if tA {
			if mi == mr {
				continue
			}
			clear(p)
			for q := 0; q < k; q++ { // op(A)[i][q] = a[q*lda+i]
				copy(p[q*mr:q*mr+mi], a[q*lda+i0:q*lda+i0+mi])
			}
			continue
		}
		if mi < mr {
			clear(p)
			for i := 0; i < mi; i++ {
				for q, v := range a[(i0+i)*lda : (i0+i)*lda+k] {
					p[q*mr+i] = v
				}
			}
			continue
		}
		r0, r1, r2 := a[i0*lda:i0*lda+k], a[(i0+1)*lda:(i0+1)*lda+k], a[(i0+2)*lda:(i0+2)*lda+k]
		r3, r4, r5 := a[(i0+3)*lda:(i0+3)*lda+k], a[(i0+4)*lda:(i0+4)*lda+k], a[(i0+5)*lda:(i0+5)*lda+k]
		for q := range r0 {
			d := p[q*mr : q*mr+mr : q*mr+mr]
			d[0], d[1], d[2], d[3], d[4], d[5] = r0[q], r1[q], r2[q], r3[q], r4[q], r5[q]
		}
	}
}

// packB lays op(B) (k×n) out as panels of 16 columns, panel[q*16+j].
// Full panels of a plain B are read in place and not packed.
func packB(dst []float32, tB bool, n, k int, b []float32, ldb int) {
	const nr = 16
	for j0 := 0; j0 < n; j0 += nr {
		p := dst[j0*k : j0*k+nr*k]
		nj := min(nr, n-j0)
		if !tB {
			if nj == nr {
				continue
			}
			clear(p)
			for q := 0; q < k; q++ { // op(B)[q][j] = b[q*ldb+j]
				copy(p[q*nr:q*nr+nj], b[q*ldb+j0:q*ldb+j0+nj])
			}
			continue
		}
		if nj < nr {
			clear(p)
		}
		for j := 0; j < nj; j++ { // op(B)[q][j] = b[j*ldb+q]
			for q, v := range b[(j0+j)*ldb : (j0+j)*ldb+k] {
				p[q*nr+j] = v
			}
		}
	}
}
