#ifndef ZHUCUN_SRC_RULES_PARAM_CONVERT_H_
#define ZHUCUN_SRC_RULES_PARAM_CONVERT_H_

// A parameter value is written as YAML wherever it is given: a pack's
// `default:` (pack.yaml), `--param NAME=VALUE` and Policy::Load's caller
// (text, or a structured ParamValue written out as YAML), a pack test's
// `params:`. One converter turns such a value into a typed Value of the
// parameter's type, with the same messages wherever it is written; decimals
// are exact from the text, never through a double.

#include <string>
#include <string_view>

#include "facts/yaml_tree.h"
#include "zhucun/diagnostic.h"
#include "zhucun/source.h"
#include "zhucun/type.h"
#include "zhucun/value.h"

namespace zhucun::internal {

// Whether a parameter may have this type: `int`, `uint`, `double`,
// `decimal`, `string`, `bool`, `date`, `period`, and lists and maps of
// those (map keys: `string`, `int`, `uint` or `bool`).
bool SupportedParamType(const Type& t);

// How a value of the type is written, for messages: "an integer such as
// `15`", "a list such as `[a, b]`".
std::string ParamForm(const Type& t);

// Converts `n`, a YAML value in the file `c` checks, to a value of type `t`
// (a SupportedParamType). `whole` names the value in messages ("the default
// of `x`", "parameter `x`"); its parts are "an item of <whole>", "a key of
// <whole>" and "the value of `k` in <whole>". Each problem is an error of
// code `code` at its node: "expected <form> for <part>, found <what>" (with
// a help for a number too large, too many decimals and a misspelled bool),
// a duplicate key, a map value that is missing. Returns false after
// reporting (or at an alias, which the parser reported); *out is then
// unchanged.
bool ConvertParamValue(YamlChecker& c, const std::string& code,
                       const YamlNode& n, const Type& t,
                       const std::string& whole, Value* out);

// A parameter value given as text: adds `text` to `sources` as a file named
// `file_name` (e.g. "--param term_years") and reads it as one YAML document,
// so a list or map is written in flow style (`[a, b]`, `{k: v}`) and a
// scalar as in YAML (`0.25`, `2021-06-01`, `'a: b'`); nothing at all is a
// null. Every problem of the text (syntax, aliases, depth, encoding) is an
// error of code `code` in *diags. Returns false after a problem; otherwise
// *file is the file and *value the document (a null for an empty one).
bool ReadParamText(std::string_view text, const std::string& file_name,
                   SourceManager& sources, const std::string& code,
                   FileId* file, YamlNode* value, Diagnostics* diags);

// `n` written as one line of flow-style YAML that ReadParamText reads as
// the same value: `[a, b]`, `{k: v}`, `null`; a scalar as it is when YAML
// reads it back unchanged, else double-quoted with escapes. An alias is
// written as null.
std::string FlowYaml(const YamlNode& n);

}  // namespace zhucun::internal

#endif  // ZHUCUN_SRC_RULES_PARAM_CONVERT_H_
