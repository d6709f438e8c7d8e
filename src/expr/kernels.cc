#include "expr/kernels.h"

#include <cstring>

#include "core/cpu_clones.h"

namespace zhucun::internal {

ZHUCUN_CPU_CLONES int MagnitudeBits(const int64_t* a, size_t len) {
  // x ^ -(x >>> 63) is x for x >= 0 and -x - 1 below: the sign folded with
  // a logical shift, so the loop vectorizes.
  uint64_t bits = 0;
  for (size_t i = 0; i < len; ++i) {
    const uint64_t x = static_cast<uint64_t>(a[i]);
    bits |= x ^ (0 - (x >> 63));
  }
  return bits == 0 ? 0 : 64 - __builtin_clzll(bits);
}

ZHUCUN_CPU_CLONES bool AnySet(const uint8_t* bytes, size_t len) {
  uint64_t any = 0;
  size_t i = 0;
  for (; i + 8 <= len; i += 8) {
    uint64_t word;
    std::memcpy(&word, bytes + i, 8);
    any |= word;
  }
  for (; i < len; ++i) any |= bytes[i];
  return any != 0;
}

ZHUCUN_CPU_CLONES void AddI64(const int64_t* a, const int64_t* b, int64_t* out,
                              size_t len) {
  for (size_t i = 0; i < len; ++i) out[i] = a[i] + b[i];
}
ZHUCUN_CPU_CLONES void SubI64(const int64_t* a, const int64_t* b, int64_t* out,
                              size_t len) {
  for (size_t i = 0; i < len; ++i) out[i] = a[i] - b[i];
}
ZHUCUN_CPU_CLONES void MulI64(const int64_t* a, const int64_t* b, int64_t* out,
                              size_t len) {
  for (size_t i = 0; i < len; ++i) out[i] = a[i] * b[i];
}
ZHUCUN_CPU_CLONES void AddScaledI64(const int64_t* a, int64_t ma, const int64_t* b,
                                    int64_t mb, int sign, int64_t* out,
                                    size_t len) {
  if (sign > 0) {
    for (size_t i = 0; i < len; ++i) out[i] = a[i] * ma + b[i] * mb;
  } else {
    for (size_t i = 0; i < len; ++i) out[i] = a[i] * ma - b[i] * mb;
  }
}
ZHUCUN_CPU_CLONES void ScaleI64(const int64_t* a, int64_t m, int64_t* out,
                                size_t len) {
  for (size_t i = 0; i < len; ++i) out[i] = a[i] * m;
}
ZHUCUN_CPU_CLONES void AddF64(const double* a, const double* b, double* out,
                              size_t len) {
  for (size_t i = 0; i < len; ++i) out[i] = a[i] + b[i];
}
ZHUCUN_CPU_CLONES void SubF64(const double* a, const double* b, double* out,
                              size_t len) {
  for (size_t i = 0; i < len; ++i) out[i] = a[i] - b[i];
}
ZHUCUN_CPU_CLONES void MulF64(const double* a, const double* b, double* out,
                              size_t len) {
  for (size_t i = 0; i < len; ++i) out[i] = a[i] * b[i];
}

#define ZHUCUN_COMPARE_LOOPS                                               \
  switch (op) {                                                            \
    case CmpOp::kEq: for (size_t i = 0; i < len; ++i) out[i] = a[i] == b[i]; break; \
    case CmpOp::kNe: for (size_t i = 0; i < len; ++i) out[i] = a[i] != b[i]; break; \
    case CmpOp::kLt: for (size_t i = 0; i < len; ++i) out[i] = a[i] < b[i]; break;  \
    case CmpOp::kLe: for (size_t i = 0; i < len; ++i) out[i] = a[i] <= b[i]; break; \
    case CmpOp::kGt: for (size_t i = 0; i < len; ++i) out[i] = a[i] > b[i]; break;  \
    case CmpOp::kGe: for (size_t i = 0; i < len; ++i) out[i] = a[i] >= b[i]; break; \
  }

ZHUCUN_CPU_CLONES void CompareI64(CmpOp op, const int64_t* a, const int64_t* b,
                                  uint8_t* out, size_t len) {
  ZHUCUN_COMPARE_LOOPS
}
ZHUCUN_CPU_CLONES void CompareF64(CmpOp op, const double* a, const double* b,
                                  uint8_t* out, size_t len) {
  ZHUCUN_COMPARE_LOOPS
}
ZHUCUN_CPU_CLONES void CompareI32(CmpOp op, const int32_t* a, const int32_t* b,
                                  uint8_t* out, size_t len) {
  ZHUCUN_COMPARE_LOOPS
}
ZHUCUN_CPU_CLONES void CompareU8(CmpOp op, const uint8_t* a, const uint8_t* b,
                                 uint8_t* out, size_t len) {
  ZHUCUN_COMPARE_LOOPS
}
#undef ZHUCUN_COMPARE_LOOPS

ZHUCUN_CPU_CLONES void CodeEquals(const int32_t* codes, int32_t code, bool equal,
                                  uint8_t* out, size_t len) {
  const uint8_t eq = equal ? 1 : 0;
  for (size_t i = 0; i < len; ++i) out[i] = (codes[i] == code) == eq;
}

ZHUCUN_CPU_CLONES void AndU8(const uint8_t* a, const uint8_t* b, uint8_t* out,
                             size_t len) {
  for (size_t i = 0; i < len; ++i) out[i] = a[i] & b[i];
}
ZHUCUN_CPU_CLONES void OrU8(const uint8_t* a, const uint8_t* b, uint8_t* out,
                            size_t len) {
  for (size_t i = 0; i < len; ++i) out[i] = a[i] | b[i];
}
ZHUCUN_CPU_CLONES void NotU8(const uint8_t* a, uint8_t* out, size_t len) {
  for (size_t i = 0; i < len; ++i) out[i] = a[i] ^ 1;
}

}  // namespace zhucun::internal
