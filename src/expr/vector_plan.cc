#include "expr/vector_plan.h"

#include <algorithm>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "expr/evaluator.h"
#include "expr/kernels.h"
#include "expr/stdlib.h"

namespace zhucun::internal {

// The physical type of a plan node's output.
enum class VType : uint8_t { kBool, kInt, kDouble, kDecimal, kDate, kString };

enum class VOp : uint8_t {
  kColumn,  // a bound column
  kConst,   // a constant, broadcast over the chunk
  kAdd, kSub, kMul, kNeg,
  kEq, kNe, kLt, kLe, kGt, kGe,
  kAnd, kOr, kNot,
  kIsNull, kIsNotNull,  // x == null, x != null
};

struct VNode {
  VNode(VOp op_in, VType type_in, int a_in = -1, int b_in = -1)
      : op(op_in), type(type_in), a(a_in), b(b_in) {}
  VOp op;
  VType type;
  int a = -1;
  int b = -1;
  std::string column;   // kColumn: the binding name
  Value constant;       // kConst
  bool null_ok = false; // kColumn read by kIsNull/kIsNotNull only
};

class VectorPlan {
 public:
  std::vector<VNode> nodes;  // children before parents
  int root = -1;
};

namespace {

constexpr size_t kChunk = 1024;


std::optional<VType> VTypeOf(const Type& t) {
  switch (t.kind()) {
    case TypeKind::kBool: return VType::kBool;
    case TypeKind::kInt: return VType::kInt;
    case TypeKind::kDouble: return VType::kDouble;
    case TypeKind::kDecimal: return VType::kDecimal;
    case TypeKind::kDate: return VType::kDate;
    case TypeKind::kString: return VType::kString;
    default: return std::nullopt;
  }
}

std::optional<VType> VTypeOfValue(const Value& v) {
  switch (v.kind()) {
    case ValueKind::kBool: return VType::kBool;
    case ValueKind::kInt: return VType::kInt;
    case ValueKind::kDouble: return VType::kDouble;
    case ValueKind::kDecimal: return VType::kDecimal;
    case ValueKind::kDate: return VType::kDate;
    case ValueKind::kString: return VType::kString;
    default: return std::nullopt;
  }
}

class EmptyRow : public RowSource {
 public:
  bool Lookup(std::string_view, Value*) const override { return false; }
  bool LookupRecord(std::string_view, Value*) const override { return false; }
};

class Builder {
 public:
  explicit Builder(const ProgramImpl& p) : p_(p) {}

  std::shared_ptr<VectorPlan> Build() {
    auto plan = std::make_shared<VectorPlan>();
    plan_ = plan.get();
    int root = Visit(p_.ast.root);
    if (root < 0) return nullptr;
    const VNode& r = plan->nodes[static_cast<size_t>(root)];
    if (r.type == VType::kString) return nullptr;  // strings only compared
    plan->root = root;
    return plan;
  }

 private:
  int Add(VNode n) {
    plan_->nodes.push_back(std::move(n));
    return static_cast<int>(plan_->nodes.size() - 1);
  }

  // True when the subtree reads no variable (so it can be folded).
  bool IsConstant(ExprId id) const {
    const Node& n = p_.ast.node(id);
    switch (n.kind) {
      case ExprKind::kConst: return true;
      case ExprKind::kIdent: return IsTypeName(n.name) && p_.qualified[id].chain.empty();
      case ExprKind::kSelect: return !n.test_only ? false : IsConstant(n.target);
      case ExprKind::kComprehension: return false;
      case ExprKind::kCall:
        if (n.target != kNoExpr && !IsConstant(n.target)) return false;
        [[fallthrough]];
      case ExprKind::kList:
      case ExprKind::kMap:
        for (ExprId a : n.args) {
          if (!IsConstant(a)) return false;
        }
        return true;
    }
    return false;
  }

