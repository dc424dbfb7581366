//go:build amd64 && !purego

#include "textflag.h"

DATA expc<>+0(SB)/4, $0x3fb8aa3b  // log2(e)
DATA expc<>+4(SB)/4, $0x3f317200  // ln2 high
DATA expc<>+8(SB)/4, $0x35bfbe8e  // ln2 low
DATA expc<>+12(SB)/4, $0xc2ae0000 // -87
DATA expc<>+16(SB)/4, $0x3ab60b61 // 1/720
DATA expc<>+20(SB)/4, $0x3c088889 // 1/120
DATA expc<>+24(SB)/4, $0x3d2aaaab // 1/24
DATA expc<>+28(SB)/4, $0x3e2aaaab // 1/6
DATA expc<>+32(SB)/4, $0x3f000000 // 1/2
DATA expc<>+36(SB)/4, $0x3f800000 // 1
DATA expc<>+40(SB)/4, $0x0000007f // 127
GLOBL expc<>(SB), RODATA|NOPTR, $44

// func expSubSum8(z *float32, n int, m float32) float32
// z[i] = exp(z[i]-m) for i < n (n a multiple of 8); returns the sum of
// the new values, summed in eight lanes then lane by lane.
TEXT ·expSubSum8(SB), NOSPLIT, $0-28
	MOVQ z+0(FP), SI
	MOVQ n+8(FP), CX
	VBROADCASTSS m+16(FP), Y15
	VBROADCASTSS expc<>+0(SB), Y14
	VBROADCASTSS expc<>+4(SB), Y13
	VBROADCASTSS expc<>+8(SB), Y12
	VBROADCASTSS expc<>+12(SB), Y11
	VBROADCASTSS expc<>+36(SB), Y10
	VPBROADCASTD expc<>+40(SB), Y9
	VXORPS Y8, Y8, Y8
	SHRQ $3, CX
	JZ done
loop:
	VMOVUPS (SI), Y0
	VSUBPS Y15, Y0, Y0
	VMAXPS Y11, Y0, Y0
	VMULPS Y14, Y0, Y1
	VROUNDPS $0, Y1, Y1          // n = round(x·log2e)
	VFNMADD231PS Y13, Y1, Y0     // f = x - n·ln2hi
	VFNMADD231PS Y12, Y1, Y0     // f -= n·ln2lo
	VBROADCASTSS expc<>+16(SB), Y2
	VBROADCASTSS expc<>+20(SB), Y3
	VFMADD213PS Y3, Y0, Y2       // p = p·f + c
	VBROADCASTSS expc<>+24(SB), Y3
	VFMADD213PS Y3, Y0, Y2
	VBROADCASTSS expc<>+28(SB), Y3
	VFMADD213PS Y3, Y0, Y2
	VBROADCASTSS expc<>+32(SB), Y3
	VFMADD213PS Y3, Y0, Y2
	VFMADD213PS Y10, Y0, Y2
	VFMADD213PS Y10, Y0, Y2
	VCVTPS2DQ Y1, Y1
	VPADDD Y9, Y1, Y1
	VPSLLD $23, Y1, Y1
	VMULPS Y1, Y2, Y2
	VMOVUPS Y2, (SI)
	VADDPS Y2, Y8, Y8
	ADDQ $32, SI
	DECQ CX
	JNZ loop
done:
	VEXTRACTF128 $1, Y8, X1
	VADDPS X1, X8, X8
	VMOVHLPS X8, X1, X1
	VADDPS X1, X8, X8
	VMOVSHDUP X8, X1
	VADDSS X1, X8, X8
	VMOVSS X8, ret+24(FP)
	VZEROUPPER
	RET

// func max8(z *float32, n int) float32
// Maximum of z[:n], n a positive multiple of 8.
TEXT ·max8(SB), NOSPLIT, $0-20
	MOVQ z+0(FP), SI
	MOVQ n+8(FP), CX
	SHRQ $3, CX
	VMOVUPS (SI), Y0
	ADDQ $32, SI
	DECQ CX
	JZ maxdone
maxloop:
	VMAXPS (SI), Y0, Y0
	ADDQ $32, SI
	DECQ CX
	JNZ maxloop
maxdone:
	VEXTRACTF128 $1, Y0, X1
	VMAXPS X1, X0, X0
	VMOVHLPS X0, X1, X1
	VMAXPS X1, X0, X0
	VMOVSHDUP X0, X1
	VMAXSS X1, X0, X0
	VMOVSS X0, ret+16(FP)
	VZEROUPPER
	RET

// func scale8(z *float32, n int, s float32)
// z[:n] *= s, n a multiple of 8.
TEXT ·scale8(SB), NOSPLIT, $0-20
	MOVQ z+0(FP), SI
	MOVQ n+8(FP), CX
	VBROADCASTSS s+16(FP), Y1
	SHRQ $3, CX
	JZ scaledone
scaleloop:
	VMULPS (SI), Y1, Y0
	VMOVUPS Y0, (SI)
	ADDQ $32, SI
	DECQ CX
	JNZ scaleloop
scaledone:
	VZEROUPPER
	RET
