// The compiler of fused typed loops (plan_fused.h): a plan's operators into
// a program of instructions over lanes (plan_fused.cc runs it).

#include "plan/plan_fused.h"

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "plan/plan_kernels.h"

namespace zhucun::internal {

namespace {

using T = Fused::T;
using I = Fused::I;
using Instr = Fused::Instr;

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

bool IsNumber(T t) { return t == T::kInt || t == T::kDecimal; }

// Compiles a subtree into instructions, each operator once.
class Compiler {
 public:
  Compiler(const RulePlan::Impl& plan, int root) : plan_(plan), root_(root) {}

  // The instruction of operator `id`, or -1 when the subtree is not one
  // the program expresses.
  int Emit(int id) {
    if (const auto it = done_.find(id); it != done_.end()) return it->second;
    const int at = id != root_ && Shared(id) && !Recomputed(id) ? Input(id)
                                                                : Make(plan_.nodes[static_cast<size_t>(id)]);
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

  // Whether operator `id` is another root of the plan with a program of
  // its own: computed on every frame anyway, so read (kInput), not
  // computed again (the weighted score, both a column and in the grade).
  bool Shared(int id) const {
    const auto index = static_cast<size_t>(id);
    if (index >= plan_.fused.size() || plan_.fused[index] == nullptr) return false;
    return id == plan_.root || std::find(plan_.roots.begin(), plan_.roots.end(), id) != plan_.roots.end();
  }

  // Whether another root's program (Shared) is computed again here rather
  // than read: a short one that reads no input (a weighted score; at most
  // fused_recompute_instructions), so that
  // each root's program reads only the facts — its lanes can then go to
  // the caller as they are (RulePlan::Columns, Fused::RunView) instead of
  // through the general operators' output, which reading an input needs.
  bool Recomputed(int id) const {
    const Fused& shared = *plan_.fused[static_cast<size_t>(id)];
    return shared.size() <= fused_recompute_instructions && shared.inputs().empty();
  }

  int Input(int id) {
    const Instr& result = plan_.fused[static_cast<size_t>(id)]->result();
    Instr in;
    in.op = I::kInput;
    in.type = result.type;
    in.scale = result.scale;
    // (Where it was computed by the general operators, which may find a
    // row unknown its program would not, this program is not run.)
    in.may_bad = result.may_bad;
    in.may_null = result.may_null;
    in.node = id;
    code.push_back(in);  // (not Push: no operand)
    return static_cast<int>(code.size()) - 1;
  }

  const RulePlan::Impl& plan_;
  const int root_;
  std::map<int, int> done_;
};

}  // namespace

size_t fused_recompute_instructions = 16;

std::unique_ptr<Fused> Fused::Compile(const RulePlan::Impl& plan, int root) {
  const PNode& n = plan.nodes[static_cast<size_t>(root)];
  if (!TypeOf(n.kind) || n.op == Op::kConst || n.op == Op::kColumn || n.op == Op::kLocal) {
    return nullptr;
  }
  Compiler compiler(plan, root);
  const int at = compiler.Emit(root);
  if (at < 0) return nullptr;
  return std::unique_ptr<Fused>(new Fused(std::move(compiler.code), at, n.kind));
}

}  // namespace zhucun::internal
