// Parameter values (src/rules/param_convert.h): one converter for a pack's
// defaults, `--param NAME=VALUE` texts, a caller's ParamValue and a pack
// test's `params:`. Here: the converter on texts read as YAML, the flow
// YAML it writes back, and both Policy::Load overloads on the Qiannan pack.

#include "rules/param_convert.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "facts/yaml_tree.h"
#include "zhucun/diagnostic.h"
#include "zhucun/engine.h"
#include "zhucun/source.h"
#include "zhucun/type.h"
#include "zhucun/value.h"

namespace zhucun::internal {
namespace {

const std::string kQiannan = std::string(ZHUCUN_SOURCE_DIR) + "/rules/qiannan";

// `text` read as a `--param NAME=text` value of type `type`: the value's
// DebugString, or the rendered diagnostics.
std::string Convert(const std::string& type, const std::string& text,
                    const std::string& name = "x") {
  SourceManager sources;
  Diagnostics diags;
  FileId file = kNoFile;
  YamlNode node;
  const std::optional<Type> t = Type::Parse(type);
  if (!t || !SupportedParamType(*t)) return "bad type " + type;
  if (ReadParamText(text, "--param " + name, sources, "engine.bad_param",
                    &file, &node, &diags)) {
    YamlChecker c(sources, file, "engine");
    Value v;
    const bool ok = ConvertParamValue(c, "engine.bad_param", node, *t,
                                      "parameter `" + name + "`", &v);
    diags.Append(c.diagnostics());
    if (ok && !diags.has_errors()) return v.DebugString();
  }
  return diags.Render(sources);
}

TEST(ParamConvertTest, ScalarsOfEveryType) {
  EXPECT_EQ(Convert("int", "15"), "15");
  EXPECT_EQ(Convert("int", "-3"), "-3");
  EXPECT_EQ(Convert("uint", "15"), "15u");
  EXPECT_EQ(Convert("double", "0.5"), "0.5");
  EXPECT_EQ(Convert("bool", "true"), "true");
  EXPECT_EQ(Convert("string", "party_mass"), "\"party_mass\"");
  EXPECT_EQ(Convert("string", "'a: b'"), "\"a: b\"");
  EXPECT_EQ(Convert("string", "两年"), "\"两年\"");
  EXPECT_EQ(Convert("date", "2021-06-01"), "date(\"2021-06-01\")");
  EXPECT_EQ(Convert("period", "2023-Q3"), "period(\"2023-Q3\")");
}

TEST(ParamConvertTest, DecimalsAreExactFromTheText) {
  // 0.1 is no binary double; the decimal is exactly a tenth, its digits kept.
  EXPECT_EQ(Convert("decimal", "0.10"), "decimal(\"0.10\")");
  EXPECT_EQ(Convert("decimal", "0.123456789012345678"),
            "decimal(\"0.123456789012345678\")");
  EXPECT_EQ(Convert("decimal", "1100"), "decimal(\"1100\")");
}

TEST(ParamConvertTest, ListsAndMapsInFlowStyle) {
  EXPECT_EQ(Convert("list(string)", "[job_transfer, health]"),
            "[\"job_transfer\", \"health\"]");
  EXPECT_EQ(Convert("list(int)", "[]"), "[]");
  EXPECT_EQ(Convert("list(decimal)", "[0.1, 0.25]"),
            "[decimal(\"0.1\"), decimal(\"0.25\")]");
  EXPECT_EQ(Convert("map(string, string)", "{weak: party_mass, poor: economic}"),
            "{\"weak\": \"party_mass\", \"poor\": \"economic\"}");
  EXPECT_EQ(Convert("map(int, list(date))", "{1: [2021-06-01]}"),
            "{1: [date(\"2021-06-01\")]}");
  // Block style is YAML too.
  EXPECT_EQ(Convert("list(int)", "- 1\n- 2\n"), "[1, 2]");
}

// Every message a `--param` value can give: input and expected message.
TEST(ParamConvertTest, EveryMistakeHasItsMessage) {
  struct Case {
    std::string type;
    std::string text;
    std::string rendered;
  };
  const Case cases[] = {
      {"decimal", "abc",
       "--param x:1:1: error[engine.bad_param]: expected a decimal number such "
       "as `0.25` for parameter `x`, found `abc`\n"
       " | abc\n"
       " | ^~~\n"},
      {"int", "[1, 2]",
       "--param x:1:1: error[engine.bad_param]: expected an integer such as "
       "`15` for parameter `x`, found a list\n"
       " | [1, 2]\n"
       " | ^\n"},
      {"int", "{a: 1}",
       "--param x:1:1: error[engine.bad_param]: expected an integer such as "
       "`15` for parameter `x`, found a map\n"
       " | {a: 1}\n"
       " | ^\n"},
      {"list(string)", "job_transfer,health",
       "--param x:1:1: error[engine.bad_param]: expected a list such as `[a, "
       "b]` for parameter `x`, found `job_transfer,health`\n"
       " | job_transfer,health\n"
       " | ^~~~~~~~~~~~~~~~~~~\n"},
      {"map(string, string)", "[weak, poor]",
       "--param x:1:1: error[engine.bad_param]: expected a map such as `{a: "
       "b}` for parameter `x`, found a list\n"
       " | [weak, poor]\n"
       " | ^\n"},
      {"list(int)", "[1, two, 3]",
       "--param x:1:5: error[engine.bad_param]: expected an integer such as "
       "`15` for an item of parameter `x`, found `two`\n"
       " | [1, two, 3]\n"
       " |     ^~~\n"},
      {"list(string)", "[a, [b]]",
       "--param x:1:5: error[engine.bad_param]: expected a text for an item of "
       "parameter `x`, found a list\n"
       " | [a, [b]]\n"
       " |     ^\n"},
      {"map(string, string)", "{weak: party_mass, weak: economic}",
       "--param x:1:20: error[engine.bad_param]: duplicate key `weak` in "
       "parameter `x`\n"
       " | {weak: party_mass, weak: economic}\n"
       " |                    ^~~~\n"
       " = help: the key is first given at column 2\n"},
      {"map(int, string)", "{1: a, 01: b}",
       "--param x:1:8: error[engine.bad_param]: duplicate key `01` in "
       "parameter `x`\n"
       " | {1: a, 01: b}\n"
       " |        ^~\n"},
      {"map(string, int)", "{a: 1, b: }",
       "--param x:1:8: error[engine.bad_param]: expected an integer such as "
       "`15` for the value of `b` in parameter `x`, found nothing\n"
       " | {a: 1, b: }\n"
       " |        ^\n"},
      {"map(string, int)", "{a: 1, b: z}",
       "--param x:1:11: error[engine.bad_param]: expected an integer such as "
       "`15` for the value of `b` in parameter `x`, found `z`\n"
       " | {a: 1, b: z}\n"
       " |           ^\n"},
      {"map(int, string)", "{one: a}",
       "--param x:1:2: error[engine.bad_param]: expected an integer such as "
       "`15` for a key of parameter `x`, found `one`\n"
       " | {one: a}\n"
       " |  ^~~\n"},
      {"int", "99999999999999999999",
       "--param x:1:1: error[engine.bad_param]: expected an integer such as "
       "`15` for parameter `x`, found `99999999999999999999`\n"
       " | 99999999999999999999\n"
       " | ^~~~~~~~~~~~~~~~~~~~\n"
       " = help: the number is too large\n"},
      {"uint", "-1",
       "--param x:1:1: error[engine.bad_param]: expected an unsigned integer "
       "such as `15` for parameter `x`, found `-1`\n"
       " | -1\n"
       " | ^~\n"},
      {"decimal", "0.1234567890123456789",
       "--param x:1:1: error[engine.bad_param]: expected a decimal number such "
       "as `0.25` for parameter `x`, found `0.1234567890123456789`\n"
       " | 0.1234567890123456789\n"
       " | ^~~~~~~~~~~~~~~~~~~~~\n"
       " = help: a decimal has at most 18 digits after the point\n"},
      {"bool", "ture",
       "--param x:1:1: error[engine.bad_param]: expected `true` or `false` for "
       "parameter `x`, found `ture`\n"
       " | ture\n"
       " | ^~~~\n"
       " = help: did you mean `true`?\n"},
      {"date", "2021-02-30",
       "--param x:1:1: error[engine.bad_param]: expected a date such as "
       "`2021-06-01` for parameter `x`, found `2021-02-30`\n"
       " | 2021-02-30\n"
       " | ^~~~~~~~~~\n"},
      {"period", "2023-Q5",
       "--param x:1:1: error[engine.bad_param]: expected a period such as "
       "`2023`, `2023-H1`, `2023-Q3` or `2023-07` for parameter `x`, found "
       "`2023-Q5`\n"
       " | 2023-Q5\n"
       " | ^~~~~~~\n"},
      {"string", "",
       "--param x:1:1: error[engine.bad_param]: expected a text for parameter "
       "`x`, found nothing\n"
       " |\n"
       " | ^\n"},
      {"list(int)", "[1, 2",
       "--param x:1:6: error[engine.bad_param]: invalid yaml: end of sequence "
       "flow not found\n"
       " | [1, 2\n"
       " |      ^\n"},
      {"list(int)", "[&a 1, *a]",
       "--param x:1:8: error[engine.bad_param]: aliases are not allowed in a "
       "parameter value\n"
       " | [&a 1, *a]\n"
       " |        ^~\n"
       " = help: write the value out in full\n"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(Convert(c.type, c.text), c.rendered) << c.type << " " << c.text;
  }
}

// FlowYaml writes a value so that ReadParamText reads back the same one.
TEST(ParamConvertTest, FlowYamlReadsBackAsTheSameValue) {
  const std::vector<std::string> texts = {
      "plain",    "two words", "0.10",    "-5",       "2021-06-01", "两年",
      "",         " lead",     "trail ",  "a: b",     "a #b",       "#x",
      "[x]",      "{x}",       "a,b",     "- x",      "-",          "~",
      "null",     "NULL",      "---",     "...",      "'q'",        "\"q\"",
      "back\\",   "line\nbreak", "tab\tx", "\x01",    "?x",         "*x",
      "&x",       "!x",        "|",       ">",        "%x",         "@x",
      "`x`",      "a  b",      "x:",      ":x",       "\xE2\x80\xA8",
      "\xEF\xBB\xBF" "bom"};
  for (const std::string& text : texts) {
    YamlNode list;
    list.kind = YamlNode::Kind::kList;
    YamlNode item;
    item.kind = YamlNode::Kind::kScalar;
    item.value = text;
    list.items.push_back(item);
    YamlNode map;
    map.kind = YamlNode::Kind::kMap;
    map.items = {item, item};
    for (const YamlNode* n : {&item, &list, &map}) {
      const std::string flow = FlowYaml(*n);
      SourceManager sources;
      Diagnostics diags;
      FileId file = kNoFile;
      YamlNode back;
      ASSERT_TRUE(ReadParamText(flow, "flow", sources, "engine.bad_param",
                                &file, &back, &diags))
          << flow << "\n" << diags.Render(sources);
      ASSERT_EQ(back.kind, n->kind) << flow;
      const YamlNode& scalar = n == &item ? back : back.items.at(0);
      EXPECT_EQ(scalar.kind, YamlNode::Kind::kScalar) << flow;
      EXPECT_EQ(scalar.value, text) << flow;
      if (n == &map) {
        EXPECT_EQ(back.items.at(1).value, text) << flow;
      }
    }
  }
  YamlNode null;
  EXPECT_EQ(FlowYaml(null), "null");
}

// ---------------------------------------------------------------------------
// Policy::Load on the Qiannan pack: the text overload (`--param`) and the
// ParamValue overload (the Python bindings) go through the same converter.

std::string ParamText(const Policy& policy, const std::string& name) {
  for (const PackInfo::Parameter& p : policy.info().parameters) {
    if (p.name == name) return p.value;
  }
  return "no parameter " + name;
}

TEST(PolicyParamsTest, TextValuesSetScalarsListsAndMaps) {
  SourceManager sources;
  // POLICY.md rotation.early_exit (allowed reasons), assign.sector_match
  // (category -> sector) and rotation.ratio (max_rotation_ratio) changed.
  const auto policy = Policy::Load(
      kQiannan, sources,
      std::map<std::string, std::string>{
          {"max_rotation_ratio", "0.25"},
          {"allowed_early_exit", "[job_transfer, health]"},
          {"sector_for_category", "{weak: party_mass, poor: economic}"}});
  ASSERT_TRUE(policy.ok()) << policy.diagnostics().Render(sources);
  EXPECT_EQ(ParamText(policy.value(), "max_rotation_ratio"), "0.25");
  EXPECT_EQ(ParamText(policy.value(), "allowed_early_exit"),
            "[\"job_transfer\", \"health\"]");
  EXPECT_EQ(ParamText(policy.value(), "sector_for_category"),
            "{\"weak\": \"party_mass\", \"poor\": \"economic\"}");
  EXPECT_EQ(ParamText(policy.value(), "term_years"), "2");  // the default
}

TEST(PolicyParamsTest, ParamValuesSetScalarsListsAndMaps) {
  SourceManager sources;
  std::map<std::string, ParamValue> params;
  params["max_rotation_ratio"] = ParamValue::Scalar("0.25");
  params["allowed_early_exit"] = ParamValue::List(
      {ParamValue::Scalar("job_transfer"), ParamValue::Scalar("health")});
  params["sector_for_category"] =
      ParamValue::Map({{ParamValue::Scalar("weak"), ParamValue::Scalar("party_mass")},
                       {ParamValue::Scalar("poor"), ParamValue::Scalar("economic")}});
  // A text that YAML would read otherwise is still that text.
  params["core_roles"] = ParamValue::List(
      {ParamValue::Scalar("first_secretary"), ParamValue::Scalar("a: b, [c]")});
  const auto policy = Policy::Load(kQiannan, sources, params);
  ASSERT_TRUE(policy.ok()) << policy.diagnostics().Render(sources);
  EXPECT_EQ(ParamText(policy.value(), "max_rotation_ratio"), "0.25");
  EXPECT_EQ(ParamText(policy.value(), "allowed_early_exit"),
            "[\"job_transfer\", \"health\"]");
  EXPECT_EQ(ParamText(policy.value(), "sector_for_category"),
            "{\"weak\": \"party_mass\", \"poor\": \"economic\"}");
  EXPECT_EQ(ParamText(policy.value(), "core_roles"),
            "[\"first_secretary\", \"a: b, [c]\"]");
}

TEST(PolicyParamsTest, TextErrorsNameTheParameterWithACaret) {
  SourceManager sources;
  // In the pack's order of parameters, then the unknown names.
  const auto policy = Policy::Load(
      kQiannan, sources,
      std::map<std::string, std::string>{
          {"max_excellent_share", "abc"},
          {"allowed_early_exit", "job_transfer"},
          {"sector_for_category", "{weak: party_mass, weak: economic}"},
          {"core_roles", "[first_secretary, [resident_cadre]]"},
          {"term_year", "3"}});
  ASSERT_FALSE(policy.ok());
  EXPECT_EQ(
      policy.diagnostics().Render(sources),
      "--param core_roles:1:19: error[engine.bad_param]: expected a text for an "
      "item of parameter `core_roles`, found a list\n"
      " | [first_secretary, [resident_cadre]]\n"
      " |                   ^\n"
      "--param allowed_early_exit:1:1: error[engine.bad_param]: expected a "
      "list such as `[a, b]` for parameter `allowed_early_exit`, found "
      "`job_transfer`\n"
      " | job_transfer\n"
      " | ^~~~~~~~~~~~\n"
      "--param sector_for_category:1:20: error[engine.bad_param]: duplicate key "
      "`weak` in parameter `sector_for_category`\n"
      " | {weak: party_mass, weak: economic}\n"
      " |                    ^~~~\n"
      " = help: the key is first given at column 2\n"
      "--param max_excellent_share:1:1: error[engine.bad_param]: expected a "
      "decimal number such as `0.25` for parameter `max_excellent_share`, "
      "found `abc`\n"
      " | abc\n"
      " | ^~~\n"
      "error[engine.unknown_param]: unknown parameter `term_year`\n"
      " = help: did you mean `term_years`?\n");
}

TEST(PolicyParamsTest, ParamValueErrorsNameTheParameterWithACaret) {
  SourceManager sources;
  std::map<std::string, ParamValue> params;
  params["max_excellent_share"] = ParamValue::Scalar("abc");
  params["term_years"] = ParamValue::List({ParamValue::Scalar("2")});
  params["allowed_early_exit"] = ParamValue::Scalar("job_transfer");
  params["bundle_kinds"] =
      ParamValue::List({ParamValue::Scalar("funds"), ParamValue{}});
  params["sector_for_category"] =
      ParamValue::Map({{ParamValue::Scalar("weak"), ParamValue::Scalar("party_mass")},
                       {ParamValue::Scalar("weak"), ParamValue::Scalar("economic")}});
  params["min_handover_dayz"] = ParamValue::Scalar("14");
  const auto policy = Policy::Load(kQiannan, sources, params);
  ASSERT_FALSE(policy.ok());
  EXPECT_EQ(
      policy.diagnostics().Render(sources),
      "param term_years:1:1: error[engine.bad_param]: expected an integer such "
      "as `15` for parameter `term_years`, found a list\n"
      " | [2]\n"
      " | ^\n"
      "param allowed_early_exit:1:1: error[engine.bad_param]: expected a list "
      "such as `[a, b]` for parameter `allowed_early_exit`, found "
      "`job_transfer`\n"
      " | job_transfer\n"
      " | ^~~~~~~~~~~~\n"
      "param sector_for_category:1:20: error[engine.bad_param]: duplicate key "
      "`weak` in parameter `sector_for_category`\n"
      " | {weak: party_mass, weak: economic}\n"
      " |                    ^~~~\n"
      " = help: the key is first given at column 2\n"
      "param bundle_kinds:1:9: error[engine.bad_param]: expected a text for an "
      "item of parameter `bundle_kinds`, found nothing\n"
      " | [funds, null]\n"
      " |         ^\n"
      "param max_excellent_share:1:1: error[engine.bad_param]: expected a "
      "decimal number such as `0.25` for parameter `max_excellent_share`, "
      "found `abc`\n"
      " | abc\n"
      " | ^~~\n"
      "error[engine.unknown_param]: unknown parameter `min_handover_dayz`\n"
      " = help: did you mean `min_handover_days`?\n");
}

TEST(PolicyParamsTest, AParamValueNestedTooDeepIsRefused) {
  ParamValue v = ParamValue::Scalar("job_transfer");
  for (int i = 0; i < 100; ++i) v = ParamValue::List({v});
  SourceManager sources;
  const auto policy = Policy::Load(
      kQiannan, sources, std::map<std::string, ParamValue>{{"allowed_early_exit", v}});
  ASSERT_FALSE(policy.ok());
  EXPECT_EQ(policy.diagnostics().Render(sources),
            "error[engine.bad_param]: the value of parameter "
            "`allowed_early_exit` is nested more than 64 levels deep\n");
}

}  // namespace
}  // namespace zhucun::internal
