#ifndef ZHUCUN_SRC_ENGINE_DECISIONS_H_
#define ZHUCUN_SRC_ENGINE_DECISIONS_H_

// What decided a value computed over a list, as an explanation shows it
// (Explanation::Decision): the evaluator records which element made an
// `exists` true or an `all` false and which elements a `filter` kept
// (expr/evaluator.h); this names the comprehension the way a clerk wrote it
// (`unit.members.exists(m, …)`) and shows the elements as values.

#include <functional>
#include <string>
#include <vector>

#include "expr/evaluator.h"
#include "zhucun/engine.h"
#include "zhucun/expr.h"
#include "zhucun/value.h"

namespace zhucun::internal {

// The value of `program` on `activation`, and in *decisions what decided
// the lists it went through; `show` writes an element.
Value EvaluateExplained(const Program& program, const Activation& activation,
                        const std::function<std::string(const Value&)>& show,
                        std::vector<Explanation::Decision>* decisions);

// A comprehension of `ast` in short: its list as written, then the macro
// and its variable, `unit.members.exists(m, …)`.
std::string ComprehensionText(const Ast& ast, ExprId id);

}  // namespace zhucun::internal

#endif  // ZHUCUN_SRC_ENGINE_DECISIONS_H_
