// Runs the official CEL conformance cases (../shared/conformance/cel) for
// the features zhucun supports, and prints one summary line:
//   cel-conformance: N passed, M failed, K skipped (skipped features: ...)
// Every case whose features are all supported must pass.
//
// zhucun's own extensions (dates, periods, decimals, days, covered_days,
// ceil_div, ...) have cases of the same form in extensions.json next to
// this file, with typed values `date`, `period` and `decimal` added. There
// an error's `message` is normative: a run-time error must have exactly
// that message, and a case marked `"check": true` must be rejected by the
// checker with a diagnostic containing it.

#include <gtest/gtest.h>

#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "zhucun/expr.h"

namespace zhucun {
namespace {

using json = nlohmann::json;

// CEL features zhucun does not implement, and why (also in README.md).
const std::set<std::string> kUnsupported = {
    "timestamp",       // zhucun has calendar dates (date) instead
    "duration",        // day arithmetic on dates replaces durations
    "time_accessors",  // accessors of timestamps and durations
    "timezones",       // no time of day, so no time zones
};

std::string Base64Decode(const std::string& in) {
  static const std::string chars =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  int val = 0, bits = -8;
  for (char c : in) {
    size_t pos = chars.find(c);
    if (pos == std::string::npos) break;  // '=' padding
    val = (val << 6) + static_cast<int>(pos);
    bits += 6;
    if (bits >= 0) {
      out.push_back(static_cast<char>((val >> bits) & 0xFF));
      bits -= 8;
    }
  }
  return out;
}

Value ToValue(const json& j) {
  auto it = j.begin();
  const std::string& key = it.key();
  const json& v = it.value();
  if (key == "null") return Value::Null();
  if (key == "bool") return Value::Bool(v.get<bool>());
  if (key == "int") return Value::Int(std::stoll(v.get<std::string>()));
  if (key == "uint") return Value::Uint(std::stoull(v.get<std::string>()));
  if (key == "double") {
    if (v.is_string()) {
      std::string s = v.get<std::string>();
      if (s == "NaN") return Value::Double(std::nan(""));
      if (s == "Infinity") return Value::Double(HUGE_VAL);
      if (s == "-Infinity") return Value::Double(-HUGE_VAL);
      return Value::Double(std::stod(s));
    }
    return Value::Double(v.get<double>());
  }
  if (key == "string") return Value::String(v.get<std::string>());
  if (key == "bytes") return Value::Bytes(Base64Decode(v.get<std::string>()));
  if (key == "list") {
    ValueList items;
    for (const json& e : v) items.push_back(ToValue(e));
    return Value::List(std::move(items));
  }
  if (key == "map") {
    ValueMap m;
    for (const json& e : v) m.Insert(ToValue(e[0]), ToValue(e[1]));
    return Value::Map(std::move(m));
  }
  if (key == "type") return Value::Type(v.get<std::string>());
  // zhucun's typed values (extensions.json).
  if (key == "date") return Value::FromDate(*Date::Parse(v.get<std::string>()));
  if (key == "period") return Value::FromPeriod(*Period::Parse(v.get<std::string>()));
  if (key == "decimal") return Value::FromDecimal(*Decimal::Parse(v.get<std::string>()));
  return Value::Error("unsupported test value " + key);
}

struct Outcome {
  int passed = 0;
  int failed = 0;
  int skipped = 0;
  int check_errors_accepted = 0;  // error cases rejected by the checker
  std::set<std::string> skipped_features;
  std::vector<std::string> failures;
};

// With `exact_messages`, an expected error's `message` must be the error's.
Outcome RunAll(const std::string& path, bool exact_messages) {
  std::ifstream in(path);
  Outcome out;
  if (!in.good()) {
    ADD_FAILURE() << "cannot open " << path;
    return out;
  }
  json cases = json::parse(in);
  for (const json& c : cases) {
    bool supported = true;
    for (const json& f : c["features"]) {
      if (kUnsupported.count(f.get<std::string>()) != 0) {
        supported = false;
        out.skipped_features.insert(f.get<std::string>());
      }
    }
    if (!supported) {
      ++out.skipped;
      continue;
    }
    const std::string id = c["id"].get<std::string>();
    const std::string expr = c["expr"].get<std::string>();
    const bool expect_error = c["expected"].contains("error");
    const bool expect_check_error = c["expected"].value("check", false);
    const std::string message = c["expected"].value("message", "");
    Env env;
    bool bad_decl = false;
    if (c.contains("declarations")) {
      for (const auto& [name, type] : c["declarations"].items()) {
        auto t = Type::Parse(type.get<std::string>());
        if (!t) {
          bad_decl = true;
          break;
        }
        env.Declare(name, *t);
      }
    }
    Activation act;
    for (const auto& [name, value] : c["bindings"].items()) {
      act.Bind(name, ToValue(value));
    }
    CompileOptions options;
    options.check = !c["disable_check"].get<bool>();
    SourceManager sources;
    auto program = env.Compile(expr, sources, id, options);
    std::string why;
    bool pass = false;
    if (bad_decl) {
      why = "unparsable declaration";
    } else if (!program.ok()) {
      const std::string rendered = program.diagnostics().Render(sources);
      if (exact_messages && !expect_check_error) {
        why = "compile error: " + rendered;
      } else if (exact_messages && rendered.find(message) == std::string::npos) {
        why = "expected a check error with `" + message + "`, got " + rendered;
      } else if (expect_error && options.check) {
        pass = true;
        ++out.check_errors_accepted;
      } else {
        why = "compile error: " + rendered;
      }
    } else if (expect_check_error) {
      why = "expected a check error with `" + message + "`, but it compiled";
    } else {
      Value got = program.value().Evaluate(act);
      if (expect_error) {
        pass = got.is_error() && (!exact_messages || got.error_message() == message);
        if (!pass) why = "expected the error `" + message + "`, got " + got.DebugString();
      } else {
        Value want = ToValue(c["expected"]["value"]);
        pass = !got.is_error() && got == want;
        if (!pass) {
          why = "expected " + want.DebugString() + ", got " + got.DebugString();
        }
      }
    }
    if (pass) {
      ++out.passed;
    } else {
      ++out.failed;
      out.failures.push_back(id + ": `" + expr + "`: " + why);
    }
  }
  return out;
}

TEST(CelConformanceTest, SupportedFeaturesPass) {
  Outcome out = RunAll(std::string(ZHUCUN_SHARED_DIR) +
                       "/conformance/cel/cases.json", /*exact_messages=*/false);
  for (const std::string& f : out.failures) ADD_FAILURE() << f;
  std::string skipped;
  for (const std::string& f : out.skipped_features) {
    skipped += (skipped.empty() ? "" : ", ") + f;
  }
  std::cout << "cel-conformance: " << out.passed << " passed, " << out.failed
            << " failed, " << out.skipped << " skipped (skipped features: "
            << skipped << "; " << out.check_errors_accepted
            << " error cases rejected at check time)" << std::endl;
  EXPECT_EQ(out.failed, 0);
  EXPECT_GT(out.passed, 900);
}

TEST(CelConformanceTest, ZhucunExtensionsPass) {
  Outcome out = RunAll(std::string(ZHUCUN_SOURCE_DIR) +
                       "/tests/conformance/extensions.json", /*exact_messages=*/true);
  for (const std::string& f : out.failures) ADD_FAILURE() << f;
  std::cout << "zhucun-extensions: " << out.passed << " passed, " << out.failed
            << " failed" << std::endl;
  EXPECT_EQ(out.skipped, 0);
  EXPECT_GT(out.passed, 0);
}

}  // namespace
}  // namespace zhucun
