#ifndef ZHUCUN_EXPR_H_
#define ZHUCUN_EXPR_H_

/// \file
/// The expression language: a subset of Google's CEL with zhucun's dates,
/// exact decimals and calendar periods. An Env declares variables; Compile
/// parses, type-checks and compiles an expression into an immutable Program
/// that is safe to share between threads. A Program evaluates one record
/// (Activation) or a batch of rows column-at-a-time (Batch).
///
///     zhucun::Env env;
///     env.Declare("score", zhucun::Type::Decimal());
///     zhucun::SourceManager sources;
///     auto program = env.Compile("score >= decimal('60')", sources);
///     if (!program.ok()) {
///       std::cerr << program.diagnostics().Render(sources);
///     } else {
///       zhucun::Activation act;
///       act.Bind("score", zhucun::Value::FromDecimal(*zhucun::Decimal::Parse("59.99")));
///       program.value().Evaluate(act);   // false
///     }

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "zhucun/column.h"
#include "zhucun/diagnostic.h"
#include "zhucun/export.h"
#include "zhucun/result.h"
#include "zhucun/source.h"
#include "zhucun/type.h"
#include "zhucun/value.h"

namespace zhucun {

class Program;

namespace internal {
struct ProgramImpl;
struct FunctionDef;
// The compiled form of a program (for the engine's own layers only).
const ProgramImpl& ImplOf(const Program& program);
}  // namespace internal

/// Variable bindings for evaluating one record.
class ZHUCUN_API Activation {
 public:
  /// Binds (or rebinds) a variable.
  void Bind(std::string name, Value value);
  /// Binds (or rebinds) a variable to the value of `program` evaluated on
  /// this activation, computed when an evaluation first needs it and kept
  /// until the name is bound again: a rule's `let` costs nothing where its
  /// `when` does not get that far. `program` must outlive the binding. An
  /// activation with such bindings computes them in Find, so it must not be
  /// used by several threads at once.
  void BindLazy(std::string name, const Program* program);
  /// Binds (or rebinds) a variable to the value `make` returns, made when
  /// an evaluation on this activation or on any copy of it first needs it,
  /// and only once: copies share it, and several threads may evaluate on
  /// copies (the first to need it makes it, the others wait). For a value
  /// that costs much and is seldom needed, such as a whole table as a list
  /// of records. If `make` throws, the exception reaches the Find (or
  /// evaluation) that asked, and the next one tries again.
  void BindOnce(std::string name, std::function<Value()> make);
  /// The value of a variable (computing a lazy one), or nullptr if unbound.
  const Value* Find(std::string_view name) const;
  /// How many times a lazy binding has been computed on this activation
  /// (copies start from the count of what they copy).
  uint64_t lazy_evaluations() const { return lazy_evaluations_; }
  /// All bindings made with Bind (not BindLazy's or BindOnce's), ordered
  /// by name.
  const std::map<std::string, Value, std::less<>>& bindings() const {
    return vars_;
  }

 private:
  struct Lazy {
    const Program* program = nullptr;
    mutable std::optional<Value> value;
    mutable bool computing = false;
  };
  struct Once {
    std::function<Value()> make;
    std::once_flag made;
    Value value;
  };
  std::map<std::string, Value, std::less<>> vars_;
  std::map<std::string, Lazy, std::less<>> lazy_;
  std::map<std::string, std::shared_ptr<Once>, std::less<>> once_;
  mutable uint64_t lazy_evaluations_ = 0;
};

/// Column bindings for evaluating a batch of rows. A variable of a scalar
/// type binds to a column by its name ("score"); a field of an object
/// variable binds by "variable.field" ("member.role"). Every bound column
/// has at least num_rows() rows.
class ZHUCUN_API Batch {
 public:
  explicit Batch(size_t num_rows) : num_rows_(num_rows) {}
  void Bind(std::string name, ColumnView column);
  const ColumnView* Find(std::string_view name) const;
  size_t num_rows() const { return num_rows_; }
  /// All bound columns, ordered by name.
  const std::map<std::string, ColumnView, std::less<>>& columns() const {
    return columns_;
  }

