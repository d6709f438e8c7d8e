#ifndef ZHUCUN_SRC_PLAN_PLAN_FUSED_H_
#define ZHUCUN_SRC_PLAN_PLAN_FUSED_H_

// Fused typed loops: a subtree of a plan's operators (plan_ir.h) that reads
// only rows' columns, constants, arithmetic, comparisons, logic, `?:` and
// constant maps, compiled once into a short program over unboxed lanes —
// int64 for ints, bools, dates and rows, int64 coefficients at one scale
// known when it is compiled for decimals, views for strings — run one
// instruction at a time over a batch, each a tight loop without the
// per-row states, memos and operator outputs of the general operators
// (plan_eval.cc).
//
// It computes exactly what the general operators compute: a null where
// they have one (a null cell, `null`, a branch of `?:`, compared with `==`),
// and where a row's value is a missing map key, a field of a null
// reference, a date out of range or an operation on null, that row is
// unknown, as there (the row evaluator judges it). A batch where an
// arithmetic overflows is not computed here at all (Run returns false) and
// the general operators compute it, so the semantics of overflow are
// written once.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "plan/plan_ir.h"
#include "zhucun/column.h"
#include "zhucun/value.h"

namespace zhucun::internal {

// Fused::Compile computes another root's program again inside a program
// that reads it, rather than reading it as an input (kInput), where it has
// at most this many instructions and reads no input itself: 16 (tests set
// 0 to read every such root as an input).
extern size_t fused_recompute_instructions;

class Fused {
 public:
  // The program of operator `root` of `plan`, or null when an operator of
  // its subtree is not one it expresses (or the root is a constant, a
  // column or a variable, which the general operators give as cheaply).
  static std::unique_ptr<Fused> Compile(const RulePlan::Impl& plan, int root);

  // The root's output over f's rows into *out (its kind, a state and a
  // value per row, as Runner::Compute gives it); false, with *out
  // untouched, when a row reads a null cell. Thread-safe.
  bool Run(const Frame& f, Vec* out) const;
  size_t size() const { return code_.size(); }
  // The operators whose output the program reads as it is (kInput) rather
  // than computing it again: each must be in f.memo when Run is called
  // (Runner::Compute evaluates them first).
  const std::vector<int>& inputs() const { return inputs_; }

  // The lane types.
  enum class T : uint8_t { kInt, kBool, kDate, kDecimal, kString, kPeriod, kRow, kNull };

  // The root's lanes as the program leaves them, for a reader that takes
  // them as they are rather than as the general operators' output (Run):
  // their type, the decimals' one scale, per lane the int (bool, date,
  // decimal coefficient) or the text, and whether it is null (`nul`; no
  // mask: none is) or unknown (`bad`; no mask: none is). Valid until a
  // program runs again on this thread. Strings of few texts (constants
  // and `?:` of them, as a grade) may come as codes alone: lane i is then
  // texts[codes[i]] (`s` null).
  struct View {
    T type = T::kInt;
    int scale = 0;
    const int64_t* data = nullptr;
    const std::string_view* s = nullptr;
    const int32_t* codes = nullptr;
    const std::string_view* texts = nullptr;
    size_t text_count = 0;
    const uint8_t* nul = nullptr;
    const uint8_t* bad = nullptr;
  };
  // As Run, into *out; false (*out untouched) where Run is, and where the
  // program runs once per combination of its keys (its lanes are not the
  // rows').
  bool RunView(const Frame& f, View* out) const;
  // The scale of the root's lanes (decimals).
  int scale() const { return result().scale; }

  enum class I : uint8_t {
    kVar,       // the rows of variable `slot`
    kValue,     // the values of variable `slot` (a comprehension over a list):
                // periods, strings, ints, bools or dates
    kForward,   // refs[a]: a null reference leaves the lane unknown
    kColumn,    // column `view` of rows a
    kConst,     // `k` (or `ks`) in every lane
    kArithInt,  // a op b, checked
    kArithDec,  // a op b of decimals at scales sa, sb, into `scale`
    kCmp,       // a op b (<, <=, >, >=): -1/0/1 mapped through `result`
    kEq,        // a == b or a != b (`result`), a null equal to a null only
    kDateAdd,   // a (a date) + or - b (an int) days
    kDateDiff,  // a - b of dates: days
    kPeriod,    // the pair's period
    kStart, kEnd, kDays,  // of a period
    kInPeriod,  // a (a date) in b (a period)
    kInList,    // a (a string) in `list`
    kAnd, kOr, kNot,
    kCond,      // a ? b : c
    kInMap,     // a (a string) in `map`
    kIndexMap,  // map[a], a missing key unknown
    kInput,     // the output of operator `node`, computed before (Frame::memo)
  };