  int Visit(ExprId id) {
    const Node& n = p_.ast.node(id);
    if (p_.decimal_literals.count(id) != 0 || IsConstant(id)) {
      Value v = EvaluateRowAt(p_, id, EmptyRow());
      auto t = VTypeOfValue(v);
      if (!t) return -1;
      VNode c(VOp::kConst, *t);
      c.constant = v;
      return Add(std::move(c));
    }
    if (n.kind == ExprKind::kIdent || n.kind == ExprKind::kSelect) {
      if (n.kind == ExprKind::kSelect && n.test_only) return -1;
      const ProgramImpl::Qualified& q = p_.qualified[id];
      if (q.chain.empty()) return -1;
      auto t = VTypeOf(p_.types[id]);
      if (!t) return -1;
      VNode c(VOp::kColumn, *t);
      c.column = q.names.back();
      return Add(std::move(c));
    }
    if (n.kind != ExprKind::kCall) return -1;
    const Fn fn = p_.fns[id];
    if (n.target != kNoExpr) return -1;
    if (n.args.size() == 1) {
      int a = Visit(n.args[0]);
      if (a < 0) return -1;
      VType ta = Type(a);
      if (fn == Fn::kNot && ta == VType::kBool) return Add(VNode(VOp::kNot, VType::kBool, a));
      if (fn == Fn::kNeg && (ta == VType::kInt || ta == VType::kDouble ||
                             ta == VType::kDecimal)) {
        return Add(VNode(VOp::kNeg, ta, a));
      }
      return -1;
    }
    if (n.args.size() != 2) return -1;
    // x == null, x != null on a column.
    if (fn == Fn::kEq || fn == Fn::kNe) {
      for (int side = 0; side < 2; ++side) {
        const Node& other = p_.ast.node(n.args[1 - side]);
        if (other.kind == ExprKind::kConst &&
            std::holds_alternative<NullConst>(other.constant)) {
          int a = Visit(n.args[side]);
          if (a < 0 || plan_->nodes[static_cast<size_t>(a)].op != VOp::kColumn) return -1;
          plan_->nodes[static_cast<size_t>(a)].null_ok = true;
          return Add(VNode(fn == Fn::kEq ? VOp::kIsNull : VOp::kIsNotNull, VType::kBool, a));
        }
      }
    }
    int a = Visit(n.args[0]);
    if (a < 0) return -1;
    int b = Visit(n.args[1]);
    if (b < 0) return -1;
    VType ta = Type(a), tb = Type(b);
    auto numeric_result = [&]() -> std::optional<VType> {
      if (ta == tb && (ta == VType::kInt || ta == VType::kDouble ||
                       ta == VType::kDecimal)) {
        return ta;
      }
      if ((ta == VType::kDecimal && tb == VType::kInt) ||
          (ta == VType::kInt && tb == VType::kDecimal)) {
        return VType::kDecimal;
      }
      return std::nullopt;
    };
    switch (fn) {
      case Fn::kAdd:
      case Fn::kSub:
      case Fn::kMul: {
        auto t = numeric_result();
        if (!t) return -1;
        VOp op = fn == Fn::kAdd ? VOp::kAdd : fn == Fn::kSub ? VOp::kSub : VOp::kMul;
        return Add(VNode(op, *t, a, b));
      }
      case Fn::kEq: case Fn::kNe: case Fn::kLt:
      case Fn::kLe: case Fn::kGt: case Fn::kGe: {
        VOp op = fn == Fn::kEq   ? VOp::kEq
                 : fn == Fn::kNe ? VOp::kNe
                 : fn == Fn::kLt ? VOp::kLt
                 : fn == Fn::kLe ? VOp::kLe
                 : fn == Fn::kGt ? VOp::kGt
                                 : VOp::kGe;
        bool eq_only = op == VOp::kEq || op == VOp::kNe;
        if (numeric_result() || (ta == tb && ta == VType::kDate) ||
            (ta == tb && ta == VType::kBool && eq_only)) {
          return Add(VNode(op, VType::kBool, a, b));
        }
        // A string column against a string constant: compare codes.
        if (ta == VType::kString && tb == VType::kString && eq_only) {
          const VNode& na = plan_->nodes[static_cast<size_t>(a)];
          const VNode& nb = plan_->nodes[static_cast<size_t>(b)];
          if (na.op == VOp::kColumn && nb.op == VOp::kConst) return Add(VNode(op, VType::kBool, a, b));
          if (na.op == VOp::kConst && nb.op == VOp::kColumn) return Add(VNode(op, VType::kBool, b, a));
        }
        return -1;
      }
      case Fn::kAnd:
      case Fn::kOr:
        if (ta == VType::kBool && tb == VType::kBool) {
          return Add(VNode(fn == Fn::kAnd ? VOp::kAnd : VOp::kOr, VType::kBool, a, b));
        }
        return -1;
      default:
        return -1;
    }
  }

