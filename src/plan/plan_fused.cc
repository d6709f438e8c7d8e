// Fused typed loops (plan_fused.h): the compiler from a plan's operators
// and the loops that run the program.

#include "plan/plan_fused.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <optional>
#include <map>
#include <string>
#include <type_traits>
#include <utility>

#include "plan/plan_kernels.h"

namespace zhucun::internal {

namespace {

using T = Fused::T;
using I = Fused::I;
using Instr = Fused::Instr;

__extension__ typedef __int128 Int128;  // NOLINT: GCC extension, exact.

bool FitsInt64(Int128 v) { return v >= INT64_MIN && v <= INT64_MAX; }

// The lane type of a plan kind that is a value (else nullopt).
std::optional<T> TypeOf(K kind) {
  switch (kind) {
    case K::kInt: return T::kInt;
    case K::kBool: return T::kBool;
    case K::kDate: return T::kDate;
    case K::kDecimal: return T::kDecimal;
    case K::kString: return T::kString;
    case K::kPeriod: return T::kPeriod;
    default: return std::nullopt;
  }
}

// The plan kind of a lane type.
K KindOf(T t) {
  switch (t) {
    case T::kInt: return K::kInt;
    case T::kBool: return K::kBool;
    case T::kDate: return K::kDate;
    case T::kDecimal: return K::kDecimal;
    case T::kString: return K::kString;
    case T::kPeriod: return K::kPeriod;
    case T::kRow: return K::kRow;
    case T::kNull: return K::kNull;
  }
  return K::kUnknown;
}

bool IsNumber(T t) { return t == T::kInt || t == T::kDecimal; }

// Compiles a subtree into instructions, each operator once.
class Compiler {
 public:
  explicit Compiler(const RulePlan::Impl& plan) : plan_(plan) {}

  // The instruction of operator `id`, or -1 when the subtree is not one
  // the program expresses.
  int Emit(int id) {
    if (const auto it = done_.find(id); it != done_.end()) return it->second;
    const int at = Make(plan_.nodes[static_cast<size_t>(id)]);
    done_[id] = at;
    return at;
  }

  std::vector<Instr> code;

 private:
  int Push(Instr in) {
    // An operand's null makes the lane unknown, but for `==`, `!=` (which
    // compare with null) and the branches of `?:` (whose null is the result).
    const auto null_of = [&](int k) { return k >= 0 && At(k).may_null; };
    if (in.op != I::kEq && in.op != I::kCond && in.op != I::kConst && in.op != I::kInList &&
        (null_of(in.a) || null_of(in.b) || null_of(in.c))) {
      in.may_bad = true;
    }
    if (in.op == I::kEq) in.may_bad = in.may_bad || (in.a >= 0 && At(in.a).may_bad) ||
                                      (in.b >= 0 && At(in.b).may_bad);
    code.push_back(in);
    return static_cast<int>(code.size()) - 1;
  }
  const Instr& At(int k) const { return code[static_cast<size_t>(k)]; }
  // The number constant `k` as a decimal of the larger `scale` (the same
  // number), or `k` itself when its coefficient would not fit.
  int Rescaled(int k, int scale) {
    const Instr& c = At(k);
    const int64_t by = kPow10[static_cast<size_t>(scale - ScaleOf(k))];
    int64_t coefficient = 0;
    if (__builtin_mul_overflow(c.k, by, &coefficient)) return k;
    Instr in;
    in.op = I::kConst;
    in.type = T::kDecimal;
    in.k = coefficient;
    in.scale = scale;
    return Push(in);
  }
  // The scale of a number operand (an int is a decimal of scale 0).
  int ScaleOf(int k) const { return At(k).type == T::kDecimal ? At(k).scale : 0; }