 private:
  size_t num_rows_;
  std::map<std::string, ColumnView, std::less<>> columns_;
};

/// The result of a batch evaluation: one value per row; rows whose
/// evaluation failed are null in `values` and listed in `errors`.
struct BatchResult {
  Column values;
  /// (row, message), in row order.
  std::vector<std::pair<uint32_t, std::string>> errors;
};

/// Limits that keep hostile input bounded.
struct CompileOptions {
  /// Deepest nesting of the expression (parentheses, calls, operators).
  uint32_t max_depth = 250;
  /// Longest expression text, in bytes.
  uint32_t max_length = 100000;
  /// Most comprehension steps (iterations of all, exists, map, ...) that one
  /// evaluation may take; beyond it the evaluation is an error.
  uint64_t max_comprehension_steps = 10'000'000;
  /// Deepest nesting of comprehensions (all, exists, map, filter, ...
  /// inside the loop of another): the static cost bound checked when the
  /// expression is compiled. The steps of k nested comprehensions can grow
  /// as the k-th power of the lists' sizes, so a deeper nest is a compile
  /// error (`expr.too_costly`) rather than a check that runs for hours.
  uint32_t max_comprehension_nesting = 4;
  /// Type-check the expression (off only for CEL conformance tests that
  /// specify unchecked evaluation).
  bool check = true;
};

/// A compiled expression. Immutable; copies share the compiled form.
class ZHUCUN_API Program {
 public:
  /// The static type of the expression's result.
  const Type& result_type() const;
  /// Evaluates against one record. An evaluation error (overflow, division
  /// by zero, missing key, no matching overload at run time) is returned as
  /// a Value of kind kError.
  Value Evaluate(const Activation& activation) const;
  /// Evaluates every row of the batch, column-at-a-time. Gives, row by row,
  /// the same results as Evaluate on that row's values.
  BatchResult EvaluateBatch(const Batch& batch) const;
  /// The compiled plan, one node per line (for tests and `--explain`).
  std::string DumpPlan() const;
  /// Whether the expression may read the variable `name` (directly, as
  /// `name.field`, or in an inlined function's body); never true of a name
  /// it does not mention.
  bool Reads(std::string_view name) const;

 private:
  friend class Env;
  friend const internal::ProgramImpl& internal::ImplOf(const Program& program);
  explicit Program(std::shared_ptr<const internal::ProgramImpl> impl)
      : impl_(std::move(impl)) {}
  std::shared_ptr<const internal::ProgramImpl> impl_;
};

/// Declarations against which expressions are checked and compiled.
class ZHUCUN_API Env {
 public:
  Env() = default;
  /// Declares a variable (a later declaration of the same name replaces it).
  void Declare(std::string name, Type type);
  /// The declared variables.
  const std::map<std::string, Type, std::less<>>& variables() const {
    return variables_;
  }

  /// Defines a function by a CEL body over its parameters; a call is
  /// replaced by the body with the call's arguments in place of the
  /// parameters (so it type-checks and evaluates as if written out), e.g.
  ///
  ///     env.DefineFunction("active", {"r", "d"},
  ///         "r.start_date <= d && (r.end_date == null || d <= r.end_date)",
  ///         file, offset, sources);
  ///
  /// The body lies at byte `offset` of `file` (diagnostics point there). A
  /// body may call functions defined before it; a function that calls itself
  /// is an error where it is called. Returns the body's syntax errors.
  Diagnostics DefineFunction(std::string name, std::vector<std::string> params,
                             std::string_view body, FileId file,
                             uint32_t offset, const SourceManager& sources,
                             const CompileOptions& options = {});

  /// Parses, checks and compiles `text`. The text is added to `sources` under
  /// `name` so that diagnostics can be rendered.
  Result<Program> Compile(std::string_view text, SourceManager& sources,
                          std::string name = "<expr>",
                          const CompileOptions& options = {}) const;
  /// Compiles an expression that lies at byte `offset` of a file already in
  /// `sources` (e.g. a YAML rule file); diagnostics point into that file.
  Result<Program> CompileAt(std::string_view text, FileId file,
                            uint32_t offset, const SourceManager& sources,
                            const CompileOptions& options = {}) const;

 private:
  std::map<std::string, Type, std::less<>> variables_;
  std::map<std::string, std::shared_ptr<const internal::FunctionDef>, std::less<>>
      functions_;
};

}  // namespace zhucun

#endif  // ZHUCUN_EXPR_H_