  VType Type(int i) const { return plan_->nodes[static_cast<size_t>(i)].type; }

  const ProgramImpl& p_;
  VectorPlan* plan_ = nullptr;
};

// ---------------------------------------------------------------------------
// Execution.


// Bits of a positive multiplier m: m <= 2^MultiplierBits(m).
int MultiplierBits(int64_t m) {
  return m <= 1 ? 0 : 64 - __builtin_clzll(static_cast<uint64_t>(m - 1));
}

// Per-node state for one batch: bound columns, scales, scratch space.
struct NodeState {
  const ColumnView* column = nullptr;
  int scale = 0;           // kDecimal output (and int inputs are scale 0)
  int64_t mul_a = 1;       // alignment multipliers for decimal operands
  int64_t mul_b = 1;
  int32_t string_code = -1;  // string equality: the constant's code
  // String equality when the dictionary repeats the constant: match per code.
  std::vector<uint8_t> code_matches;
  // int64 outputs: every |value| of the current chunk is <= 2^bits.
  int bits = 63;
  // Output of the current chunk: `data` is what consumers read; computed
  // nodes write to `out` (their scratch space, or for the root the result
  // column itself), and then data == out.
  const void* data = nullptr;
  void* out = nullptr;
  const uint8_t* valid = nullptr;
  std::vector<int64_t> i64;
  std::vector<double> f64;
  std::vector<int32_t> i32;
  std::vector<uint8_t> u8;
};

class BatchRow : public RowSource {
 public:
  BatchRow(const Batch& batch, size_t row) : batch_(batch), row_(row) {}
  bool Lookup(std::string_view name, Value* out) const override {
    if (const ColumnView* c = batch_.Find(name)) {
      *out = c->Get(row_);
      return true;
    }
    return false;
  }
  bool LookupRecord(std::string_view name, Value* out) const override {
    const size_t row = row_;
    return RecordFromBindings(
        batch_.columns(), name,
        [row](const ColumnView& c) { return c.Get(row); }, out);
  }

 private:
  const Batch& batch_;
  size_t row_;
};

// Stores a row's value into a typed result column; false if it does not fit
// the column's type (the caller then switches to a Value column).
bool Store(Column* out, size_t i, const Value& v) {
  if (v.is_null()) {
    out->set_valid_row(i, false);
    return true;
  }
  switch (out->type()) {
    case ColumnType::kBool:
      if (v.kind() != ValueKind::kBool) return false;
      out->bools()[i] = v.bool_value();
      return true;
    case ColumnType::kInt:
      if (v.kind() != ValueKind::kInt) return false;
      out->ints()[i] = v.int_value();
      return true;
    case ColumnType::kDouble:
      if (v.kind() != ValueKind::kDouble) return false;
      out->doubles()[i] = v.double_value();
      return true;
    case ColumnType::kDecimal: {
      if (v.kind() != ValueKind::kDecimal) return false;
      auto d = v.decimal_value().Rescale(out->scale());
      if (!d) return false;
      out->ints()[i] = d->coefficient();
      return true;
    }
    case ColumnType::kDate:
      if (v.kind() != ValueKind::kDate) return false;
      out->int32s()[i] = v.date_value().day_number();
      return true;
    default:
      out->values()[i] = v;
      return true;
  }
}

Column MakeColumn(ColumnType type, int scale, size_t n) {
  Column c(type, scale);
  switch (type) {
    case ColumnType::kBool: c.bools().resize(n); break;
    case ColumnType::kInt:
    case ColumnType::kDecimal: c.ints().resize(n); break;
    case ColumnType::kDouble: c.doubles().resize(n); break;
    case ColumnType::kDate:
    case ColumnType::kString:
    case ColumnType::kMonth: c.int32s().resize(n); break;
    case ColumnType::kValue: c.values().resize(n); break;
  }
  return c;
}

ColumnType ColumnTypeOf(const Type& t) {
  switch (t.kind()) {
    case TypeKind::kBool: return ColumnType::kBool;
    case TypeKind::kInt: return ColumnType::kInt;
    case TypeKind::kDouble: return ColumnType::kDouble;
    case TypeKind::kDate: return ColumnType::kDate;
    default: return ColumnType::kValue;
  }
}

// Evaluates rows [begin, end) one at a time into `result`.
void EvaluateRows(const ProgramImpl& p, const Batch& batch,
                  const std::vector<uint32_t>& rows, BatchResult* result) {
  for (uint32_t i : rows) {
    Value v = EvaluateRow(p, BatchRow(batch, i));
    if (v.is_error()) {
      result->errors.emplace_back(i, v.error_message());
      result->values.set_valid_row(i, false);
      continue;
    }
    if (!Store(&result->values, i, v)) {
      // Switch to a column of Values, keeping what is there.
      Column values = MakeColumn(ColumnType::kValue, 0, result->values.size());
      for (size_t r = 0; r < result->values.size(); ++r) {
        values.values()[r] = result->values.Get(r);
      }
      values.set_valid(result->values.valid());
      result->values = std::move(values);
      Store(&result->values, i, v);
    }
  }
}

bool MatchesColumnType(VType t, ColumnType c) {
  switch (t) {
    case VType::kBool: return c == ColumnType::kBool;
    case VType::kInt: return c == ColumnType::kInt;
    case VType::kDouble: return c == ColumnType::kDouble;
    case VType::kDecimal: return c == ColumnType::kDecimal;
    case VType::kDate: return c == ColumnType::kDate;
    case VType::kString: return c == ColumnType::kString;
  }
  return false;
}

size_t ElementSize(VType t) {
  switch (t) {
    case VType::kBool: return sizeof(uint8_t);
    case VType::kInt:
    case VType::kDecimal: return sizeof(int64_t);
    case VType::kDouble: return sizeof(double);
    case VType::kDate:
    case VType::kString: return sizeof(int32_t);
  }
  return 1;
}

class PlanRunner {
 public:
  PlanRunner(const VectorPlan& plan, const Batch& batch)
      : plan_(plan), batch_(batch), state_(plan.nodes.size()) {}

