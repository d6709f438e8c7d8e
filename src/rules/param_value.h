#ifndef ZHUCUN_SRC_RULES_PARAM_VALUE_H_
#define ZHUCUN_SRC_RULES_PARAM_VALUE_H_

// Parameter values written as text (`--param max_excellent_share=0.25`):
// scalars of a parameter's type, parsed exactly (decimals never via double).

#include <optional>
#include <string_view>

#include "zhucun/type.h"
#include "zhucun/value.h"

namespace zhucun::internal {

// The value of `text` as a `type` (int, uint, double, decimal, string, bool,
// date, period), or nullopt if it is not one (or the type is not a scalar).
std::optional<Value> ParseParamValue(const Type& type, std::string_view text);

}  // namespace zhucun::internal

#endif  // ZHUCUN_SRC_RULES_PARAM_VALUE_H_
