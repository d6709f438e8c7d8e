// The planner against the row evaluator on small packs written for it
// (differential.h): the fused typed loops at the edges of their types,
// programs over columns of few values, `period in` a list, covered_days.
// Every finding, derived cell and diagnostic must be the same with and
// without plans.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "differential.h"
#include "plan/plan_fused.h"
#include "zhucun/engine.h"

namespace zhucun {
namespace {

using plan_test::Check;
using plan_test::ExpectSameBothWays;
using plan_test::kSanitized;
using plan_test::Outcome;
using plan_test::Read;
using plan_test::WritePack;

// The fused typed loops (src/plan/plan_fused.h) at the edges, against the
// row evaluator: null cells in every column, ints and decimal coefficients
// at the ends of int64 (an overflow in a branch not taken, a product the
// decimal arithmetic saves by dropping a trailing zero: the batch left to
// the general operators), decimals of several scales compared, added and
// multiplied, dates at the calendar's ends, a field of a null reference
// behind `&&`, a missing map key behind `in`, `in` a list with null, a
// month column and a period's days; products by a constant, constants
// compared at another scale; a variable bound to a list's values.
TEST(DifferentialTest, FusedLoopsAtTheEdgesGiveTheRowEvaluatorsValues) {
  // (Every root another program reads is read as it was computed, kInput,
  // rather than computed again in its reader, as one of 16 instructions or
  // fewer is: the columns below that read others test kInput.)
  struct Recompute {
    size_t kept = internal::fused_recompute_instructions;
    Recompute() { internal::fused_recompute_instructions = 0; }
    ~Recompute() { internal::fused_recompute_instructions = kept; }
  } recompute;
  const std::string schema =
      "tables:\n"
      "  - name: u\n    key: u_id\n    columns:\n"
      "      - {name: u_id, type: id}\n"
      "      - {name: code, type: code, codes: [a, b, c]}\n"
      "  - name: t\n    key: id\n    columns:\n"
      "      - {name: id, type: id}\n"
      "      - {name: u_id, type: id, references: u, nullable: true}\n"
      "      - {name: i, type: int, nullable: true}\n"
      "      - {name: big, type: int, nullable: true}\n"
      "      - {name: d, type: decimal, scale: 2, nullable: true}\n"
      "      - {name: e, type: decimal, scale: 4, nullable: true}\n"
      "      - {name: day, type: date, nullable: true}\n"
      "      - {name: code, type: code, codes: [a, b, c], nullable: true}\n"
      "      - {name: m, type: month, nullable: true}\n";
  const std::vector<std::string> columns = {
      "r.i == null ? 0 : r.i * 3 - 1",
      "r.big == null ? 0 : r.big > 1000 ? r.big - 1 : r.big < -1000 ? r.big + 1 : r.big * 2",
      "r.d == null || r.e == null ? decimal('0') : r.d * r.e",
      "r.d == null || r.e == null ? decimal('0.000000') : r.d * r.e",
      "r.d == null ? decimal('0.00') : r.d * 10",
      "r.d != null && r.e != null && r.d < 1000000 && r.d + r.e > decimal('12.3401')",
      "r.d != null && r.e != null && r.d < 1000000 ? r.e - r.d : decimal('0.0000')",
      "r.day != null && r.day < date('9999-01-01') ? r.day + 30 : date('2000-01-01')",
      "r.day != null && r.day > date('0001-02-01') ? r.day - 30 : date('2000-01-01')",
      "r.day != null && r.day - date('2000-01-01') > 0",
      "r.code in ['a', null]",
      "r.code != null && r.code in params.sector ? params.sector[r.code] : 'none'",
      "r.u_id != null && r.u.code == 'a'",
      "r.m == null ? false : r.m.start() <= date('2024-01-01') && date('2024-01-15') in r.m",
      "r.m == null ? 0 : days(r.m)",
      "r.i == r.big",
      "r.d == r.e",
      "r.e != null && r.e < 1",
      "r.code == null ? 'n' : r.code",
      // Texts of few values (codes), compared once per pair of texts: with
      // nulls, a null reference, a missing key and `?:` between them.
      "r.u_id != null && r.code == r.u.code",
      "r.u_id != null && r.u.u_id == r.u_id",  // (one dictionary: by code)
      "r.u_id == null || r.u.u_id != r.u_id",
      "(r.i == null ? r.code : 'b') == (r.u_id == null ? 'c' : r.u.code)",
      "(r.i == null ? r.code : 'b') == 'b'",
      "r.code in params.sector && params.sector[r.code] != 'y'",
      "r.code != null && r.code != 'c' && params.sector[r.code] == 'x'",
      "r.code in ['b', 'c'] || r.code == null",
      "r.d != null ? r.d : r.d",
      "r.i != null && r.big != null && r.i <= r.big || r.d == null",
      // By a constant (an overflow found by the range of the other operand),
      // and constants compared at the other operand's scale (where they fit).
      "r.big == null || r.big > 1000000 || r.big < -1000000 ? 0 : r.big * -3",
      "r.i == null ? 0 : r.i * -3",
      "r.big == null ? 0 : -1 * r.big",
      "r.d == null ? decimal('0.000') : decimal('0.5') * r.d",
      "r.e != null && 2 > r.e",
      "r.e != null && r.e == decimal('12.34')",
      "r.d != null && r.d >= 90000000000000000",
      "r.e != null && r.e < 9223372036854775807",
      // A comprehension's variable bound to the values of a list (with a null).
      "r.u_id == null ? 0 : r.u.t.map(x, x.i).filter(y, y == null || y > 2).size()",
      "r.u_id == null ? 0 : r.u.t.map(x, x.code).filter(y, y != null && y < 'b').size()",
      "r.m == null ? 0 : [r.m].filter(p, p.start() <= date('2024-01-01') && p.end() >= date('2023-12-01')).size()",
      // Columns above read by these as they were computed (kInput), at
      // their scale or another (where the general operators computed them:
      // T3's product overflows).
      "(r.d == null ? decimal('0.00') : r.d * 10) >= decimal('123.4')",
      "(r.d == null ? decimal('0.00') : r.d * 10) < decimal('100000000000000000')",
      "(r.d == null || r.e == null ? decimal('0') : r.d * r.e) + decimal('0.5')",
      "(r.code == null ? 'n' : r.code) == 'n' || (r.code == null ? 'n' : r.code) == 'c'",
  };
  std::ostringstream rules;
  rules << "rules:\n"
        << "  - id: t.tenfold\n    title: tenfold\n    severity: error\n    subject: t\n"
        << "    as: r\n"
        << "    when: \"r.d != null && r.d * 10 > decimal('100')\"\n"
        << "    message: \"{r.d * 10} from {r.d}\"\n"
        // `when` reads its hole as computed, at another scale where the
        // general operators computed it (T3's product at scale 1).
        << "  - id: t.below\n    title: below\n    severity: error\n    subject: t\n"
        << "    as: r\n"
        << "    when: \"r.d != null && r.d * 10 < decimal('100000000000000000')\"\n"
        << "    message: \"{r.d * 10}\"\n"
        << "derived:\n  - name: edges\n    from: t\n    as: r\n    columns:\n      id: r.id\n";
  for (size_t c = 0; c < columns.size(); ++c) {
    rules << "      c" << c << ": \"" << columns[c] << "\"\n";
  }
  rules << "    sort_by: [id]\n";
  const std::string dir = WritePack("zhucun_plan_fused_edges",
                                    "  window_start: {type: date, default: 2024-01-01}\n"
                                    "  sector: {type: 'map(string, string)', default: {a: x, b: y}}\n",
                                    schema, rules.str());
  std::ofstream(dir + "/data/u.csv") << "u_id,code\nU1,a\nU2,b\n";
  // T1..T6: the cells after each id.
  const std::vector<std::string> cells = {
      "U1,5,0,12.34,0.0001,2024-01-15,a,2024-01",
      ",-3,4611686018427387904,-0.01,1234.5678,0001-01-01,b,2023-12",
      "U2,,9223372036854775807,90000000000000000.00,-0.0001,9999-12-31,c,2024-02",
      "U1,0,-9223372036854775807,0.00,0.0000,2000-01-01,,",
      ",,,,,,,",
      "U2,7,7,12.34,12.3400,2024-02-29,a,2000-02"};
  const char kHeader[] = "id,u_id,i,big,d,e,day,code,m\n";
  std::ofstream t(dir + "/data/t.csv");
  t << kHeader;
  for (size_t r = 0; r < cells.size(); ++r) t << "T" << r + 1 << "," << cells[r] << "\n";
  t.close();
  SourceManager sources;
  auto policy = Policy::Load(dir, sources);
  ASSERT_TRUE(policy.ok()) << policy.diagnostics().Render(sources);
  auto facts = Read(policy.value(), dir + "/data", false, sources);
  ASSERT_NE(facts, nullptr);
  ExpectSameBothWays(policy.value(), facts, sources, "fused edges");
  const Outcome outcome = Check(policy.value(), facts, sources, "2024-06-30", "", true);
  ASSERT_EQ(outcome.lines[0], "ok") << outcome.lines[1];
  // The decimal arithmetic saved the tenfold of T3 (a scale dropped).
  EXPECT_NE(std::find(outcome.lines.begin(), outcome.lines.end(),
                      "t.tenfold|t:T3||error|900000000000000000.0 from 90000000000000000.00"),
            outcome.lines.end());
  // A fused program keeps its constants' lanes on its thread from batch to
  // batch (and reads an int column at consecutive rows where it is): run
  // on this thread alone, after the six rows, over rows in several batches
  // of other sizes, it still gives the row evaluator's values.
  std::filesystem::create_directories(dir + "/big");
  std::filesystem::copy_file(dir + "/data/u.csv", dir + "/big/u.csv");
  std::ofstream big(dir + "/big/t.csv");
  big << kHeader;
  // T1..T6's cells but T3's (whose overflow would leave every batch of some
  // programs to the general operators); only the first rows refer to a u
  // (each u's rows are a list the columns go over, per row).
  const size_t kNotT3[] = {0, 1, 3, 4, 5};
  // (Three batches of 4,096 and fewer; two under a sanitizer, ten times slower.)
  const size_t big_rows = kSanitized ? 5000 : 9000;
  for (size_t r = 0; r < big_rows; ++r) {
    const std::string& row = cells[kNotT3[r % 5]];
    big << "T" << 100000 + r << "," << (r < 5 ? row : row.substr(row.find(','))) << "\n";
  }
  big.close();
  auto more = Read(policy.value(), dir + "/big", false, sources);
  ASSERT_NE(more, nullptr);
  ASSERT_EQ(Check(policy.value(), facts, sources, "2024-06-30", "", true, 1).lines[0], "ok");
  const Outcome planned = Check(policy.value(), more, sources, "2024-06-30", "", true, 1);
  const Outcome reference = Check(policy.value(), more, sources, "2024-06-30", "", false, 1);
  ASSERT_EQ(planned.lines[0], "ok") << planned.lines[1];
  EXPECT_GT(planned.lines.size(), big_rows);
  EXPECT_TRUE(planned.lines == reference.lines);
  std::filesystem::remove_all(dir);
}

// A fused program reading only columns of few values (texts of a small
// dictionary, bools), through references too, runs once per combination of
// their values (null and unknown among them) and each row reads its
// combination's output (Fused's table): the same findings, messages and
// errors as the row evaluator, where rows are many enough for a table (a
// batch of at least 4 rows per combination) and where they are not.
TEST(DifferentialTest, ProgramsOfFewValuedColumnsGiveTheRowEvaluatorsVerdicts) {
  const std::string dir = WritePack(
      "zhucun_plan_tables",
      "  window_start: {type: date, default: 2024-01-01}\n"
      "  sector: {type: 'map(string, string)', default: {a: b, b: a}}\n",
      "tables:\n"
      "  - name: u\n    key: u_id\n    columns:\n"
      "      - {name: u_id, type: id}\n"
      "      - {name: code, type: code, codes: [a, b, c], nullable: true}\n"
      "      - {name: flag, type: bool, nullable: true}\n"
      "  - name: t\n    key: id\n    columns:\n"
      "      - {name: id, type: id}\n"
      "      - {name: u_id, type: id, references: u, nullable: true}\n"
      "      - {name: code, type: code, codes: [a, b, c], nullable: true}\n"
      "      - {name: flag, type: bool, nullable: true}\n"
      "      - {name: n, type: int}\n",
      "");  // (rules.yaml: written below)
  const std::vector<std::string> whens = {
      "r.code in params.sector && params.sector[r.code] != (r.u_id == null ? 'x' : r.u.code)",
      "r.flag == true || r.code == null",
      "r.flag != null && (r.flag ? r.code == 'a' : r.u_id != null && r.u.flag == false)",
      "(r.flag == null ? 'n' : r.flag ? (r.code == null ? 'm' : r.code) : 'f') in ['a', 'n']",
      "r.u_id != null && r.u.code == r.code && !(r.u.flag == true)",
      "r.u_id == null || r.u.u_id != r.u_id || r.u.code == null",
      "r.n > 3 && r.code == 'b'",  // (an int column: no table)
  };
  const auto write_rules = [&](bool with_errors) {
    std::ofstream rules(dir + "/rules.yaml");
    rules << "rules:\n";
    std::vector<std::string> all = whens;
    // Unknown where the reference is null (a field of null: an error)
    // unless the other side decides.
    if (with_errors) all.push_back("r.u.code == 'a' || r.code == 'b'");
    // A hole `when` reads as the hole's program computed it (kInput),
    // unknown where the reference is null.
    if (with_errors) all.push_back("(r.u.code == 'a') != (r.code == 'b')");
    for (size_t k = 0; k < all.size(); ++k) {
      rules << "  - id: t.w" << k << "\n    title: w" << k << "\n    severity: error\n"
            << "    subject: t\n    as: r\n    when: \"" << all[k] << "\"\n"
            << "    message: \"{r.code} {r.flag} {r.u_id}"
            << (k + 1 == all.size() && with_errors ? " {r.u.code == 'a'}" : "") << "\"\n";
    }
  };
  std::ofstream(dir + "/data/u.csv") << "u_id,code,flag\nU1,a,true\nU2,b,\nU3,,false\n";
  // Rows of every combination, in a scrambled order: 3,000 (tables), and
  // the first 40 (too few for one).
  const char* const kU[] = {"U1", "U2", "U3", ""};
  const char* const kCode[] = {"a", "b", "c", ""};
  const char* const kFlag[] = {"true", "false", ""};
  std::mt19937 random(7);
  std::vector<std::string> rows;
  for (size_t r = 0; r < 3000; ++r) {
    rows.push_back(std::string(kU[random() % 4]) + "," + kCode[random() % 4] + "," +
                   kFlag[random() % 3] + "," + std::to_string(random() % 6));
  }
  for (const size_t count : {size_t{3000}, size_t{40}}) {
    std::ofstream t(dir + "/data/t.csv");
    t << "id,u_id,code,flag,n\n";
    for (size_t r = 0; r < count; ++r) t << "T" << r << "," << rows[r] << "\n";
    t.close();
    for (const bool with_errors : {false, true}) {
      write_rules(with_errors);
      SourceManager sources;
      auto policy = Policy::Load(dir, sources);
      ASSERT_TRUE(policy.ok()) << policy.diagnostics().Render(sources);
      auto facts = Read(policy.value(), dir + "/data", false, sources);
      ASSERT_NE(facts, nullptr);
      const std::string what = std::to_string(count) + (with_errors ? " rows, errors" : " rows");
      ExpectSameBothWays(policy.value(), facts, sources, what);
      const Outcome planned = Check(policy.value(), facts, sources, "2024-06-30", "", true, 1);
      const Outcome reference = Check(policy.value(), facts, sources, "2024-06-30", "", false, 1);
      EXPECT_TRUE(planned.lines == reference.lines) << what << ", one thread";
      // (Failed with errors, each rule with findings without them.)
      EXPECT_EQ(planned.lines[0], with_errors ? "failed" : "ok") << planned.lines[1];
      for (size_t k = 0; !with_errors && k < whens.size(); ++k) {
        const std::string rule = "t.w" + std::to_string(k) + "|";
        EXPECT_NE(std::find_if(planned.lines.begin(), planned.lines.end(),
                               [&](const std::string& l) { return l.rfind(rule, 0) == 0; }),
                  planned.lines.end()) << rule;
      }
    }
  }
  std::filesystem::remove_all(dir);
}

// Texts of large dictionaries (more than a few values) compared in the
// fused loops: two references to one table's key by code (their texts not
// looked up: Fused::SetTextReaders), two free texts of different
// dictionaries by text, a reference against a free text, and a compared
// column whose texts are also read (`?:`, the message). Nulls on each side.
TEST(DifferentialTest, TextsOfLargeDictionariesComparedByCodeOrByText) {
  const std::string dir = WritePack(
      "zhucun_plan_large_texts", "  window_start: {type: date, default: 2024-01-01}\n",
      "tables:\n"
      "  - name: u\n    key: u_id\n    columns:\n      - {name: u_id, type: id}\n"
      "  - name: t\n    key: id\n    columns:\n"
      "      - {name: id, type: id}\n"
      "      - {name: a, type: id, references: u, nullable: true}\n"
      "      - {name: b, type: id, references: u, nullable: true}\n"
      "      - {name: x, type: text, nullable: true}\n"
      "      - {name: y, type: text, nullable: true}\n",
      "rules:\n"
      "  - id: t.same_unit\n    title: same\n    severity: error\n    subject: t\n    as: r\n"
      "    when: \"r.a == r.b\"\n    message: \"{r.id}\"\n"
      "  - id: t.other_unit\n    title: other\n    severity: error\n    subject: t\n    as: r\n"
      "    when: \"r.a != r.b && r.x != null\"\n    message: \"{r.x}\"\n"
      "  - id: t.same_text\n    title: text\n    severity: error\n    subject: t\n    as: r\n"
      "    when: \"r.x == r.y\"\n    message: \"{r.y}\"\n"
      "  - id: t.unit_text\n    title: unit text\n    severity: error\n    subject: t\n"
      "    as: r\n    when: \"r.a == r.x || (r.b == r.a ? r.b : 'none') == 'U7'\"\n"
      "    message: \"{r.a}\"\n");
  std::ofstream u(dir + "/data/u.csv");
  u << "u_id\n";
  for (int k = 0; k < 300; ++k) u << "U" << k << "\n";
  u.close();
  std::ofstream t(dir + "/data/t.csv");
  t << "id,a,b,x,y\n";
  std::mt19937 random(11);
  const auto unit = [&]() -> std::string {
    const unsigned r = random() % 40;
    return r == 0 ? "" : "U" + std::to_string(r % 13 == 0 ? 7 : random() % 300);
  };
  // x and y: texts of 200 values (some named as units), or null.
  const auto text = [&]() -> std::string {
    const unsigned r = random() % 200;
    return r == 0 ? "" : r % 3 == 0 ? "U" + std::to_string(r) : "t" + std::to_string(r % 90);
  };
  for (int r = 0; r < 6000; ++r) {
    const std::string a = unit();
    const std::string b = random() % 4 == 0 ? a : unit();
    const std::string x = text();
    const std::string y = random() % 5 == 0 ? x : text();
    t << "T" << r << "," << a << "," << b << "," << x << "," << y << "\n";
  }
  t.close();
  SourceManager sources;
  auto policy = Policy::Load(dir, sources);
  ASSERT_TRUE(policy.ok()) << policy.diagnostics().Render(sources);
  auto facts = Read(policy.value(), dir + "/data", false, sources);
  ASSERT_NE(facts, nullptr);
  ExpectSameBothWays(policy.value(), facts, sources, "large texts");
  const Outcome planned = Check(policy.value(), facts, sources, "2024-06-30", "", true, 1);
  EXPECT_EQ(planned.evaluated, 0u);  // (all of it planned)
  for (const char* rule : {"t.same_unit|", "t.other_unit|", "t.same_text|", "t.unit_text|"}) {
    EXPECT_GT(std::count_if(planned.lines.begin(), planned.lines.end(),
                            [&](const std::string& l) { return l.rfind(rule, 0) == 0; }),
              50)
        << rule;
  }
  std::filesystem::remove_all(dir);
}

// `period in list`, the list a subject's own and long (its periods are
// sorted once and searched): months in no order, repeated, null, of other
// kinds, and lists short or empty, with every month of the window judged.
TEST(DifferentialTest, PeriodInAListOfASubjectsPeriodsInAnyOrder) {
  const std::string dir = WritePack(
      "zhucun_plan_period_in", "  window_start: {type: date, default: 2023-01-01}\n",
      "tables:\n"
      "  - name: s\n    key: s_id\n    columns:\n      - {name: s_id, type: id}\n"
      "  - name: p\n    key: p_id\n    columns:\n"
      "      - {name: p_id, type: id}\n"
      "      - {name: s_id, type: id, references: s}\n"
      "      - {name: month, type: month, nullable: true}\n",
      "rules:\n"
      "  - id: s.unpaid\n    title: unpaid\n    severity: error\n    subject: s\n"
      "    as: sub\n    period: month\n"
      "    when: \"!(period in sub.p.map(x, x.month))\"\n"
      "    message: \"{period}\"\n"
      // Periods that do not ascend within a subject's pairs, looked for in
      // the list the pairs share (InVec: from where the period before was
      // found, else by a binary search).
      "  - id: s.back_and_forth\n    title: back\n    severity: warning\n    subject: s\n"
      "    as: sub\n    period: month\n"
      "    when: \"(period.start() < date('2023-07-01') ? period('2024-03') : period)"
      " in sub.p.map(x, x.month)\"\n"
      "    message: \"{period}\"\n"
      "  - id: s.paid_quarter\n    title: quarter\n    severity: warning\n    subject: s\n"
      "    as: sub\n    period: quarter\n"
      "    when: \"period in sub.p.map(x, x.month) || period in [period('2023-Q2')]\"\n"
      "    message: \"{period}\"\n"
      // Periods listed from every row: long lists of few periods and of
      // many, in any order (sorted and made unique as the engine does).
      "  - id: p.few_months\n    title: few\n    severity: warning\n    subject: prefecture\n"
      "    periods: \"facts.p.filter(x, x.month != null && x.month.start() < date('2023-04-01'))"
      ".map(x, x.month)\"\n"
      "    when: \"true\"\n    message: \"{period}\"\n"
      "  - id: p.many_months\n    title: many\n    severity: warning\n    subject: prefecture\n"
      "    periods: \"facts.p.filter(x, x.month != null).map(x, x.month)\"\n"
      "    when: \"period.start() >= date('2021-06-01')\"\n    message: \"{period}\"\n");
  std::ofstream(dir + "/data/s.csv") << "s_id\nS1\nS2\nS3\nS4\nS5\n";
  std::ofstream p(dir + "/data/p.csv");
  p << "p_id,s_id,month\n";
  // S1: 14 months of 2023-2024 in a shuffled order, two repeated; S2: a
  // null among 9; S3: 3 (a short list); S4: none.
  const char* s1[] = {"2024-03", "2023-07", "2023-01", "2024-01", "2023-11", "2023-07",
                      "2023-04", "2024-02", "2023-02", "2023-12", "2023-09", "2024-03",
                      "2023-05", "2023-10"};
  int id = 0;
  for (const char* m : s1) p << "P" << ++id << ",S1," << m << "\n";
  const char* s2[] = {"2023-12", "", "2023-03", "2024-04", "2023-06", "2023-08", "2023-01",
                      "2024-02", "2023-10"};
  for (const char* m : s2) p << "P" << ++id << ",S2," << m << "\n";
  for (const char* m : {"2023-06", "2023-02", "2024-01"}) p << "P" << ++id << ",S3," << m << "\n";
  // S5: 200 rows over the 40 months from 2021-01, in a scrambled order.
  for (int k = 0; k < 200; ++k) {
    const int m = (k * 17) % 40;
    p << "P" << ++id << ",S5," << 2021 + m / 12 << "-" << (m % 12 < 9 ? "0" : "") << m % 12 + 1
      << "\n";
  }
  p.close();
  SourceManager sources;
  auto policy = Policy::Load(dir, sources);
  ASSERT_TRUE(policy.ok()) << policy.diagnostics().Render(sources);
  auto facts = Read(policy.value(), dir + "/data", false, sources);
  ASSERT_NE(facts, nullptr);
  for (const unsigned threads : {1u, 2u}) {
    const Outcome planned = Check(policy.value(), facts, sources, "2024-06-30", "", true, threads);
    const Outcome reference = Check(policy.value(), facts, sources, "2024-06-30", "", false, threads);
    EXPECT_TRUE(planned.lines == reference.lines);
    const auto count = [&](const std::string& prefix) {
      return std::count_if(planned.lines.begin(), planned.lines.end(),
                           [&](const std::string& l) { return l.rfind(prefix, 0) == 0; });
    };
    EXPECT_EQ(count("p.few_months|"), 27);   // 2021-01 .. 2023-03
    // S1 has 2024-03 (its six months to June 2023) and 8 of the 12 after.
    EXPECT_EQ(count("s.back_and_forth|s:S1|"), 14);
    EXPECT_EQ(count("p.many_months|"), 35);  // 2021-06 .. 2024-04
    // S1 paid in 12 of the 18 months to June 2024.
    EXPECT_EQ(std::count_if(planned.lines.begin(), planned.lines.end(),
                            [](const std::string& l) { return l.rfind("s.unpaid|s:S1|", 0) == 0; }),
              6);
  }
  std::filesystem::remove_all(dir);
}


// A filtered relation joined with more rows than a batch (plan_join.cc,
// Runner::Join): its conjuncts after the first run a slice of rows at a
// time and the rows they keep are gathered at the end — the right rows
// (their values read afterwards: `exists`, `map`), whichever slice and
// conjunct drops them. One subject with 10,000 rows (three slices), its
// rows kept in a pattern no slice repeats.
TEST(DifferentialTest, ARelationFilteredInSlicesKeepsItsOwnRows) {
  const std::string dir = WritePack(
      "zhucun_plan_filter_slices", "  window_start: {type: date, default: 2024-01-01}\n",
      "tables:\n"
      "  - name: s\n    key: s_id\n    columns:\n      - {name: s_id, type: id}\n"
      "  - name: p\n    key: p_id\n    columns:\n"
      "      - {name: p_id, type: id}\n"
      "      - {name: s_id, type: id, references: s}\n"
      "      - {name: flag, type: code, codes: [y, n]}\n"
      "      - {name: k, type: int}\n"
      "      - {name: v, type: int}\n",
      "rules:\n"
      // Kept: flag y, then k > 2, then k != 4 (three conjuncts).
      "  - id: s.kept\n    title: kept\n    severity: warning\n    subject: s\n    as: sub\n"
      "    let:\n"
      "      kept: \"sub.p.filter(x, x.flag == 'y' && x.k > 2 && x.k != 4)\"\n"
      "    when: \"kept.exists(x, x.v == 7777) || kept.exists(x, x.v == 9995)\"\n"
      "    message: \"{kept.size()} {kept.filter(x, x.v > 9900).size()}\"\n");
  std::ofstream(dir + "/data/s.csv") << "s_id\nS1\nS2\n";
  std::ofstream p(dir + "/data/p.csv");
  p << "p_id,s_id,flag,k,v\n";
  // S1: rows 0..9999 with v = row; flag y where row % 3 != 0, k = row % 7.
  // S2: 20 rows (one small slice).
  for (int r = 0; r < 10000; ++r) {
    p << "P" << r << ",S1," << (r % 3 != 0 ? "y" : "n") << "," << r % 7 << "," << r << "\n";
  }
  for (int r = 0; r < 20; ++r) p << "Q" << r << ",S2,y," << r % 7 << "," << 7777 + r << "\n";
  p.close();
  SourceManager sources;
  auto policy = Policy::Load(dir, sources);
  ASSERT_TRUE(policy.ok()) << policy.diagnostics().Render(sources);
  auto facts = Read(policy.value(), dir + "/data", false, sources);
  ASSERT_NE(facts, nullptr);
  const Outcome planned = Check(policy.value(), facts, sources, "2024-06-30", "", true, 1);
  const Outcome reference = Check(policy.value(), facts, sources, "2024-06-30", "", false, 1);
  EXPECT_TRUE(planned.lines == reference.lines);
  // 7777 % 3 = 1, % 7 = 0: not kept; 9995 % 3 = 2, % 7 = 6: kept (in
  // the last slice, after most rows kept there: among the wrong ones if
  // a slice's rows were mixed up).
  int kept = 0, high = 0;
  for (int r = 0; r < 10000; ++r) {
    if (r % 3 == 0 || r % 7 <= 2 || r % 7 == 4) continue;
    ++kept;
    high += r > 9900;
  }
  bool found = false;
  for (const std::string& l : planned.lines) {
    if (l.rfind("s.kept|s:S1|", 0) != 0) continue;
    found = true;
    EXPECT_NE(l.find(std::to_string(kept) + " " + std::to_string(high)), std::string::npos) << l;
  }
  EXPECT_TRUE(found);
  EXPECT_EQ(planned.evaluated, 0u);  // (all of it planned)
  std::filesystem::remove_all(dir);
}


// covered_days (src/plan/plan_eval.cc, Runner::CoveredDays) against the
// row evaluator: spans that overlap, nest, repeat, follow one another
// without a gap, run on (a null end), end before they start, or end on a
// period's first day or start on its last; lists empty, of one span and of
// many; periods in order and jumping back; one list, two and three; months,
// quarters and years; and a span without a start (unknown to the plan: the
// row evaluator's error).
TEST(DifferentialTest, CoveredDaysGivesTheRowEvaluatorsDays) {
  const std::string dir = WritePack(
      "zhucun_plan_covered_days", "  window_start: {type: date, default: 2022-01-01}\n",
      "tables:\n"
      "  - name: s\n    key: s_id\n    columns:\n"
      "      - {name: s_id, type: id}\n"
      "      - {name: start, type: date}\n"
      "      - {name: end, type: date, nullable: true}\n"
      "  - name: a\n    key: a_id\n    columns:\n"
      "      - {name: a_id, type: id}\n"
      "      - {name: s_id, type: id, references: s}\n"
      "      - {name: kind, type: code, codes: [x, y]}\n"
      "      - {name: start, type: date, nullable: true}\n"
      "      - {name: end, type: date, nullable: true}\n",
      [] {
        // Each rule's `when` keeps most pairs and its message gives the
        // days: a planned value that differs shows in the message.
        const char* const kDays[][2] = {
            {"one", "covered_days(period, [[r.start, r.end]])"},
            {"all", "covered_days(period, r.a.map(x, [x.start, x.end]))"},
            // Periods that jump back within a subject's pairs (its spans
            // are walked from where the pair before began, else afresh).
            {"back",
             "covered_days(period.start() < date('2023-01-01') ? period('2024-02') : period, "
             "r.a.map(x, [x.start, x.end]))"},
            {"two", "covered_days(period, [[r.start, r.end]], r.a.map(x, [x.start, x.end]))"},
            {"three",
             "covered_days(period, r.a.filter(x, x.kind == 'x').map(x, [x.start, x.end]), "
             "r.a.filter(x, x.kind == 'y').map(x, [x.start, x.end]), [[r.start, r.end]])"},
        };
        std::string rules = "rules:\n";
        for (const char* period : {"month", "quarter", "year"}) {
          for (const auto& [name, days] : kDays) {
            rules += std::string("  - id: cd.") + name + "_" + period +
                     "\n    title: days\n    severity: error\n    subject: s\n    as: r\n"
                     "    period: " + period + "\n    let:\n      d: \"" + days +
                     "\"\n    when: \"d != 3\"\n    message: \"{d}\"\n";
          }
        }
        return rules;
      }());
  std::ofstream(dir + "/data/s.csv") << "s_id,start,end\n"
                                        "S1,2022-01-10,\n"
                                        "S2,2022-03-15,2023-08-10\n"
                                        "S3,2022-02-01,2024-05-31\n"
                                        "S4,2021-06-01,\n"
                                        "S5,2022-01-01,2022-01-01\n";
  std::ofstream a(dir + "/data/a.csv");
  a << "a_id,s_id,kind,start,end\n";
  // S1: two that overlap (2 Feb - 20 Feb), one right after them, one that
  // ends before it starts, one nested in another, the same span twice,
  // one ending on a month's first day and one starting on its last, one
  // without an end. S2: none.
  const char* const s1[][3] = {
      {"x", "2022-02-01", "2022-02-10"}, {"y", "2022-02-05", "2022-02-20"},
      {"x", "2022-02-21", "2022-02-25"}, {"y", "2022-03-10", "2022-03-01"},
      {"y", "2022-04-01", "2022-04-30"}, {"x", "2022-04-10", "2022-04-12"},
      {"x", "2022-06-03", "2022-06-07"}, {"x", "2022-06-03", "2022-06-07"},
      {"y", "2022-06-20", "2022-07-01"}, {"x", "2022-07-31", "2022-08-02"},
      {"y", "2023-05-15", ""}};
  int id = 0;
  for (const auto& [kind, start, end] : s1) {
    a << "A" << ++id << ",S1," << kind << "," << start << "," << end << "\n";
  }
  // S3 and S4: 40 spans each at random over 2022-2024 (some without an
  // end, some ending before they start), so that a month meets several.
  std::mt19937 random(11);
  for (const char* subject : {"S3", "S4"}) {
    for (int k = 0; k < 40; ++k) {
      const Date start = *Date::FromYmd(2022, 1, 1)->AddDays(random() % 900);
      const int64_t length = static_cast<int64_t>(random() % 40) - 3;
      a << "A" << ++id << "," << subject << "," << (random() % 2 ? "x" : "y") << ","
        << start.ToString() << ","
        << (random() % 25 == 0 ? std::string() : start.AddDays(length)->ToString())
        << "\n";
    }
  }
  a.close();
  SourceManager sources;
  auto policy = Policy::Load(dir, sources);
  ASSERT_TRUE(policy.ok()) << policy.diagnostics().Render(sources);
  auto facts = Read(policy.value(), dir + "/data", false, sources);
  ASSERT_NE(facts, nullptr);
  for (const unsigned threads : {1u, 2u}) {
    const Outcome planned = Check(policy.value(), facts, sources, "2024-06-30", "", true, threads);
    const Outcome reference = Check(policy.value(), facts, sources, "2024-06-30", "", false, threads);
    EXPECT_TRUE(planned.lines == reference.lines);
    ASSERT_EQ(planned.lines[0], "ok");
    EXPECT_GT(planned.lines.size(), 500u);
    // The plan judged the pairs (the row evaluator none of them).
    EXPECT_EQ(planned.evaluated, 0u);
  }
  // A span without a start: the row evaluator's error, with or without
  // plans.
  std::ofstream(dir + "/data/a.csv", std::ios::app) << "A999,S2,x,,2022-05-01\n";
  auto bad = Read(policy.value(), dir + "/data", false, sources);
  ASSERT_NE(bad, nullptr);
  const Outcome planned = Check(policy.value(), bad, sources, "2024-06-30", "", true);
  const Outcome reference = Check(policy.value(), bad, sources, "2024-06-30", "", false);
  EXPECT_TRUE(planned.lines == reference.lines);
  EXPECT_NE(planned.lines[1].find("a span's start must be a date"), std::string::npos)
      << planned.lines[1];
  std::filesystem::remove_all(dir);
}

// Rules `<prefix>.<name>` on table t (as r), one per (name, value), whose
// `when` is `when` and whose message is the value: a planned value that
// differs from the row evaluator's shows in a message.
std::string MessageRules(const std::string& prefix,
                         const std::vector<std::pair<std::string, std::string>>& values,
                         const std::string& when) {
  std::string rules = "rules:\n";
  for (const auto& [name, value] : values) {
    rules += "  - id: " + prefix + "." + name +
             "\n    title: value\n    severity: error\n    subject: t\n    as: r\n"
             "    when: \"" + when + "\"\n    message: \"{" + value + "}\"\n";
  }
  return rules;
}

// The pack in `dir` (its data in dir/data) checked as of 2024-06-30 with
// and without plans on `threads` threads, whose outcomes must be the same:
// the planned outcome (`failed` and why where the pack or the data do not
// load).
Outcome WithAndWithoutPlans(const std::string& dir, unsigned threads = 2) {
  SourceManager sources;
  auto policy = Policy::Load(dir, sources);
  if (!policy.ok()) return {{"failed", policy.diagnostics().Render(sources)}};
  auto facts = Read(policy.value(), dir + "/data", false, sources);
  if (facts == nullptr) return {{"failed", "the data did not load"}};
  Outcome planned = Check(policy.value(), facts, sources, "2024-06-30", "", true, threads);
  const Outcome reference = Check(policy.value(), facts, sources, "2024-06-30", "", false, threads);
  EXPECT_TRUE(planned.lines == reference.lines);
  return planned;
}

// Sums, differences and products by a constant whose ints or decimal
// coefficients leave int64 in a fused loop (src/plan/plan_fused.h): the
// batch is left to the general operators, so each is the row evaluator's
// error where it overflows and its value elsewhere — not a wrapped number.
// Each rule's `when` holds for every row and its message is the value: a
// planned value that wrapped shows in a message instead of an error.
TEST(DifferentialTest, FusedSumsDifferencesAndProductsThatOverflowAreErrors) {
  const std::vector<std::pair<std::string, std::string>> kValues = {
      {"plus_one", "r.i + 1"},
      {"minus_two", "r.i - 2"},
      {"two_less", "-2 - r.i"},
      {"one_minus", "1 - r.i"},
      {"plus_i", "r.i + r.i"},
      {"minus_i", "r.i - r.j"},
      {"thrice", "r.i * 3"},
      {"d_plus", "r.d + r.d"},
      {"d_minus", "r.d - r.e"},
      {"d_thrice", "r.d * 3"},
  };
  const std::string dir = WritePack(
      "zhucun_plan_overflow", "  window_start: {type: date, default: 2024-01-01}\n",
      "tables:\n"
      "  - name: t\n    key: id\n    columns:\n"
      "      - {name: id, type: id}\n"
      "      - {name: i, type: int, nullable: true}\n"
      "      - {name: j, type: int, nullable: true}\n"
      "      - {name: d, type: decimal, scale: 2, nullable: true}\n"
      "      - {name: e, type: decimal, scale: 2, nullable: true}\n",
      MessageRules("o", kValues, "r.i != null && r.j != null && r.d != null && r.e != null"));
  // Rows at the ends of int64 (ints and coefficients), one with a null, and
  // small ones; each in a batch of its own too (rows repeated after it).
  const std::vector<std::string> cells = {
      "9223372036854775807,-1,92233720368547758.07,-0.01",
      "-9223372036854775807,9223372036854775807,-92233720368547758.07,92233720368547758.07",
      "4611686018427387904,-4611686018427387905,46116860184273879.04,-46116860184273879.05",
      "3074457345618258603,0,30744573456182586.03,0.00",
      "5,7,1.25,-2.50",
      ",1,,"};
  std::ofstream t(dir + "/data/t.csv");
  t << "id,i,j,d,e\n";
  for (size_t r = 0; r < cells.size(); ++r) t << "T" << r + 1 << "," << cells[r] << "\n";
  t.close();
  const Outcome planned = WithAndWithoutPlans(dir);
  ASSERT_EQ(planned.lines[0], "ok") << planned.lines[1];
  // Each rule planned; the values of its rows where they fit in int64
  // (those next to its ends too), an error where they do not.
  EXPECT_EQ(planned.planned_rules, kValues.size());
  const auto has = [&](const std::string& line) {
    return std::find(planned.lines.begin(), planned.lines.end(), line) != planned.lines.end();
  };
  for (const char* line :
       {"o.plus_one|t:T5||error|6", "o.minus_two|t:T5||error|3", "o.two_less|t:T5||error|-7",
        "o.one_minus|t:T5||error|-4", "o.plus_i|t:T5||error|10", "o.minus_i|t:T5||error|-2",
        "o.thrice|t:T5||error|15", "o.d_plus|t:T5||error|2.50", "o.d_minus|t:T5||error|3.75",
        "o.d_thrice|t:T5||error|3.75", "o.plus_one|t:T2||error|-9223372036854775806",
        "o.minus_two|t:T1||error|9223372036854775805",
        "o.two_less|t:T2||error|9223372036854775805",
        "o.one_minus|t:T1||error|-9223372036854775806",
        "o.plus_one|t:T1||error|{integer overflow}", "o.minus_two|t:T2||error|{integer overflow}",
        "o.two_less|t:T1||error|{integer overflow}", "o.one_minus|t:T2||error|{integer overflow}",
        "o.plus_i|t:T3||error|{integer overflow}", "o.minus_i|t:T2||error|{integer overflow}",
        "o.thrice|t:T4||error|{integer overflow}", "o.d_plus|t:T1||error|{decimal overflow}",
        "o.d_minus|t:T2||error|{decimal overflow}", "o.d_thrice|t:T4||error|{decimal overflow}"}) {
    EXPECT_TRUE(has(line)) << line;
  }
  std::filesystem::remove_all(dir);
}

// `?:` in a fused loop: null where the branch taken is null (a null cell),
// whichever branch that is, and the other branch's value where it is not;
// where a branch may be an error (a missing map key), the row evaluator's
// value or error.
TEST(DifferentialTest, FusedConditionalsAreNullWhereTheBranchTakenIs) {
  const std::vector<std::pair<std::string, std::string>> kValues = {
      {"then", "r.flag ? r.i : 0"},
      {"else", "r.flag ? 0 : r.i"},
      {"both", "r.flag ? r.i : r.j"},
      {"key", "r.flag ? params.sector[r.code] : 'none'"},
  };
  const std::string dir = WritePack(
      "zhucun_plan_conditionals",
      "  window_start: {type: date, default: 2024-01-01}\n"
      "  sector: {type: 'map(string, string)', default: {a: x, b: y}}\n",
      "tables:\n"
      "  - name: t\n    key: id\n    columns:\n"
      "      - {name: id, type: id}\n"
      "      - {name: flag, type: bool}\n"
      "      - {name: code, type: code, codes: [a, b, c]}\n"
      "      - {name: i, type: int, nullable: true}\n"
      "      - {name: j, type: int, nullable: true}\n",
      MessageRules("c", kValues, "r.id != ''"));
  std::ofstream(dir + "/data/t.csv") << "id,flag,code,i,j\n"
                                        "T1,true,a,,5\n"
                                        "T2,false,c,,5\n"
                                        "T3,true,b,3,\n"
                                        "T4,false,a,3,\n"
                                        "T5,true,c,1,2\n";
  const Outcome planned = WithAndWithoutPlans(dir);
  ASSERT_EQ(planned.lines[0], "ok") << planned.lines[1];
  EXPECT_EQ(planned.planned_rules, kValues.size());
  const auto message = [&](const std::string& prefix) {
    for (const std::string& line : planned.lines) {
      if (line.rfind(prefix, 0) == 0) return line.substr(prefix.size());
    }
    return std::string("(none)");
  };
  // (A null in a message is empty.)
  EXPECT_EQ(message("c.then|t:T1||error|"), "");
  EXPECT_EQ(message("c.then|t:T2||error|"), "0");
  EXPECT_EQ(message("c.else|t:T1||error|"), "0");
  EXPECT_EQ(message("c.else|t:T2||error|"), "");
  EXPECT_EQ(message("c.both|t:T1||error|"), "");
  EXPECT_EQ(message("c.both|t:T2||error|"), "5");
  EXPECT_EQ(message("c.both|t:T3||error|"), "3");
  EXPECT_EQ(message("c.both|t:T4||error|"), "");
  EXPECT_EQ(message("c.key|t:T3||error|"), "y");
  // A missing key in the branch taken: the row evaluator's error.
  const std::string error = message("c.key|t:T5||error|");
  EXPECT_TRUE(error.size() > 2 && error.front() == '{' && error.back() == '}') << error;
  std::filesystem::remove_all(dir);
}

// Derived columns taken from their fused programs' lanes as they are
// (RulePlan::Columns): a decimal column whose program cannot compute a
// block (an overflow) takes the general operators' decimals, whose scale
// may differ (the decimal arithmetic saves a product or a sum by dropping a
// trailing zero): its cells keep that scale — in a block of the program's
// scale after a block of the other, and in a block of both; a `?:` whose
// branch taken is a null cell is null. Rows: a block (4,096) whose every
// row overflows the program, a block where none does (every third with a
// null `e`), then a few rows with one that does. Programs too long to be
// computed again in their readers (`wide`, `iwide`: more than 16
// instructions) are read as computed (kInput) — the decimals also where
// the general operators computed them, at scale 0.
#define WIDE "r.d * 2 + r.d * 3 + r.d * 4 + r.d * 5 + r.d * 6 + r.d * 7"
#define IWIDE "r.k * 2 + r.k * 3 + r.k * 4 + r.k * 5 + r.k * 6 + r.k * 7"
TEST(DifferentialTest, DerivedColumnsFromTheProgramsLanesKeepScalesAndNulls) {
  const std::string dir = WritePack(
      "zhucun_plan_decimal_scales", "  window_start: {type: date, default: 2024-01-01}\n",
      "tables:\n"
      "  - name: t\n    key: id\n    columns:\n"
      "      - {name: id, type: id}\n"
      "      - {name: d, type: decimal, scale: 2}\n"
      "      - {name: e, type: decimal, scale: 2, nullable: true}\n"
      "      - {name: n, type: int, nullable: true}\n"
      "      - {name: k, type: int}\n"
      "      - {name: flag, type: bool}\n",
      "derived:\n  - name: scaled\n    from: t\n    as: r\n    columns:\n"
      "      id: r.id\n"
      "      tenfold: r.d * 10\n"
      "      twice: r.d + r.d\n"
      "      pick: \"r.flag ? r.e : r.d\"\n"
      "      count: \"r.flag ? r.n : 0\"\n"
      "      wide: \"" WIDE "\"\n"
      "      wide_above: \"(" WIDE ") > 1000\"\n"
      "      iwide: \"" IWIDE "\"\n"
      "      iwide_above: \"(" IWIDE ") > 100\"\n"
      // Texts as codes (Fused::View::codes): `?:` of constants, nested.
      // (Known on every row: a row with an unknown cell goes to the row
      // evaluator whole, which would hide the other columns' null lanes.)
      "      band: \"r.d * 10 > 200.0 ? 'high' : (r.flag ? 'even' : 'odd')\"\n"
      "      has_n: \"r.n == null ? 'none' : (r.flag ? 'set' : 'unset')\"\n"
      "    sort_by: [id]\n");
  std::ofstream t(dir + "/data/t.csv");
  t << "id,d,e,n,k,flag\n";
  // (Ids of one width: the table's order is the rows'.)
  constexpr int kBlock = 4096, kFew = 20;
  for (int r = 0; r < 2 * kBlock + kFew; ++r) {
    const bool big = r < kBlock || r == 2 * kBlock + kFew / 2;
    t << "T" << 100000 + r << "," << (big ? "90000000000000000.00" : "12.34") << ","
      << (r % 3 == 0 ? "" : "1.5") << "," << (r % 3 == 0 ? "" : "7") << ",7,"
      << (r % 2 == 0 ? "true" : "false") << "\n";
  }
  t.close();
  for (const unsigned threads : {1u, 2u}) {
    const Outcome planned = WithAndWithoutPlans(dir, threads);
    ASSERT_EQ(planned.lines[0], "ok") << planned.lines[1];
    const auto has = [&](const std::string& line) {
      return std::find(planned.lines.begin(), planned.lines.end(), line) != planned.lines.end();
    };
    // The first block's (the general operators'), the second's (the
    // program's: a null `e` taken, a null `n` taken), the third's.
    EXPECT_TRUE(has("scaled|T100000|900000000000000000.0|180000000000000000.0|||2430000000000000000|true|189|true|high|none"));
    EXPECT_TRUE(has("scaled|T104098|123.40|24.68|||333.18|false|189|true|even|none"));
    EXPECT_TRUE(has("scaled|T104100|123.40|24.68|1.50|7|333.18|false|189|true|even|set"));
    EXPECT_TRUE(has("scaled|T104101|123.40|24.68|12.34|0|333.18|false|189|true|odd|none"));
    EXPECT_TRUE(has("scaled|T108202|900000000000000000.0|180000000000000000.0|||2430000000000000000|true|189|true|high|none"));
    EXPECT_TRUE(has("scaled|T108203|123.40|24.68|12.34|0|333.18|false|189|true|odd|unset"));
  }
  std::filesystem::remove_all(dir);
}
#undef WIDE
#undef IWIDE

// A derived column's unknown lanes (a null operand of `+`): those rows are
// the row evaluator's — here its errors, one per row with a null — and
// not the lanes' values, also where the program's lanes go to the column
// as they are (no comprehension: no row's steps are counted).
TEST(DifferentialTest, DerivedColumnsAreTheRowEvaluatorsWhereTheLanesAreUnknown) {
  const std::string dir = WritePack(
      "zhucun_plan_unknown_lanes", "  window_start: {type: date, default: 2024-01-01}\n",
      "tables:\n"
      "  - name: t\n    key: id\n    columns:\n"
      "      - {name: id, type: id}\n"
      "      - {name: m, type: int, nullable: true}\n"
      "      - {name: k, type: int, nullable: true}\n",
      "derived:\n  - name: plus\n    from: t\n    as: r\n    columns:\n"
      "      id: r.id\n"
      "      next: r.m + 1\n"
      "      sign: \"r.m == null ? 'none' : (r.m > 0 ? 'up' : 'down')\"\n"
      "    sort_by: [id]\n"
      // (Unknown lanes and null ones in one column.)
      "  - name: positive\n    from: t\n    as: r\n    columns:\n"
      "      id: r.id\n"
      "      m: \"r.m + 1 > 0 ? r.m : r.k\"\n"
      "    sort_by: [id]\n");
  std::ofstream t(dir + "/data/t.csv");
  t << "id,m,k\n";
  for (int r = 0; r < 50; ++r) {
    t << "T" << 100 + r << "," << (r % 7 == 3 ? "" : std::to_string(r - 20)) << ","
      << (r % 4 == 1 ? "" : "5") << "\n";
  }
  t.close();
  for (const unsigned threads : {1u, 2u}) {
    const Outcome planned = WithAndWithoutPlans(dir, threads);
    ASSERT_EQ(planned.lines[0], "failed");
    // (Rows 3, 10, ..., 45 on lines 5, 12, ..., 47.)
    for (const int line : {5, 12, 19, 26, 33, 40, 47}) {
      for (const std::string column : {"`next`", "`m`"}) {
        EXPECT_NE(planned.lines[1].find("column " + column + " on line " + std::to_string(line) + ":"),
                  std::string::npos)
            << planned.lines[1];
      }
    }
    EXPECT_EQ(planned.lines[1].find("on line 6:"), std::string::npos) << planned.lines[1];
  }
  // Unknown lanes the row evaluator finds a value for (the branch `?:`
  // does not take is unknown), beside null ones.
  std::ofstream(dir + "/rules.yaml")
      << "derived:\n  - name: either\n    from: t\n    as: r\n    columns:\n"
         "      id: r.id\n"
         "      v: \"r.m == null ? r.k : (r.m > 0 ? r.m : r.k)\"\n"
         "    sort_by: [id]\n";
  for (const unsigned threads : {1u, 2u}) {
    const Outcome planned = WithAndWithoutPlans(dir, threads);
    ASSERT_EQ(planned.lines[0], "ok") << planned.lines[1];
    for (const char* line : {"either|T101|", "either|T102|5", "either|T103|5", "either|T130|10",
                             "either|T145|"}) {
      EXPECT_NE(std::find(planned.lines.begin(), planned.lines.end(), line), planned.lines.end()) << line;
    }
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace zhucun