  // Binds columns and derives decimal scales; false if the batch does not
  // fit the plan (then the row evaluator handles it).
  bool Prepare() {
    for (size_t i = 0; i < plan_.nodes.size(); ++i) {
      const VNode& n = plan_.nodes[i];
      NodeState& s = state_[i];
      switch (n.op) {
        case VOp::kColumn: {
          s.column = batch_.Find(n.column);
          if (s.column == nullptr || !MatchesColumnType(n.type, s.column->type) ||
              s.column->size < batch_.num_rows()) {
            return false;
          }
          s.scale = n.type == VType::kDecimal ? s.column->scale : 0;
          break;
        }
        case VOp::kConst:
          if (!PrepareConst(n, &s)) return false;
          break;
        case VOp::kAdd:
        case VOp::kSub:
        case VOp::kEq: case VOp::kNe: case VOp::kLt:
        case VOp::kLe: case VOp::kGt: case VOp::kGe: {
          if (IsDecimalOp(n)) {
            int sa = ScaleOf(n.a), sb = ScaleOf(n.b);
            s.scale = std::max(sa, sb);
            s.mul_a = Decimal::PowerOfTen(s.scale - sa);
            s.mul_b = Decimal::PowerOfTen(s.scale - sb);
            // A constant operand is aligned once here, not in every chunk.
            AlignConstant(n.a, &s.mul_a);
            AlignConstant(n.b, &s.mul_b);
          }
          if (n.type == VType::kBool && Type(n.a) == VType::kString) {
            PrepareStringCode(n, &s);
          }
          break;
        }
        case VOp::kMul:
          if (n.type == VType::kDecimal) {
            s.scale = ScaleOf(n.a) + ScaleOf(n.b);
            if (s.scale > Decimal::kMaxScale) return false;
          }
          break;
        case VOp::kNeg:
          s.scale = ScaleOf(n.a);
          break;
        default:
          break;
      }
      AllocateScratch(n, &s);
    }
    return true;
  }

  int root_scale() const { return state_[static_cast<size_t>(plan_.root)].scale; }

  // Runs the plan over rows [begin, begin + len) and sets redo[i] for rows
  // the row evaluator must redo. A computed root writes straight into
  // `result` (the result column's data for this chunk); a column or constant
  // root is copied there.
  void RunChunk(size_t begin, size_t len, uint8_t* redo, void* result) {
    NodeState& root = state_[static_cast<size_t>(plan_.root)];
    const VNode& root_node = plan_.nodes[static_cast<size_t>(plan_.root)];
    const bool computed = root_node.op != VOp::kColumn && root_node.op != VOp::kConst;
    void* scratch = root.out;
    if (computed) {
      root.out = result;
      root.data = result;
    }
    for (size_t i = 0; i < plan_.nodes.size(); ++i) RunNode(i, begin, len, redo);
    if (computed) {
      root.out = scratch;
      root.data = scratch;
    } else {
      std::memcpy(result, root.data, len * ElementSize(root_node.type));
    }
  }