  int Make(const PNode& n) {
    Instr in;
    switch (n.op) {
      case Op::kLocal:
        // A variable bound to the elements of a list of values. (Decimals
        // are left out: a list's may have several scales.)
        if (n.kind != K::kRow) {
          if (n.kind == K::kDecimal || !TypeOf(n.kind)) return -1;
          in.op = I::kValue;
          in.type = *TypeOf(n.kind);
          in.slot = static_cast<size_t>(n.slot);
          in.may_bad = true;  // (an element may be unknown, or null)
          in.may_null = true;
          code.push_back(in);  // (not Push: its null is its own, not an operand's)
          return static_cast<int>(code.size()) - 1;
        }
        [[fallthrough]];
      case Op::kSubject:
        if (n.kind != K::kRow) return -1;
        in.op = I::kVar;
        in.type = T::kRow;
        in.slot = n.op == Op::kSubject ? 0 : static_cast<size_t>(n.slot);
        return Push(in);
      case Op::kForward: {
        const int a = Emit(n.kids[0]);
        if (a < 0 || At(a).type != T::kRow || n.refs == nullptr) return -1;
        in.op = I::kForward;
        in.type = T::kRow;
        in.may_bad = true;
        in.a = a;
        in.refs = n.refs;
        return Push(in);
      }
      case Op::kColumn: {
        const int a = Emit(n.kids[0]);
        if (a < 0 || At(a).type != T::kRow) return -1;
        const ColumnView view = plan_.facts->tables()[n.table].column(n.column).view();
        if (!ColumnGives(view.type, n.kind)) return -1;
        in.op = I::kColumn;
        in.type = *TypeOf(n.kind);
        // (A month out of range is an error.)
        in.may_bad = At(a).may_bad || n.kind == K::kPeriod;
        in.may_null = view.valid != nullptr;
        in.a = a;
        in.view = view;
        in.scale = view.type == ColumnType::kDecimal ? view.scale : 0;
        return Push(in);
      }
      case Op::kConst: {
        const Value& v = n.constant;
        in.op = I::kConst;
        switch (n.kind) {
          case K::kBool: in.type = T::kBool; in.k = v.bool_value(); break;
          case K::kInt: in.type = T::kInt; in.k = v.int_value(); break;
          case K::kDate: in.type = T::kDate; in.k = v.date_value().day_number(); break;
          case K::kDecimal:
            in.type = T::kDecimal;
            in.k = v.decimal_value().coefficient();
            in.scale = v.decimal_value().scale();
            break;
          case K::kString: in.type = T::kString; in.ks = v.string_value(); break;
          case K::kNull: in.type = T::kNull; in.may_null = true; break;
          default: return -1;
        }
        return Push(in);
      }
      case Op::kToDecimal: {
        const int a = Emit(n.kids[0]);
        if (a < 0) return -1;
        if (At(a).type == T::kDecimal) return a;  // (decimal(x) of a decimal is x)
        if (At(a).type != T::kInt) return -1;
        in.op = I::kArithDec;  // a + 0 at scale 0: the int as a decimal
        in.arith = Op::kAdd;
        in.type = T::kDecimal;
        in.a = a;
        in.may_bad = At(a).may_bad;
        Instr zero;
        zero.op = I::kConst;
        zero.type = T::kInt;
        in.b = Push(zero);
        return Push(in);
      }
      case Op::kAdd: case Op::kSub: case Op::kMul: {
        const int a = Emit(n.kids[0]);
        const int b = a < 0 ? -1 : Emit(n.kids[1]);
        if (b < 0) return -1;
        in.a = a;
        in.b = b;
        in.arith = n.op;
        in.may_bad = At(a).may_bad || At(b).may_bad;
        if (n.kind == K::kInt && At(a).type == T::kDate && At(b).type == T::kDate &&
            n.op == Op::kSub) {
          in.op = I::kDateDiff;
          in.type = T::kInt;
          return Push(in);
        }
        if (n.kind == K::kDate) {
          if (At(a).type != T::kDate || At(b).type != T::kInt || n.op == Op::kMul) return -1;
          in.op = I::kDateAdd;  // out of the calendar's range: unknown
          in.type = T::kDate;
          in.may_bad = true;
          return Push(in);
        }
        if (n.kind == K::kInt) {
          if (At(a).type != T::kInt || At(b).type != T::kInt) return -1;
          in.op = I::kArithInt;
          in.type = T::kInt;
          return Push(in);
        }
        if (n.kind != K::kDecimal || !IsNumber(At(a).type) || !IsNumber(At(b).type)) return -1;
        in.op = I::kArithDec;
        in.type = T::kDecimal;
        in.sa = ScaleOf(a);
        in.sb = ScaleOf(b);
        if (n.op == Op::kMul) {
          in.scale = in.sa + in.sb;
          if (in.scale > Decimal::kMaxScale) return -1;
        } else {
          in.scale = std::max(in.sa, in.sb);
        }
        return Push(in);
      }
      case Op::kLt: case Op::kLe: case Op::kGt: case Op::kGe: case Op::kEq: case Op::kNe: {
        const int a = Emit(n.kids[0]);
        const int b = a < 0 ? -1 : Emit(n.kids[1]);
        if (b < 0) return -1;
        const T ta = At(a).type, tb = At(b).type;
        const bool equality = n.op == Op::kEq || n.op == Op::kNe;
        const bool numbers = IsNumber(ta) && IsNumber(tb);
        const bool same = ta == tb && (ta == T::kBool || ta == T::kDate || ta == T::kString ||
                                       (equality && ta == T::kPeriod));
        // `x == null`: whether x is null (CEL's equality with null).
        const bool with_null = equality && (ta == T::kNull || tb == T::kNull) &&
                               ta != T::kPeriod && tb != T::kPeriod;
        if (!numbers && !same && !with_null) return -1;
        in.op = equality ? I::kEq : I::kCmp;
        in.type = T::kBool;
        in.a = a;
        in.b = b;
        in.may_bad = At(a).may_bad || At(b).may_bad;
        in.sa = numbers ? ScaleOf(a) : 0;
        in.sb = numbers ? ScaleOf(b) : 0;
        // A constant compared with a number of a larger scale: the constant
        // at that scale (where it fits), so the lanes compare as they are.
        if (numbers && in.sa != in.sb) {
          if (At(b).op == I::kConst && in.sb < in.sa) {
            in.b = Rescaled(b, in.sa);
          } else if (At(a).op == I::kConst && in.sa < in.sb) {
            in.a = Rescaled(a, in.sb);
          }
          in.sa = ScaleOf(in.a);
          in.sb = ScaleOf(in.b);
        }
        static constexpr int8_t kLt[3] = {1, 0, 0}, kLe[3] = {1, 1, 0}, kGt[3] = {0, 0, 1},
                                kGe[3] = {0, 1, 1}, kEq[3] = {0, 1, 0}, kNe[3] = {1, 0, 1};
        const int8_t* r = n.op == Op::kLt   ? kLt
                          : n.op == Op::kLe ? kLe
                          : n.op == Op::kGt ? kGt
                          : n.op == Op::kGe ? kGe
                          : n.op == Op::kEq ? kEq
                                            : kNe;
        std::copy(r, r + 3, in.result);
        return Push(in);
      }
      case Op::kAnd: case Op::kOr: {
        const int a = Emit(n.kids[0]);
        const int b = a < 0 ? -1 : Emit(n.kids[1]);
        if (b < 0 || At(a).type != T::kBool || At(b).type != T::kBool) return -1;
        in.op = n.op == Op::kAnd ? I::kAnd : I::kOr;
        in.type = T::kBool;
        in.a = a;
        in.b = b;
        in.may_bad = At(a).may_bad || At(b).may_bad;
        return Push(in);
      }
      case Op::kNot: {
        const int a = Emit(n.kids[0]);
        if (a < 0 || At(a).type != T::kBool) return -1;
        in.op = I::kNot;
        in.type = T::kBool;
        in.a = a;
        in.may_bad = At(a).may_bad;
        return Push(in);
      }
      case Op::kCond: {
        const std::optional<T> t = TypeOf(n.kind);
        if (!t || plan_.nodes[static_cast<size_t>(n.kids[1])].kind != n.kind ||
            plan_.nodes[static_cast<size_t>(n.kids[2])].kind != n.kind) {
          return -1;
        }
        const int c = Emit(n.kids[0]);
        const int a = c < 0 ? -1 : Emit(n.kids[1]);
        const int b = a < 0 ? -1 : Emit(n.kids[2]);
        if (b < 0 || At(c).type != T::kBool || At(a).type != *t || At(b).type != *t) return -1;
        // Decimals of one scale only (a lane's scale is the program's).
        if (*t == T::kDecimal && At(a).scale != At(b).scale) return -1;
        in.op = I::kCond;
        in.type = *t;
        in.scale = At(a).scale;
        in.a = c;
        in.b = a;
        in.c = b;
        in.may_bad = At(c).may_bad || At(c).may_null || At(a).may_bad || At(b).may_bad;
        in.may_null = At(a).may_null || At(b).may_null;
        return Push(in);
      }
      case Op::kInMap:
      case Op::kIndexMap: {
        if (n.constant.kind() != ValueKind::kMap) return -1;
        const int a = Emit(n.kids[0]);
        if (a < 0 || At(a).type != T::kString) return -1;
        in.a = a;
        in.map = &n.constant.map_value();
        in.may_bad = At(a).may_bad;
        if (n.op == Op::kInMap) {
          in.op = I::kInMap;
          in.type = T::kBool;
          return Push(in);
        }
        // Every value of the map of the operator's kind (a lane holds one).
        const std::optional<T> t = TypeOf(n.kind);
        if (!t || *t == T::kDecimal) return -1;
        const ValueKind want = n.kind == K::kString ? ValueKind::kString
                               : n.kind == K::kInt  ? ValueKind::kInt
                               : n.kind == K::kBool ? ValueKind::kBool
                                                    : ValueKind::kDate;
        for (const auto& [key, value] : in.map->entries()) {
          if (value.kind() != want) return -1;
        }
        in.op = I::kIndexMap;
        in.type = *t;
        in.may_bad = true;
        return Push(in);
      }
      case Op::kPeriod:
        in.op = I::kPeriod;
        in.type = T::kPeriod;
        return Push(in);
      case Op::kStart:
      case Op::kEnd:
      case Op::kDays: {
        const int a = Emit(n.kids[0]);
        if (a < 0 || At(a).type != T::kPeriod) return -1;
        in.op = n.op == Op::kStart ? I::kStart : n.op == Op::kEnd ? I::kEnd : I::kDays;
        in.type = n.op == Op::kDays ? T::kInt : T::kDate;
        in.a = a;
        in.may_bad = At(a).may_bad;
        return Push(in);
      }
      case Op::kInPeriod: {
        const int a = Emit(n.kids[0]);
        const int b = a < 0 ? -1 : Emit(n.kids[1]);
        if (b < 0 || At(a).type != T::kDate || At(b).type != T::kPeriod) return -1;
        in.op = I::kInPeriod;
        in.type = T::kBool;
        in.a = a;
        in.b = b;
        in.may_bad = At(a).may_bad || At(b).may_bad;
        return Push(in);
      }
      case Op::kInList: {  // a string in a constant list
        if (n.constant.kind() != ValueKind::kList) return -1;
        const int a = Emit(n.kids[0]);
        if (a < 0 || At(a).type != T::kString) return -1;
        in.op = I::kInList;
        in.type = T::kBool;
        in.a = a;
        in.may_bad = At(a).may_bad;
        in.list = &n.constant.list_value();
        for (const Value& e : *in.list) in.list_has_null = in.list_has_null || e.is_null();
        return Push(in);
      }
      default:
        return -1;
    }
  }

