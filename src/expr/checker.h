#ifndef ZHUCUN_SRC_EXPR_CHECKER_H_
#define ZHUCUN_SRC_EXPR_CHECKER_H_

// The type checker: assigns a static type to every node of a parsed
// expression against the declared variables, resolves qualified names, turns
// number literals that meet decimals into exact decimals, and reports every
// type error it finds (undeclared names, unknown fields with a did-you-mean,
// calls with no matching overload).

#include <map>
#include <string>

#include "expr/program.h"
#include "zhucun/diagnostic.h"
#include "zhucun/type.h"

namespace zhucun::internal {

// Fills program->types, qualified and decimal_literals (program->ast and fns
// must be set; see ResolveNames). Returns false if an error was reported.
bool Check(const std::map<std::string, Type, std::less<>>& variables,
           ProgramImpl* program, Diagnostics* diags);

// Fills program->fns and program->qualified (name resolution that unchecked
// evaluation needs too). Comprehension variables shadow declared names.
void ResolveNames(ProgramImpl* program);

// Compiles the pattern of every `matches` call whose pattern is a string
// literal. An invalid pattern is an error diagnostic when `report` is set
// (otherwise it stays a run-time error). Returns false on a reported error.
bool CompileRegexes(ProgramImpl* program, bool report, Diagnostics* diags);

}  // namespace zhucun::internal

#endif  // ZHUCUN_SRC_EXPR_CHECKER_H_