 private:
  VType Type(int i) const { return plan_.nodes[static_cast<size_t>(i)].type; }
  int ScaleOf(int i) const { return state_[static_cast<size_t>(i)].scale; }
  bool IsDecimalOp(const VNode& n) const {
    return Type(n.a) == VType::kDecimal || Type(n.b) == VType::kDecimal;
  }

  // Multiplies a constant decimal operand by its alignment multiplier *mul
  // (then 1), when that cannot overflow; the constant has one consumer.
  void AlignConstant(int child, int64_t* mul) {
    const VNode& c = plan_.nodes[static_cast<size_t>(child)];
    NodeState& cs = state_[static_cast<size_t>(child)];
    if (*mul == 1 || c.op != VOp::kConst || cs.i64.empty()) return;
    int64_t scaled;
    if (__builtin_mul_overflow(cs.i64[0], *mul, &scaled)) return;
    cs.i64.assign(kChunk, scaled);
    cs.bits = MagnitudeBits(&scaled, 1);
    cs.data = cs.i64.data();
    *mul = 1;
  }

  bool PrepareConst(const VNode& n, NodeState* s) {
    const Value& v = n.constant;
    switch (n.type) {
      case VType::kBool: s->u8.assign(kChunk, v.bool_value() ? 1 : 0); s->data = s->u8.data(); break;
      case VType::kInt:
        s->i64.assign(kChunk, v.int_value());
        s->data = s->i64.data();
        s->bits = MagnitudeBits(s->i64.data(), 1);
        break;
      case VType::kDouble: s->f64.assign(kChunk, v.double_value()); s->data = s->f64.data(); break;
      case VType::kDecimal:
        s->scale = v.decimal_value().scale();
        s->i64.assign(kChunk, v.decimal_value().coefficient());
        s->data = s->i64.data();
        s->bits = MagnitudeBits(s->i64.data(), 1);
        break;
      case VType::kDate:
        s->i32.assign(kChunk, v.date_value().day_number());
        s->data = s->i32.data();
        break;
      case VType::kString: break;  // resolved against a dictionary
    }
    return true;
  }

  void PrepareStringCode(const VNode& n, NodeState* s) {
    const ColumnView* col = state_[static_cast<size_t>(n.a)].column;
    const std::string& want =
        plan_.nodes[static_cast<size_t>(n.b)].constant.string_value();
    s->string_code = -1;
    s->code_matches.clear();
    if (col == nullptr || col->dictionary == nullptr) return;
    const auto& dict = *col->dictionary;
    size_t found = 0;
    for (size_t k = 0; k < dict.size(); ++k) {
      if (dict[k] == want) {
        if (found++ == 0) s->string_code = static_cast<int32_t>(k);
      }
    }
    if (found > 1) {  // a caller's dictionary may repeat an entry
      s->code_matches.resize(dict.size());
      for (size_t k = 0; k < dict.size(); ++k) s->code_matches[k] = dict[k] == want;
    }
  }

  void AllocateScratch(const VNode& n, NodeState* s) {
    if (n.op == VOp::kColumn || n.op == VOp::kConst) return;
    switch (n.type) {
      case VType::kBool: s->u8.resize(kChunk); s->out = s->u8.data(); break;
      case VType::kInt:
      case VType::kDecimal: s->i64.resize(kChunk); s->out = s->i64.data(); break;
      case VType::kDouble: s->f64.resize(kChunk); s->out = s->f64.data(); break;
      case VType::kDate:
      case VType::kString: s->i32.resize(kChunk); s->out = s->i32.data(); break;
    }
    s->data = s->out;
  }

  int BitsOf(int i) const { return state_[static_cast<size_t>(i)].bits; }

  template <class T>
  const T* In(int i) const {
    return static_cast<const T*>(state_[static_cast<size_t>(i)].data);
  }

