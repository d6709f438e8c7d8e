#ifndef ZHUCUN_SRC_PLAN_PLAN_KERNELS_H_
#define ZHUCUN_SRC_PLAN_PLAN_KERNELS_H_

// The plan's column operators that need nothing but their inputs: each
// gives, row by row, the row evaluator's value where it is known (a value
// or null), and unknown wherever the row evaluator might give an error or
// the operator does not know the answer (plan_ir.h).

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "plan/plan_ir.h"

namespace zhucun::internal {

// 10^0 .. 10^18: rescaling decimal coefficients (exact in 128 bits).
inline constexpr std::array<int64_t, Decimal::kMaxScale + 1> kPow10 = [] {
  std::array<int64_t, Decimal::kMaxScale + 1> p{};
  for (int i = 0; i <= Decimal::kMaxScale; ++i) p[static_cast<size_t>(i)] = Decimal::PowerOfTen(i);
  return p;
}();

// Batches.
bool IsNumber(K k);
// Whether a column of `type` gives values of `kind` (the kind a plan was
// built for must be its column's).
bool ColumnGives(ColumnType type, K kind);
// Row i of an int or decimal batch as a decimal.
Decimal DecimalAt(const Vec& v, size_t i);
// Makes `v` a batch of n unknown rows of `kind`.
void Resize(Vec* v, K kind, size_t n);
// Copies row `from` of `src` to row `to` of `dst` (a scalar kind).
void CopyRow(const Vec& src, size_t from, Vec* dst, size_t to);
// Row from[k] of `v` for each k (a list's rows share its elements).
Vec Gather(const Vec& v, const std::vector<uint32_t>& from);

// Lists and spans.
Vec NewList(K element, size_t n);
void Append(const Vec& src, size_t from, Vec* dst);
// Room for n more rows of v's kind (what Append writes).
void Reserve(Vec* v, size_t n);
Vec SpanOf(const Vec& a, const Vec& b);
Vec CondLists(const PNode& n, const Vec& c, const Vec& a, const Vec& b);
Vec Months(const Vec& a, const Vec& b);
Vec MinMax(bool is_min, const Vec& list);
Vec Sum(const PNode& n, const Vec& list);
Vec InVec(const Vec& x, const Vec& list);
Vec InList(const PNode& n, const Vec& x);

// A constant map's entries looked up by string keys, remembered by where
// their text is (a slot per address): a key read from the facts is a view
// of its column's dictionary, so equal keys are mostly one text (a
// different text is looked up anew). One per batch.
class MapLookup {
 public:
  explicit MapLookup(const ValueMap& map) : map_(map) {}
  // The value under `key`, or null.
  const Value* Find(std::string_view key) {
    const size_t slot = (reinterpret_cast<uintptr_t>(key.data()) >> 3) % kSeen;
    if (key.data() != nullptr && seen_[slot].data() == key.data() &&
        seen_[slot].size() == key.size()) {
      return found_[slot];
    }
    const Value* v = map_.Find(key);
    seen_[slot] = key;
    found_[slot] = v;
    return v;
  }

 private:
  static constexpr size_t kSeen = 64;
  const ValueMap& map_;
  std::array<std::string_view, kSeen> seen_{};
  std::array<const Value*, kSeen> found_{};
};

// CEL's operators.
Vec Logic(bool is_and, const Vec& a, const Vec& b);
std::optional<bool> EqualsAt(const Vec& a, size_t i, const Vec& b, size_t k);
Vec Equal(bool eq, const Vec& a, const Vec& b);
Vec Order(Op op, const Vec& a, const Vec& b);
Vec Arith(const PNode& n, const Vec& a, const Vec& b);

// Calls each(a_at, b_at) where a_at(i) is 1 where mask a is set at row i
// and 0 elsewhere, or 0 at every row where a is null (no mask); b_at the
// same of b: a loop per masks there are, without a test of a pointer per
// row (the compiler's vector instructions). Always inlined: called out of
// line from a function with CPU clones (Fused::Exec), it would run its
// loops built for the baseline CPU, and slower (the peers' grade table
// 517M -> 751M instructions).
template <typename Each>
[[gnu::always_inline]] inline void WithMasks(const uint8_t* a, const uint8_t* b, Each each) {
  const auto mask = [](const uint8_t* m) {
    return [m](size_t i) { return static_cast<uint8_t>(m[i] != 0); };
  };
  const auto none = [](size_t) { return uint8_t{0}; };
  if (a != nullptr && b != nullptr) {
    each(mask(a), mask(b));
  } else if (a != nullptr) {
    each(mask(a), none);
  } else if (b != nullptr) {
    each(none, mask(b));
  } else {
    each(none, none);
  }
}

}  // namespace zhucun::internal

#endif  // ZHUCUN_SRC_PLAN_PLAN_KERNELS_H_