  const RulePlan::Impl& plan_;
  std::map<int, int> done_;
};

// A program's registers: per instruction, its lanes (values, and whether
// each is unknown), reused by the runs on one thread.
struct Lanes {
  std::vector<int64_t> i;
  std::vector<std::string_view> s;
  std::vector<Period> p;
  std::vector<uint8_t> bad;
  std::vector<uint8_t> nul;
  // The int lanes as read: `i`, or a column's own storage where an int or
  // decimal column is read at consecutive rows (not copied).
  const int64_t* data = nullptr;
  // Whether the int lanes are consecutive rows (x, x + 1, ...).
  bool consecutive = false;
  // String lanes of few distinct texts (`coded`): lane i is
  // views[codes[i]], or any text where codes[i] is -1 (an unknown or null
  // lane). An operator over coded lanes computes its result once per text
  // (or pair of texts) and reads it per lane by code.
  bool coded = false;
  std::vector<int32_t> codes;
  std::vector<std::string_view> views;
  // Where the lanes are a column's texts: its dictionary, whose codes are
  // in `codes` (-1 where unknown or null). A FactSet's dictionaries hold
  // each text once (its interners', or a schema's codes, checked unique),
  // so two lanes of one dictionary are equal exactly where their codes are.
  const void* codes_of = nullptr;
  // The constant these lanes hold, for the first const_n of them: (program
  // id, instruction), kept from batch to batch; program 0: none.
  uint64_t const_program = 0;
  size_t const_index = 0;
  size_t const_n = 0;
};

int Sign128(Int128 x, Int128 y) { return (x > y) - (x < y); }

// Coded lanes (Lanes::coded) have at most this many texts: an operator's
// table over them (or over two of them, kSmallTexts squared) is made per
// batch in less time than a batch's lanes take.
constexpr size_t kSmallTexts = 64;

}  // namespace

Fused::Fused(std::vector<Instr> code, int root, K kind)
    : code_(std::move(code)), root_(root), kind_(kind) {
  static std::atomic<uint64_t> next_id{1};
  id_ = next_id.fetch_add(1, std::memory_order_relaxed);
}

std::unique_ptr<Fused> Fused::Compile(const RulePlan::Impl& plan, int root) {
  const PNode& n = plan.nodes[static_cast<size_t>(root)];
  if (!TypeOf(n.kind) || n.op == Op::kConst || n.op == Op::kColumn || n.op == Op::kLocal) {
    return nullptr;
  }
  Compiler compiler(plan);
  const int at = compiler.Emit(root);
  if (at < 0) return nullptr;
  return std::unique_ptr<Fused>(new Fused(std::move(compiler.code), at, n.kind));
}

bool Fused::Run(const Frame& f, Vec* out) const {
  thread_local std::vector<Lanes> regs;
  const size_t n = f.n;
  if (regs.size() < code_.size()) regs.resize(code_.size());
  // Whether any lane overflowed: the batch is left to the general
  // operators (which find the same rows unknown, or a decimal of another
  // scale where Decimal's arithmetic gives one).
  bool over = false;
  for (size_t k = 0; k < code_.size(); ++k) {
    const Instr& in = code_[k];
    Lanes& r = regs[k];
    if (in.op == I::kConst && r.const_program == id_ && r.const_index == k && r.const_n >= n) {
      continue;  // (filled by an earlier batch on this thread)
    }
    r.const_program = 0;
    r.consecutive = false;
    r.coded = false;
    r.codes_of = nullptr;
    r.i.resize(n);  // (strings too: kInMap and kIndexMap clear them)
    r.data = r.i.data();
    if (in.type == T::kString) r.s.resize(n);
    if (in.type == T::kPeriod) r.p.resize(n);
    uint8_t* nul = nullptr;
    if (in.may_null) {
      r.nul.assign(n, 0);
      nul = r.nul.data();
    }
    int64_t* __restrict v = r.i.data();
    const Lanes* A = in.a >= 0 ? &regs[static_cast<size_t>(in.a)] : nullptr;
    const Lanes* B = in.b >= 0 ? &regs[static_cast<size_t>(in.b)] : nullptr;
    const Lanes* C = in.c >= 0 ? &regs[static_cast<size_t>(in.c)] : nullptr;
    // The operands' unknown lanes (null: every lane known), and this one's.
    const auto bad_of = [&](int operand, const Lanes* l) -> const uint8_t* {
      return operand >= 0 && code_[static_cast<size_t>(operand)].may_bad ? l->bad.data() : nullptr;
    };
    const auto null_of = [&](int operand, const Lanes* l) -> const uint8_t* {
      return operand >= 0 && code_[static_cast<size_t>(operand)].may_null ? l->nul.data() : nullptr;
    };
    const uint8_t* ba = bad_of(in.a, A);
    const uint8_t* bb = bad_of(in.b, B);
    const uint8_t* bc = bad_of(in.c, C);
    const uint8_t* na = null_of(in.a, A);
    const uint8_t* nb = null_of(in.b, B);
    const uint8_t* nc = null_of(in.c, C);
    uint8_t* bad = nullptr;
    if (in.may_bad) {
      r.bad.assign(n, 0);
      bad = r.bad.data();
      // Unknown where an operand is; where one is null too, but for `==`,
      // `in` a list and the branches of `?:` (below).
      const bool eq = in.op == I::kEq || in.op == I::kInList, cond = in.op == I::kCond;
      for (const uint8_t* src : {ba, bb, bc, eq ? nullptr : na, eq || cond ? nullptr : nb,
                                 eq || cond ? nullptr : nc}) {
        if (src == nullptr) continue;
        for (size_t i = 0; i < n; ++i) bad[i] |= src[i];
      }
    }
    const int64_t* __restrict x = A != nullptr ? A->data : nullptr;
    const int64_t* __restrict y = B != nullptr ? B->data : nullptr;
    switch (in.op) {
      case I::kVar: {
        if (in.slot >= f.vars.size() || f.vars[in.slot].size() < n) return false;  // (not bound)
        const int32_t* rows = f.vars[in.slot].data();
        bool consecutive = true;
        for (size_t i = 0; i < n; ++i) {
          v[i] = rows[i];
          consecutive &= v[i] == v[0] + static_cast<int64_t>(i);
        }
        r.consecutive = consecutive;
        break;
      }
      case I::kValue: {
        if (in.slot >= f.values.size()) return false;
        const Vec& e = f.values[in.slot];
        if (e.st.size() < n || e.kind != KindOf(in.type)) return false;  // (not bound as such)
        for (size_t i = 0; i < n; ++i) {
          bad[i] = static_cast<uint8_t>(e.st[i] == kUnknownRow);
          nul[i] = static_cast<uint8_t>(e.st[i] == kNullRow);
        }
        switch (in.type) {
          case T::kPeriod: std::copy(e.p.begin(), e.p.begin() + static_cast<ptrdiff_t>(n), r.p.begin()); break;
          case T::kString: std::copy(e.s.begin(), e.s.begin() + static_cast<ptrdiff_t>(n), r.s.begin()); break;
          default: std::copy(e.i.begin(), e.i.begin() + static_cast<ptrdiff_t>(n), v); break;
        }
        break;
      }
      case I::kForward: {  // a field of null is an error: the lane unknown
        const int32_t* refs = in.refs->data();
        for (size_t i = 0; i < n; ++i) {
          const int32_t t = bad[i] ? -1 : refs[x[i]];
          v[i] = t;
          bad[i] = static_cast<uint8_t>(t < 0);
        }
        break;
      }
      case I::kColumn: {
        const ColumnView& view = in.view;
        if (nul != nullptr) {
          for (size_t i = 0; i < n; ++i) {
            nul[i] = static_cast<uint8_t>((ba == nullptr || ba[i] == 0) && view.valid[x[i]] == 0);
          }
        }
        // (An unknown lane's row is -1: it reads nothing, and stays unknown.)
        switch (view.type) {
          case ColumnType::kBool: {
            const auto* d = static_cast<const uint8_t*>(view.data);
            for (size_t i = 0; i < n; ++i) v[i] = ba != nullptr && ba[i] ? 0 : d[x[i]] != 0;
            break;
          }
          case ColumnType::kInt:
          case ColumnType::kDecimal: {
            const auto* d = static_cast<const int64_t*>(view.data);
            if (ba == nullptr && A->consecutive && n > 0) {
              r.data = d + x[0];  // (read where it is)
            } else if (ba == nullptr) {
              for (size_t i = 0; i < n; ++i) v[i] = d[x[i]];
            } else {
              for (size_t i = 0; i < n; ++i) v[i] = ba[i] ? 0 : d[x[i]];
            }
            break;
          }
          case ColumnType::kDate: {
            const auto* d = static_cast<const int32_t*>(view.data);
            for (size_t i = 0; i < n; ++i) v[i] = ba != nullptr && ba[i] ? 0 : d[x[i]];
            break;
          }
          case ColumnType::kMonth: {  // "month out of range": unknown
            const auto* d = static_cast<const int32_t*>(view.data);
            Period* p = r.p.data();
            for (size_t i = 0; i < n; ++i) {
              if ((ba != nullptr && ba[i]) || (nul != nullptr && nul[i])) continue;
              const int32_t m = d[x[i]];
              const std::optional<Period> month =
                  Period::FromIndex(PeriodKind::kMonth, m / 12, m % 12 + 1);
              if (month) {
                p[i] = *month;
              } else {
                bad[i] = 1;
              }
            }
            break;
          }
          case ColumnType::kString: {
            const auto* d = static_cast<const int32_t*>(view.data);
            const std::vector<std::string>& dict = *view.dictionary;
            std::string_view* s = r.s.data();
            r.codes_of = &dict;
            r.codes.resize(n);
            int32_t* codes = r.codes.data();
            for (size_t i = 0; i < n; ++i) {
              const bool none = (ba != nullptr && ba[i]) || (nul != nullptr && nul[i]);
              codes[i] = none ? -1 : d[x[i]];
              s[i] = none ? std::string_view() : std::string_view(dict[static_cast<size_t>(codes[i])]);
            }
            if (dict.size() <= kSmallTexts) {  // (coded: a code, a category)
              r.coded = true;
              r.views.assign(dict.begin(), dict.end());
            }
            break;
          }
          default: return false;
        }
        break;
      }
      case I::kConst:
        if (in.type == T::kNull) {
          std::fill(nul, nul + n, 1);
        } else if (in.type == T::kString) {
          std::fill(r.s.begin(), r.s.begin() + static_cast<ptrdiff_t>(n), in.ks);
          r.coded = true;  // (one text: code 0)
          r.views.assign(1, in.ks);
          r.codes.assign(n, 0);
        } else {
          std::fill(v, v + n, in.k);
        }
        r.const_program = id_;
        r.const_index = k;
        r.const_n = n;
        break;
      case I::kArithInt:
      case I::kArithDec: {
        // (Decimals of one scale, or a product, are their coefficients'.)
        const bool plain = in.op == I::kArithInt || in.arith == Op::kMul || in.sa == in.sb;
        if (plain && in.arith == Op::kAdd) {
          for (size_t i = 0; i < n; ++i) over |= __builtin_add_overflow(x[i], y[i], &v[i]);
        } else if (plain && in.arith == Op::kSub) {
          for (size_t i = 0; i < n; ++i) over |= __builtin_sub_overflow(x[i], y[i], &v[i]);
        } else if (plain && in.arith == Op::kMul &&
                   (code_[static_cast<size_t>(in.a)].op == I::kConst ||
                    code_[static_cast<size_t>(in.b)].op == I::kConst)) {
          // By a constant k: the product overflows only where |x| > INT64_MAX / |k|
          // (a product of exactly INT64_MIN is left to the general operators too).
          const bool first = code_[static_cast<size_t>(in.a)].op == I::kConst;
          const int64_t k = first ? code_[static_cast<size_t>(in.a)].k : code_[static_cast<size_t>(in.b)].k;
          const int64_t* __restrict z = first ? y : x;
          const int64_t limit = k == 0 ? INT64_MAX : k == INT64_MIN ? 0 : INT64_MAX / (k < 0 ? -k : k);
          bool out_of_range = false;
          for (size_t i = 0; i < n; ++i) {
            out_of_range |= (z[i] > limit) | (z[i] < -limit);
            v[i] = static_cast<int64_t>(static_cast<uint64_t>(z[i]) * static_cast<uint64_t>(k));
          }
          over |= out_of_range;
        } else if (plain) {
          for (size_t i = 0; i < n; ++i) over |= __builtin_mul_overflow(x[i], y[i], &v[i]);
        } else {  // at the larger scale, exact in 128 bits (as Decimal::Add)
          const int64_t pa = kPow10[static_cast<size_t>(in.scale - in.sa)];
          const int64_t pb = kPow10[static_cast<size_t>(in.scale - in.sb)];
          const Int128 sign = in.arith == Op::kAdd ? 1 : -1;
          for (size_t i = 0; i < n; ++i) {
            const Int128 z = static_cast<Int128>(x[i]) * pa + sign * static_cast<Int128>(y[i]) * pb;
            over |= !FitsInt64(z);
            v[i] = static_cast<int64_t>(z);
          }
        }
        if (over) return false;
        break;
      }
      case I::kDateAdd: {  // as Date::AddDays: out of range, unknown
        constexpr int64_t kMinDay = Date::kMinDayNumber, kMaxDay = Date::kMaxDayNumber;
        const bool sub = in.arith == Op::kSub;
        for (size_t i = 0; i < n; ++i) {
          int64_t days = y[i];
          v[i] = x[i];
          if (sub) {
            if (days == INT64_MIN) {
              bad[i] = 1;
              continue;
            }
            days = -days;
          }
          if (days > kMaxDay - x[i] || days < kMinDay - x[i]) {
            bad[i] = 1;
            continue;
          }
          v[i] = x[i] + days;
        }
        break;
      }
      case I::kDateDiff:
        for (size_t i = 0; i < n; ++i) v[i] = x[i] - y[i];
        break;
      case I::kPeriod:
        if (f.periods.empty()) return false;  // (no period bound)
        std::copy(f.periods.begin(), f.periods.begin() + static_cast<ptrdiff_t>(n), r.p.begin());
        break;
      case I::kStart:
      case I::kEnd:
      case I::kDays: {
        const Period* p = A->p.data();
        for (size_t i = 0; i < n; ++i) {
          if (bad != nullptr && bad[i]) continue;
          const int64_t start = p[i].start().day_number();
          const int64_t end = in.op == I::kStart ? 0 : p[i].end().day_number();
          v[i] = in.op == I::kStart ? start : in.op == I::kEnd ? end : end - start + 1;
        }
        break;
      }
      case I::kInPeriod: {
        const Period* p = B->p.data();
        for (size_t i = 0; i < n; ++i) {
          if (bad != nullptr && bad[i]) continue;
          v[i] = x[i] >= p[i].start().day_number() && x[i] <= p[i].end().day_number();
        }
        break;
      }
      case I::kInList: {  // CEL equality with each element: a string with the strings
        const std::string_view* sx = A->s.data();
        const auto contains = [&](std::string_view text) {
          for (const Value& e : *in.list) {
            if (e.kind() == ValueKind::kString && e.string_value() == text) return true;
          }
          return false;
        };
        if (A->coded) {  // once per text
          std::array<uint8_t, kSmallTexts> found{};
          for (size_t c = 0; c < A->views.size(); ++c) found[c] = contains(A->views[c]);
          const int32_t* codes = A->codes.data();
          for (size_t i = 0; i < n; ++i) {
            if (na != nullptr && na[i]) {
              v[i] = in.list_has_null;
              continue;
            }
            v[i] = codes[i] < 0 ? 0 : found[static_cast<size_t>(codes[i])];
          }
          break;
        }
        for (size_t i = 0; i < n; ++i) {
          if (na != nullptr && na[i]) {  // null in a list that has a null
            v[i] = in.list_has_null;
            continue;
          }
          bool found = false;
          for (const Value& e : *in.list) {
            if (e.kind() == ValueKind::kString && e.string_value() == sx[i]) {
              found = true;
              break;
            }
          }
          v[i] = found;
        }
        break;
      }
      case I::kEq: {  // a null equals a null only
        const int8_t* res = in.result;
        const T ta = code_[static_cast<size_t>(in.a)].type;
        const T tb = code_[static_cast<size_t>(in.b)].type;
        if (ta == T::kString && tb == T::kString && A->codes_of != nullptr &&
            A->codes_of == B->codes_of) {  // (texts of one dictionary: by code)
          const int32_t* ca = A->codes.data();
          const int32_t* cb = B->codes.data();
          for (size_t i = 0; i < n; ++i) v[i] = res[ca[i] == cb[i] ? 1 : 0];
        } else if (ta == T::kString && tb == T::kString && A->coded && B->coded) {
          // Once per pair of texts (a lane whose code is -1 is unknown or
          // null, and set below).
          const size_t nb_texts = B->views.size();
          std::array<uint8_t, kSmallTexts * kSmallTexts> equal;
          for (size_t a = 0; a < A->views.size(); ++a) {
            for (size_t b = 0; b < nb_texts; ++b) {
              equal[a * nb_texts + b] = static_cast<uint8_t>(res[A->views[a] == B->views[b] ? 1 : 0]);
            }
          }
          const int32_t* ca = A->codes.data();
          const int32_t* cb = B->codes.data();
          for (size_t i = 0; i < n; ++i) {
            v[i] = ca[i] < 0 || cb[i] < 0
                       ? 0
                       : equal[static_cast<size_t>(ca[i]) * nb_texts + static_cast<size_t>(cb[i])];
          }
        } else if (ta == T::kString && tb == T::kString) {
          const std::string_view* sx = A->s.data();
          const std::string_view* sy = B->s.data();
          for (size_t i = 0; i < n; ++i) v[i] = res[sx[i] == sy[i] ? 1 : 0];
        } else if (ta == T::kPeriod && tb == T::kPeriod) {
          const Period* px = A->p.data();
          const Period* py = B->p.data();
          for (size_t i = 0; i < n; ++i) v[i] = res[px[i] == py[i] ? 1 : 0];
        } else if (ta != T::kNull && tb != T::kNull && in.sa == in.sb) {
          for (size_t i = 0; i < n; ++i) v[i] = res[x[i] == y[i] ? 1 : 0];
        } else if (ta != T::kNull && tb != T::kNull) {
          const int s = std::max(in.sa, in.sb);
          const int64_t pa = kPow10[static_cast<size_t>(s - in.sa)];
          const int64_t pb = kPow10[static_cast<size_t>(s - in.sb)];
          for (size_t i = 0; i < n; ++i) {
            v[i] = res[static_cast<Int128>(x[i]) * pa == static_cast<Int128>(y[i]) * pb ? 1 : 0];
          }
        }
        // A null on either side: equal when both are.
        const bool a_null = ta == T::kNull, b_null = tb == T::kNull;
        if (na != nullptr || nb != nullptr) {
          for (size_t i = 0; i < n; ++i) {
            const bool xn = a_null || (na != nullptr && na[i]);
            const bool yn = b_null || (nb != nullptr && nb[i]);
            if (xn || yn) v[i] = res[xn && yn ? 1 : 0];
          }
        }
        break;
      }
      case I::kCmp: {
        const int8_t* res = in.result;
        if (code_[static_cast<size_t>(in.a)].type == T::kString) {
          const std::string_view* sx = A->s.data();
          const std::string_view* sy = B->s.data();
          for (size_t i = 0; i < n; ++i) {
            const int c = sx[i].compare(sy[i]);
            v[i] = res[(c > 0) - (c < 0) + 1];
          }
        } else if (in.sa == in.sb) {
          // (One loop per operator, without the table: the compiler's vector compares.)
          const auto each = [&](auto op) {
            for (size_t i = 0; i < n; ++i) v[i] = op(x[i], y[i]) ? 1 : 0;
          };
          if (res[0] && !res[1] && !res[2]) {
            each([](int64_t p, int64_t q) { return p < q; });
          } else if (res[0] && res[1] && !res[2]) {
            each([](int64_t p, int64_t q) { return p <= q; });
          } else if (!res[0] && !res[1] && res[2]) {
            each([](int64_t p, int64_t q) { return p > q; });
          } else if (!res[0] && res[1] && res[2]) {
            each([](int64_t p, int64_t q) { return p >= q; });
          } else {
            for (size_t i = 0; i < n; ++i) v[i] = res[(x[i] > y[i]) - (x[i] < y[i]) + 1];
          }
        } else {
          const int s = std::max(in.sa, in.sb);
          const int64_t pa = kPow10[static_cast<size_t>(s - in.sa)];
          const int64_t pb = kPow10[static_cast<size_t>(s - in.sb)];
          for (size_t i = 0; i < n; ++i) {
            v[i] = res[Sign128(static_cast<Int128>(x[i]) * pa, static_cast<Int128>(y[i]) * pb) + 1];
          }
        }
        break;
      }
      case I::kAnd:
      case I::kOr: {
        // Decided by either side alone where it is known and decisive
        // (false for &&, true for ||); else known where both are.
        const int64_t decisive = in.op == I::kOr ? 1 : 0;
        if (bad == nullptr) {
          if (decisive == 0) {
            for (size_t i = 0; i < n; ++i) v[i] = x[i] & y[i];
          } else {
            for (size_t i = 0; i < n; ++i) v[i] = x[i] | y[i];
          }
          break;
        }
        // (Without branches; `known_a`, `known_b`: whether that side is known in
        // every lane, without a mask of unknown lanes.)
        const auto each = [&](auto known_a, auto known_b) {
          for (size_t i = 0; i < n; ++i) {
            const uint8_t ak = known_a ? 1 : static_cast<uint8_t>(ba[i] == 0);
            const uint8_t bk = known_b ? 1 : static_cast<uint8_t>(bb[i] == 0);
            const uint8_t decided = static_cast<uint8_t>((ak & static_cast<uint8_t>(x[i] == decisive)) |
                                                         (bk & static_cast<uint8_t>(y[i] == decisive)));
            v[i] = decided ^ (decisive ^ 1);
            bad[i] = static_cast<uint8_t>((decided ^ 1) & ((ak & bk) ^ 1));
          }
        };
        if (ba != nullptr && bb != nullptr) {
          each(std::false_type(), std::false_type());
        } else if (ba != nullptr) {
          each(std::false_type(), std::true_type());
        } else if (bb != nullptr) {
          each(std::true_type(), std::false_type());
        } else {
          each(std::true_type(), std::true_type());
        }
        break;
      }
      case I::kNot:
        for (size_t i = 0; i < n; ++i) v[i] = x[i] ^ 1;
        break;
      case I::kCond: {  // x ? y : z; unknown where x is, or the branch taken; its null
        if (bad != nullptr) {
          for (size_t i = 0; i < n; ++i) {
            const bool yes = x[i] != 0;
            bad[i] = static_cast<uint8_t>(bad[i] || (yes ? bb != nullptr && bb[i] : bc != nullptr && bc[i]));
          }
        }
        if (nul != nullptr) {
          for (size_t i = 0; i < n; ++i) {
            nul[i] = static_cast<uint8_t>(x[i] != 0 ? nb != nullptr && nb[i] : nc != nullptr && nc[i]);
          }
        }
        if (in.type == T::kPeriod) {
          Period* p = r.p.data();
          for (size_t i = 0; i < n; ++i) p[i] = x[i] != 0 ? B->p[i] : C->p[i];
          break;
        }
        if (in.type == T::kString) {
          std::string_view* s = r.s.data();
          const std::string_view* sy = B->s.data();
          const std::string_view* sz = C->s.data();
          // (The branch taken is the data's: a load from one of the two, not
          // a jump.)
          const std::string_view* branch[2] = {sz, sy};
          for (size_t i = 0; i < n; ++i) s[i] = branch[x[i] != 0][i];
        } else {
          const int64_t* __restrict z = C->data;
          for (size_t i = 0; i < n; ++i) v[i] = x[i] != 0 ? y[i] : z[i];
        }
        break;
      }
      case I::kInMap:
      case I::kIndexMap: {
        MapLookup map(*in.map);
        if (A->coded && (in.op == I::kInMap || in.type == T::kString)) {
          // Once per text; a string found is coded by the key's code.
          std::array<const Value*, kSmallTexts> found{};
          for (size_t c = 0; c < A->views.size(); ++c) found[c] = map.Find(A->views[c]);
          const int32_t* codes = A->codes.data();
          if (in.op == I::kIndexMap) {
            r.coded = true;
            r.views.resize(A->views.size());
            for (size_t c = 0; c < A->views.size(); ++c) {
              r.views[c] = found[c] != nullptr ? std::string_view(found[c]->string_value())
                                               : std::string_view();
            }
            r.codes.resize(n);
          }
          for (size_t i = 0; i < n; ++i) {
            const bool none = (bad != nullptr && bad[i]) || codes[i] < 0;
            const Value* e = none ? nullptr : found[static_cast<size_t>(codes[i])];
            if (in.op == I::kInMap) {
              v[i] = e != nullptr;
              continue;
            }
            v[i] = 0;
            r.codes[i] = e != nullptr ? codes[i] : -1;
            r.s[i] = e != nullptr ? r.views[static_cast<size_t>(codes[i])] : std::string_view();
            if (e == nullptr && !none) bad[i] = 1;  // a missing key is an error
          }
          break;
        }
        for (size_t i = 0; i < n; ++i) {
          v[i] = 0;
          if (bad != nullptr && bad[i]) continue;
          const Value* e = map.Find(A->s[i]);
          if (in.op == I::kInMap) {
            v[i] = e != nullptr;
            continue;
          }
          if (e == nullptr) {  // a missing key is an error
            bad[i] = 1;
            if (in.type == T::kString) r.s[i] = std::string_view();
            continue;
          }
          switch (in.type) {
            case T::kString: r.s[i] = e->string_value(); break;
            case T::kInt: v[i] = e->int_value(); break;
            case T::kBool: v[i] = e->bool_value(); break;
            case T::kDate: v[i] = e->date_value().day_number(); break;
            default: bad[i] = 1; break;
          }
        }
        break;
      }
    }
  }
  // The root's lanes as the general operators' output.
  const Instr& last = code_[static_cast<size_t>(root_)];
  const Lanes& r = regs[static_cast<size_t>(root_)];
  out->kind = kind_;
  out->st.assign(n, kValueRow);
  if (last.may_null) {
    for (size_t i = 0; i < n; ++i) {
      if (r.nul[i]) out->st[i] = kNullRow;
    }
  }
  if (last.may_bad) {
    for (size_t i = 0; i < n; ++i) {
      if (r.bad[i]) out->st[i] = kUnknownRow;
    }
  }
  switch (last.type) {
    case T::kPeriod: out->p.assign(r.p.begin(), r.p.begin() + static_cast<ptrdiff_t>(n)); break;
    case T::kString: out->s.assign(r.s.begin(), r.s.begin() + static_cast<ptrdiff_t>(n)); break;
    case T::kDecimal:
      out->d.resize(n);
      for (size_t i = 0; i < n; ++i) out->d[i] = Decimal::FromUnscaled(r.data[i], last.scale);
      break;
    default: out->i.assign(r.data, r.data + n); break;
  }
  return true;
}

}  // namespace zhucun::internal