  void RunNode(size_t idx, size_t begin, size_t len, uint8_t* redo) {
    const VNode& n = plan_.nodes[idx];
    NodeState& s = state_[idx];
    switch (n.op) {
      case VOp::kColumn: {
        ColumnView v = s.column->Slice(begin, len);
        s.data = v.data;
        s.valid = v.valid;
        if (s.valid != nullptr && !n.null_ok) {
          for (size_t i = 0; i < len; ++i) redo[i] |= s.valid[i] == 0;
        }
        if (n.type == VType::kInt || n.type == VType::kDecimal) {
          s.bits = MagnitudeBits(static_cast<const int64_t*>(s.data), len);
        }
        return;
      }
      case VOp::kConst:
        return;
      case VOp::kIsNull:
      case VOp::kIsNotNull: {
        const uint8_t* valid = state_[static_cast<size_t>(n.a)].valid;
        uint8_t* out = static_cast<uint8_t*>(s.out);
        const uint8_t is_null = n.op == VOp::kIsNull;
        for (size_t i = 0; i < len; ++i) {
          out[i] = (valid != nullptr && valid[i] == 0) == is_null;
        }
        return;
      }
      case VOp::kNot: {
        const uint8_t* a = In<uint8_t>(n.a);
        uint8_t* out = static_cast<uint8_t*>(s.out);
        NotU8(a, out, len);
        return;
      }
      case VOp::kAnd:
      case VOp::kOr: {
        const uint8_t* a = In<uint8_t>(n.a);
        const uint8_t* b = In<uint8_t>(n.b);
        uint8_t* out = static_cast<uint8_t*>(s.out);
        if (n.op == VOp::kAnd) {
          AndU8(a, b, out, len);
        } else {
          OrU8(a, b, out, len);
        }
        return;
      }
      case VOp::kNeg:
        RunNeg(n, &s, len, redo);
        return;
      case VOp::kAdd:
      case VOp::kSub:
      case VOp::kMul:
        RunArith(n, &s, len, redo);
        return;
      default:
        RunCompare(n, &s, len, redo);
        return;
    }
  }

  void RunNeg(const VNode& n, NodeState* s, size_t len, uint8_t* redo) {
    if (n.type == VType::kDouble) {
      const double* a = In<double>(n.a);
      double* out = static_cast<double*>(s->out);
      for (size_t i = 0; i < len; ++i) out[i] = -a[i];
      return;
    }
    const int64_t* a = In<int64_t>(n.a);
    int64_t* out = static_cast<int64_t*>(s->out);
    for (size_t i = 0; i < len; ++i) {
      redo[i] |= __builtin_sub_overflow(int64_t{0}, a[i], &out[i]);
    }
    s->bits = BitsOf(n.a) < 63 ? BitsOf(n.a) : 63;
  }

  void RunArith(const VNode& n, NodeState* s, size_t len, uint8_t* redo) {
    if (n.type == VType::kDouble) {
      const double* a = In<double>(n.a);
      const double* b = In<double>(n.b);
      double* out = static_cast<double*>(s->out);
      switch (n.op) {
        case VOp::kAdd: AddF64(a, b, out, len); break;
        case VOp::kSub: SubF64(a, b, out, len); break;
        default: MulF64(a, b, out, len); break;
      }
      return;
    }
    // int64 arithmetic (ints, and decimals aligned to a common scale).
    const int64_t* a = In<int64_t>(n.a);
    const int64_t* b = In<int64_t>(n.b);
    int64_t* out = static_cast<int64_t*>(s->out);
    const int64_t ma = n.op == VOp::kMul ? 1 : s->mul_a;
    const int64_t mb = n.op == VOp::kMul ? 1 : s->mul_b;
    if (ma == 1 && mb == 1) {
      // |x| <= 2^p and |y| <= 2^q: |x*y| <= 2^(p+q), |x+y| <= 2^(max+1).
      const int pa = BitsOf(n.a), pb = BitsOf(n.b);
      const bool safe = n.op == VOp::kMul ? pa + pb <= 62 : std::max(pa, pb) <= 61;
      s->bits = safe ? (n.op == VOp::kMul ? pa + pb : std::max(pa, pb) + 1) : 63;
      if (safe) {  // no row of this chunk can overflow: plain loops
        switch (n.op) {
          case VOp::kAdd: AddI64(a, b, out, len); break;
          case VOp::kSub: SubI64(a, b, out, len); break;
          default: MulI64(a, b, out, len); break;
        }
        return;
      }
      switch (n.op) {
        case VOp::kAdd:
          for (size_t i = 0; i < len; ++i) redo[i] |= __builtin_add_overflow(a[i], b[i], &out[i]);
          break;
        case VOp::kSub:
          for (size_t i = 0; i < len; ++i) redo[i] |= __builtin_sub_overflow(a[i], b[i], &out[i]);
          break;
        default:
          for (size_t i = 0; i < len; ++i) redo[i] |= __builtin_mul_overflow(a[i], b[i], &out[i]);
          break;
      }
      return;
    }
    const int pa = BitsOf(n.a) + MultiplierBits(ma);
    const int pb = BitsOf(n.b) + MultiplierBits(mb);
    const bool safe = std::max(pa, pb) <= 61;
    s->bits = safe ? std::max(pa, pb) + 1 : 63;
    if (safe) {
      AddScaledI64(a, ma, b, mb, n.op == VOp::kAdd ? 1 : -1, out, len);
      return;
    }
    for (size_t i = 0; i < len; ++i) {
      int64_t x, y;
      bool o = __builtin_mul_overflow(a[i], ma, &x);
      o |= __builtin_mul_overflow(b[i], mb, &y);
      o |= n.op == VOp::kAdd ? __builtin_add_overflow(x, y, &out[i])
                             : __builtin_sub_overflow(x, y, &out[i]);
      redo[i] |= o;
    }
  }

