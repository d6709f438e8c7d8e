#ifndef ZHUCUN_SRC_EXPR_KERNELS_H_
#define ZHUCUN_SRC_EXPR_KERNELS_H_

// The loops of the column-at-a-time plan, as free functions over plain
// arrays. Each is compiled twice (AVX2 and baseline x86-64) and picked at
// load time by the CPU it runs on (GCC target_clones), so the library stays
// portable while 64-bit lanes get AVX2 where it exists. None checks for
// overflow: callers use them only when MagnitudeBits proves it impossible.

#include <cstddef>
#include <cstdint>

namespace zhucun::internal {

// Comparison operators of the compare kernels.
enum class CmpOp : uint8_t { kEq, kNe, kLt, kLe, kGt, kGe };

// Every |a[i]| <= 2^MagnitudeBits(a, len) (0 for an all-zero array).
int MagnitudeBits(const int64_t* a, size_t len);
// True if any of the `len` bytes is nonzero.
bool AnySet(const uint8_t* bytes, size_t len);

void AddI64(const int64_t* a, const int64_t* b, int64_t* out, size_t len);
void SubI64(const int64_t* a, const int64_t* b, int64_t* out, size_t len);
void MulI64(const int64_t* a, const int64_t* b, int64_t* out, size_t len);
// out = a * ma + b * mb (sign = +1) or a * ma - b * mb (sign = -1).
void AddScaledI64(const int64_t* a, int64_t ma, const int64_t* b, int64_t mb,
                  int sign, int64_t* out, size_t len);
// out = a * m.
void ScaleI64(const int64_t* a, int64_t m, int64_t* out, size_t len);
void AddF64(const double* a, const double* b, double* out, size_t len);
void SubF64(const double* a, const double* b, double* out, size_t len);
void MulF64(const double* a, const double* b, double* out, size_t len);

void CompareI64(CmpOp op, const int64_t* a, const int64_t* b, uint8_t* out,
                size_t len);
void CompareF64(CmpOp op, const double* a, const double* b, uint8_t* out,
                size_t len);
void CompareI32(CmpOp op, const int32_t* a, const int32_t* b, uint8_t* out,
                size_t len);
void CompareU8(CmpOp op, const uint8_t* a, const uint8_t* b, uint8_t* out,
               size_t len);
// out[i] = (codes[i] == code) == equal.
void CodeEquals(const int32_t* codes, int32_t code, bool equal, uint8_t* out,
                size_t len);

void AndU8(const uint8_t* a, const uint8_t* b, uint8_t* out, size_t len);
void OrU8(const uint8_t* a, const uint8_t* b, uint8_t* out, size_t len);
void NotU8(const uint8_t* a, uint8_t* out, size_t len);

}  // namespace zhucun::internal

#endif  // ZHUCUN_SRC_EXPR_KERNELS_H_