  struct Instr {
    I op = I::kConst;
    T type = T::kInt;
    int a = -1, b = -1, c = -1;
    // Whether a lane may be unknown (a field of a null reference, a missing
    // key, a null operand, or read from one); else no lane is, and none is
    // tracked. Whether a lane may be null.
    bool may_bad = false;
    bool may_null = false;
    Op arith = Op::kAdd;      // kArithInt, kArithDec: kAdd, kSub or kMul
    int scale = 0;            // kDecimal lanes: the scale of every coefficient
    int sa = 0, sb = 0;       // kArithDec, kCmp of numbers: the operands' scales
    size_t slot = 0;          // kVar, kValue
    const std::vector<int32_t>* refs = nullptr;  // kForward
    ColumnView view;          // kColumn
    int64_t k = 0;            // kConst
    std::string_view ks;      // kConst of strings
    int8_t result[3] = {0, 0, 0};  // kCmp: the bool for -1, 0, 1
    const ValueMap* map = nullptr; // kInMap, kIndexMap
    const ValueList* list = nullptr;  // kInList
    bool list_has_null = false;
    int node = -1;            // kInput
    // String lanes: whether an instruction (or the output) reads them as
    // texts, not only by code (a kColumn of a large dictionary then skips
    // looking up each lane's text: SetTextReaders).
    bool texts_read = true;
    // String lanes that are always coded (Lanes::coded), of at most
    // kSmallTexts texts: a constant, or `?:` of two such (SetTextReaders).
    bool codable = false;
  };

  // The instruction whose lanes are the output.
  const Instr& result() const { return code_[static_cast<size_t>(root_)]; }

 private:
  Fused(std::vector<Instr> code, int root, K kind);

  // Which instructions Exec runs: all; only those that give the rows the
  // keys read (`rows_`); or all but those, the keys' lanes listing every
  // combination of their values (the table, below).
  enum class Mode : uint8_t { kAll, kRows, kTable };
  // Runs the program's instructions `mode` says over n lanes (the frame's
  // rows, or the table's combinations) into this thread's registers;
  // false where Run returns false.
  bool Exec(const Frame& f, size_t n, Mode mode) const;
  // The root's lanes, n of them, as the general operators' output.
  void Output(size_t n, Vec* out) const;
  // Finds the keys: sets keys_, rows_ and table_size_ where the program
  // has a table.
  void FindKeys();
  // Sets each instruction's codable, and its texts_read: false where every
  // reader of its string lanes compares them by code alone (`==` or `!=`
  // of two columns of one dictionary, such as two references to one
  // table's key) or is a codable `?:` whose own texts are not read; the
  // output's where it is codable (its readers take the codes).
  void SetTextReaders();

  std::vector<Instr> code_;  // operands before the instructions that read them
  std::vector<int> inputs_;  // the operators of its kInput instructions
  int root_;                 // the instruction whose lanes are the output
  K kind_;                   // the root's kind
  uint64_t id_;              // this program's, never reused (a register's constant names it)

  // A program whose every lane is a function of a few columns of few
  // values each — texts of a dictionary of at most kSmallTexts, bools —
  // read from rows (its `keys`), and of constants: it is run once over
  // every combination of the keys' values (null and unknown among them
  // where a key may be), the table; each row's output is then the table's
  // at the row's combination (a dictionary-coded column's predicate
  // evaluated on its dictionary, as column stores do). E.g. `key in map &&
  // value != map[key]` of a category and a sector: 36 combinations.
  struct Key {
    int instr = -1;          // the kColumn instruction
    int64_t values = 0;      // its values: codes (or false, true) 0 .. values - 1
    int64_t null_code = -1;  // then null, where it may be null; then unknown
    int64_t unknown_code = -1;
    int64_t domain = 0;      // values, and null and unknown where it may be
    int64_t stride = 1;      // its place in a combination's number
  };
  std::vector<Key> keys_;
  std::vector<uint8_t> rows_;  // per instruction: gives rows a key reads (kVar, kForward)
  size_t table_size_ = 0;      // the combinations; 0: no table
};

}  // namespace zhucun::internal

#endif  // ZHUCUN_SRC_PLAN_PLAN_FUSED_H_