  static CmpOp CmpOf(VOp op) {
    switch (op) {
      case VOp::kEq: return CmpOp::kEq;
      case VOp::kNe: return CmpOp::kNe;
      case VOp::kLt: return CmpOp::kLt;
      case VOp::kLe: return CmpOp::kLe;
      case VOp::kGt: return CmpOp::kGt;
      default: return CmpOp::kGe;
    }
  }

  void RunCompare(const VNode& n, NodeState* s, size_t len, uint8_t* redo) {
    uint8_t* out = static_cast<uint8_t*>(s->out);
    const CmpOp op = CmpOf(n.op);
    switch (Type(n.a)) {
      case VType::kString:
        if (!s->code_matches.empty()) {
          const int32_t* codes = In<int32_t>(n.a);
          const uint8_t eq = n.op == VOp::kEq;
          for (size_t i = 0; i < len; ++i) {
            out[i] = s->code_matches[static_cast<size_t>(codes[i])] == eq;
          }
          return;
        }
        CodeEquals(In<int32_t>(n.a), s->string_code, n.op == VOp::kEq, out, len);
        return;
      case VType::kDouble:
        CompareF64(op, In<double>(n.a), In<double>(n.b), out, len);
        return;
      case VType::kDate:
        CompareI32(op, In<int32_t>(n.a), In<int32_t>(n.b), out, len);
        return;
      case VType::kBool:
        CompareU8(op, In<uint8_t>(n.a), In<uint8_t>(n.b), out, len);
        return;
      default:
        break;
    }
    const int64_t* a = In<int64_t>(n.a);
    const int64_t* b = In<int64_t>(n.b);
    if (s->mul_a == 1 && s->mul_b == 1) {
      CompareI64(op, a, b, out, len);
      return;
    }
    // Align the side that needs it (at most one does: the other has the
    // larger scale); an alignment that overflows is redone exactly.
    int64_t scaled[kChunk];
    const bool scale_a = s->mul_a != 1;
    const int64_t* from = scale_a ? a : b;
    const int64_t mul = scale_a ? s->mul_a : s->mul_b;
    if (BitsOf(scale_a ? n.a : n.b) + MultiplierBits(mul) <= 62) {
      ScaleI64(from, mul, scaled, len);
    } else {
      for (size_t i = 0; i < len; ++i) {
        redo[i] |= __builtin_mul_overflow(from[i], mul, &scaled[i]);
      }
    }
    CompareI64(op, scale_a ? scaled : a, scale_a ? b : scaled, out, len);
  }

