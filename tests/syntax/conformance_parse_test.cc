// Parses every expression of the CEL conformance cases (see
// shared/conformance/cel/README.md). All of them must parse: the cases that
// need protobuf message construction (`Foo{...}`), which zhucun does not
// support, were already dropped when the file was made, so the list of
// expected failures below is empty. Where a case's expression is a single
// string or bytes literal, its decoded value is also compared with the
// expected value, which checks escapes against the upstream data.

#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <variant>

#include "syntax/ast.h"
#include "syntax/parser.h"
#include "zhucun/diagnostic.h"
#include "zhucun/source.h"

namespace zhucun::internal {
namespace {

const std::string kCasesPath =
    std::string(ZHUCUN_SHARED_DIR) + "/conformance/cel/cases.json";

// Case ids that are expected not to parse, with the reason.
const std::map<std::string, std::string>& ExpectedFailures() {
  static const auto* const failures = new std::map<std::string, std::string>{
      // None: message construction cases are not in cases.json.
  };
  return *failures;
}

std::string Base64Decode(std::string_view in) {
  static constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (char c : in) {
    if (c == '=') break;
    const size_t v = kAlphabet.find(c);
    if (v == std::string_view::npos) continue;
    buffer = (buffer << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
    }
  }
  return out;
}

TEST(ConformanceParseTest, EveryExpressionParses) {
  std::ifstream in(kCasesPath, std::ios::binary);
  ASSERT_TRUE(in) << "cannot open " << kCasesPath;
  const nlohmann::json cases = nlohmann::json::parse(in);
  ASSERT_TRUE(cases.is_array());
  ASSERT_GT(cases.size(), 1000u);

  size_t parsed = 0;
  size_t literal_checks = 0;
  std::set<std::string> failed;
  for (const nlohmann::json& c : cases) {
    const std::string id = c.at("id").get<std::string>();
    const std::string expr = c.at("expr").get<std::string>();
    SourceManager sm;
    const FileId file = sm.Add(id, expr);
    Ast ast;
    Diagnostics diags;
    if (!Parse(expr, file, 0, ParseOptions{}, &ast, &diags)) {
      failed.insert(id);
      if (ExpectedFailures().count(id) == 0) {
        ADD_FAILURE() << id << " does not parse:\n" << diags.Render(sm);
      }
      continue;
    }
    ++parsed;
    // Single string or bytes literals: compare the decoded value.
    const Node& root = ast.node(ast.root);
    const nlohmann::json& expected = c.at("expected");
    if (root.kind != ExprKind::kConst || !expected.contains("value")) continue;
    const nlohmann::json& value = expected.at("value");
    if (value.contains("string")) {
      ASSERT_TRUE(std::holds_alternative<std::string>(root.constant)) << id;
      EXPECT_EQ(std::get<std::string>(root.constant),
                value.at("string").get<std::string>())
          << id;
      ++literal_checks;
    } else if (value.contains("bytes")) {
      ASSERT_TRUE(std::holds_alternative<BytesConst>(root.constant)) << id;
      EXPECT_EQ(std::get<BytesConst>(root.constant).data,
                Base64Decode(value.at("bytes").get<std::string>()))
          << id;
      ++literal_checks;
    }
  }
  for (const auto& [id, reason] : ExpectedFailures()) {
    EXPECT_EQ(failed.count(id), 1u) << id << " parses now; " << reason;
  }
  EXPECT_EQ(parsed + failed.size(), cases.size());
  EXPECT_GT(literal_checks, 100u);
  std::cout << "[ conformance ] " << parsed << " of " << cases.size()
            << " expressions parse; " << literal_checks
            << " literal values checked\n";
}

}  // namespace
}  // namespace zhucun::internal
