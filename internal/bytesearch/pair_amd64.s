#include "textflag.h"

// func pairIndex256(s *byte, n int, c0, c1 byte, d int, e0, e1 byte, f int) int
//
// Two 32-byte blocks (64 positions) per iteration while they fit, then
// one. For each block: compare the bytes at p with c0 and at p+d with c1,
// AND; the same for e0/e1 at p+f; OR both; any set bit is a hit.
TEXT ·pairIndex256(SB), NOSPLIT, $0-56
	MOVQ s+0(FP), SI
	MOVQ n+8(FP), CX
	ANDQ $~31, CX        // positions the blocks cover
	MOVQ d+24(FP), R9
	MOVQ f+40(FP), R10
	MOVBLZX c0+16(FP), AX
	MOVQ AX, X0
	VPBROADCASTB X0, Y0
	MOVBLZX c1+17(FP), AX
	MOVQ AX, X1
	VPBROADCASTB X1, Y1
	MOVBLZX e0+32(FP), AX
	MOVQ AX, X2
	VPBROADCASTB X2, Y2
	MOVBLZX e1+33(FP), AX
	MOVQ AX, X3
	VPBROADCASTB X3, Y3
	XORQ DX, DX          // p

loop64:
	LEAQ 64(DX), AX
	CMPQ AX, CX
	JA   loop32
	LEAQ (SI)(DX*1), R8
	VMOVDQU (R8), Y4
	VMOVDQU 32(R8), Y8
	VPCMPEQB Y0, Y4, Y5
	VPCMPEQB Y2, Y4, Y6
	VPCMPEQB Y0, Y8, Y9
	VPCMPEQB Y2, Y8, Y10
	VPCMPEQB (R8)(R9*1), Y1, Y7
	VPAND Y7, Y5, Y5
	VPCMPEQB 32(R8)(R9*1), Y1, Y11
	VPAND Y11, Y9, Y9
	VPCMPEQB (R8)(R10*1), Y3, Y7
	VPAND Y7, Y6, Y6
	VPCMPEQB 32(R8)(R10*1), Y3, Y11
	VPAND Y11, Y10, Y10
	VPOR Y5, Y6, Y5
	VPOR Y9, Y10, Y9
	VPOR Y5, Y9, Y12
	VPTEST Y12, Y12
	JNZ  found64
	MOVQ AX, DX
	JMP  loop64

found64:
	VPMOVMSKB Y5, BX
	TESTL BX, BX
	JNZ  hit
	VPMOVMSKB Y9, BX
	ADDQ $32, DX
	JMP  hit

loop32:
	CMPQ DX, CX
	JAE  none
	LEAQ (SI)(DX*1), R8
	VMOVDQU (R8), Y4
	VPCMPEQB Y0, Y4, Y5
	VPCMPEQB Y2, Y4, Y6
	VPCMPEQB (R8)(R9*1), Y1, Y7
	VPAND Y7, Y5, Y5
	VPCMPEQB (R8)(R10*1), Y3, Y7
	VPAND Y7, Y6, Y6
	VPOR Y5, Y6, Y5
	VPMOVMSKB Y5, BX
	TESTL BX, BX
	JNZ  hit
	ADDQ $32, DX
	JMP  loop32

hit:
	BSFL BX, BX
	ADDQ DX, BX
	MOVQ BX, ret+48(FP)
	VZEROUPPER
	RET

none:
	MOVQ $-1, ret+48(FP)
	VZEROUPPER
	RET

// func pairIndex512(s *byte, n int, c0, c1 byte, d int, e0, e1 byte, f int) int
//
// pairIndex with AVX-512BW: 64 positions per compare, the comparisons
// land in mask registers, so a block costs three loads, four compares and
// three mask operations. Two blocks per iteration while they fit.
TEXT ·pairIndex512(SB), NOSPLIT, $0-56
	MOVQ s+0(FP), SI
	MOVQ n+8(FP), CX
	ANDQ $~63, CX        // positions the blocks cover
	MOVQ d+24(FP), R9
	MOVQ f+40(FP), R10
	MOVBLZX c0+16(FP), AX
	VPBROADCASTB AX, Z0
	MOVBLZX c1+17(FP), AX
	VPBROADCASTB AX, Z1
	MOVBLZX e0+32(FP), AX
	VPBROADCASTB AX, Z2
	MOVBLZX e1+33(FP), AX
	VPBROADCASTB AX, Z3
	XORQ DX, DX          // p

loop128:
	LEAQ 128(DX), AX
	CMPQ AX, CX
	JA   loop64
	LEAQ (SI)(DX*1), R8
	VMOVDQU8 (R8), Z4
	VMOVDQU8 64(R8), Z5
	VPCMPEQB Z0, Z4, K1
	VPCMPEQB (R8)(R9*1), Z1, K1, K1
	VPCMPEQB Z2, Z4, K2
	VPCMPEQB (R8)(R10*1), Z3, K2, K2
	KORQ K1, K2, K1
	VPCMPEQB Z0, Z5, K3
	VPCMPEQB 64(R8)(R9*1), Z1, K3, K3
	VPCMPEQB Z2, Z5, K4
	VPCMPEQB 64(R8)(R10*1), Z3, K4, K4
	KORQ K3, K4, K3
	KORTESTQ K1, K3
	JNZ  found128
	MOVQ AX, DX
	JMP  loop128

found128:
	KMOVQ K1, BX
	TESTQ BX, BX
	JNZ  hit512
	KMOVQ K3, BX
	ADDQ $64, DX
	JMP  hit512

loop64:
	CMPQ DX, CX
	JAE  none512
	LEAQ (SI)(DX*1), R8
	VMOVDQU8 (R8), Z4
	VPCMPEQB Z0, Z4, K1
	VPCMPEQB (R8)(R9*1), Z1, K1, K1
	VPCMPEQB Z2, Z4, K2
	VPCMPEQB (R8)(R10*1), Z3, K2, K2
	KORQ K1, K2, K1
	KMOVQ K1, BX
	TESTQ BX, BX
	JNZ  hit512
	ADDQ $64, DX
	JMP  loop64

hit512:
	BSFQ BX, BX
	ADDQ DX, BX
	MOVQ BX, ret+48(FP)
	VZEROUPPER
	RET

none512:
	MOVQ $-1, ret+48(FP)
	VZEROUPPER
	RET