  const VectorPlan& plan_;
  const Batch& batch_;
  std::vector<NodeState> state_;
};

// Where rows [begin, ...) of a typed result column are stored.
void* ChunkOutput(Column* out, VType type, size_t begin) {
  switch (type) {
    case VType::kBool: return out->bools().data() + begin;
    case VType::kInt:
    case VType::kDecimal: return out->ints().data() + begin;
    case VType::kDouble: return out->doubles().data() + begin;
    case VType::kDate:
    case VType::kString: return out->int32s().data() + begin;
  }
  return nullptr;
}

ColumnType ColumnTypeOfV(VType t) {
  switch (t) {
    case VType::kBool: return ColumnType::kBool;
    case VType::kInt: return ColumnType::kInt;
    case VType::kDouble: return ColumnType::kDouble;
    case VType::kDecimal: return ColumnType::kDecimal;
    case VType::kDate: return ColumnType::kDate;
    case VType::kString: return ColumnType::kString;
  }
  return ColumnType::kValue;
}

const char* OpName(VOp op) {
  switch (op) {
    case VOp::kColumn: return "column";
    case VOp::kConst: return "const";
    case VOp::kAdd: return "add";
    case VOp::kSub: return "sub";
    case VOp::kMul: return "mul";
    case VOp::kNeg: return "neg";
    case VOp::kEq: return "eq";
    case VOp::kNe: return "ne";
    case VOp::kLt: return "lt";
    case VOp::kLe: return "le";
    case VOp::kGt: return "gt";
    case VOp::kGe: return "ge";
    case VOp::kAnd: return "and";
    case VOp::kOr: return "or";
    case VOp::kNot: return "not";
    case VOp::kIsNull: return "is_null";
    case VOp::kIsNotNull: return "is_not_null";
  }
  return "?";
}

const char* VTypeName(VType t) {
  switch (t) {
    case VType::kBool: return "bool";
    case VType::kInt: return "int";
    case VType::kDouble: return "double";
    case VType::kDecimal: return "decimal";
    case VType::kDate: return "date";
    case VType::kString: return "string";
  }
  return "?";
}

}  // namespace

std::shared_ptr<const VectorPlan> BuildVectorPlan(
    const ProgramImpl& program,
    const std::map<std::string, Type, std::less<>>& variables) {
  (void)variables;
  if (!program.checked) return nullptr;
  return Builder(program).Build();
}

BatchResult EvaluateBatch(const ProgramImpl& p, const Batch& batch) {
  const size_t n = batch.num_rows();
  BatchResult result;
  const VectorPlan* plan = p.vector_plan.get();
  if (plan != nullptr) {
    PlanRunner runner(*plan, batch);
    if (runner.Prepare()) {
      const VType root_type = plan->nodes[static_cast<size_t>(plan->root)].type;
      result.values = MakeColumn(ColumnTypeOfV(root_type), runner.root_scale(), n);
      std::vector<uint32_t> redo_rows;
      uint8_t redo[kChunk];
      for (size_t begin = 0; begin < n; begin += kChunk) {
        const size_t len = std::min(kChunk, n - begin);
        std::memset(redo, 0, len);
        runner.RunChunk(begin, len, redo,
                        ChunkOutput(&result.values, root_type, begin));
        if (AnySet(redo, len)) {
          for (size_t i = 0; i < len; ++i) {
            if (redo[i]) redo_rows.push_back(static_cast<uint32_t>(begin + i));
          }
        }
      }
      EvaluateRows(p, batch, redo_rows, &result);
      return result;
    }
  }
  result.values = MakeColumn(ColumnTypeOf(p.result_type), 0, n);
  std::vector<uint32_t> rows(n);
  for (size_t i = 0; i < n; ++i) rows[i] = static_cast<uint32_t>(i);
  EvaluateRows(p, batch, rows, &result);
  return result;
}

std::string DumpPlan(const ProgramImpl& p) {
  const VectorPlan* plan = p.vector_plan.get();
  if (plan == nullptr) return "row evaluator\n";
  std::string out;
  for (size_t i = 0; i < plan->nodes.size(); ++i) {
    const VNode& n = plan->nodes[i];
    out.append("%").append(std::to_string(i)).append(" = ");
    out.append(OpName(n.op)).append(":").append(VTypeName(n.type));
    if (n.op == VOp::kColumn) out.append(" ").append(n.column);
    if (n.op == VOp::kConst) out.append(" ").append(n.constant.DebugString());
    if (n.a >= 0) out.append(" %").append(std::to_string(n.a));
    if (n.b >= 0) out.append(" %").append(std::to_string(n.b));
    out += "\n";
  }
  return out;
}

}  // namespace zhucun::internal
