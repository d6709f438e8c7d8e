#ifndef ZHUCUN_SRC_EXPR_INLINE_H_
#define ZHUCUN_SRC_EXPR_INLINE_H_

// Functions defined in CEL (Env::DefineFunction) are macros: each call is
// replaced by a copy of the body in which the parameters are the call's
// argument subtrees. The copied nodes keep the body's spans, so an error
// inside a body points at the definition.

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "syntax/ast.h"
#include "zhucun/diagnostic.h"

namespace zhucun::internal {

struct FunctionDef {
  std::string name;
  std::vector<std::string> params;
  Ast body;
};

using FunctionTable =
    std::map<std::string, std::shared_ptr<const FunctionDef>, std::less<>>;

// Replaces every global call of a defined function (with the right number
// of arguments) in `ast`. Calls nested more than `max_depth` functions deep
// (a function that calls itself) are errors. Returns false on error.
bool InlineFunctions(const FunctionTable& functions, uint32_t max_depth,
                     Ast* ast, Diagnostics* diags);

}  // namespace zhucun::internal

#endif  // ZHUCUN_SRC_EXPR_INLINE_H_
