#ifndef ZHUCUN_SRC_RULES_KINDS_EXPANDER_H_
#define ZHUCUN_SRC_RULES_KINDS_EXPANDER_H_

// The inside of ExpandKinds (src/rules/kinds.h), shared by its files:
//   kinds.cc         the table of kinds and their arguments, reading and
//                    checking the arguments, writing the expansion's source,
//                    and the driver (ExpandKinds, MapPasted)
//   kinds_expand.cc  the kinds that give findings: one function per kind
//                    that writes its lets, `when` and default message
//   kinds_score.cc   `weighted_score`: two functions and a derived table

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "rules/pack.h"
#include "source/quote.h"
#include "zhucun/diagnostic.h"
#include "zhucun/source.h"

namespace zhucun::internal::kinds {

// How an argument is written.
enum class ArgForm : uint8_t {
  kExpr,     // a CEL expression: `params.deputy_visits_per_quarter`
  kList,     // a CEL list, or a YAML list of texts: `[job_transfer, health]`
  kMap,      // a CEL map, or a YAML map of texts: `{weak: party_mass}`
  kWord,     // a text taken as it is, such as a code: `deputy`
  kName,     // a column or function name: `date`
  kNames,    // a name or a YAML list of names: `[member_id, year]`
  kExprMap,  // a YAML map from names to CEL expressions, in order
};

struct ArgDef {
  const char* name;
  ArgForm form;
  // What to add when a required argument is absent; nullptr if optional.
  const char* required;
  // What it is, in one line, in English and in Chinese (docs/rules.md and
  // the JSON Schema of rule files, rules/json_schema.h).
  const char* doc;
  const char* doc_zh;
};

// One domain kind: its arguments, and what the loader and the JSON Schema
// of rule files need to know of it.
struct KindDef {
  const char* name;
  // What it checks, in a few words (docs/rules.md's heading).
  const char* doc;
  const char* doc_zh;
  std::vector<ArgDef> args;
  // The lets the expansion adds (which a rule's own lets may not take).
  std::vector<std::string> binds;
  // What to add when the rule has no `period` or `periods`; nullptr if the
  // kind needs none.
  const char* period = nullptr;
  // Arguments of which at least one must be given (the first is reported
  // missing); none if no such set.
  std::vector<std::string> at_least_one = {};
  // Whether the kind gives findings; one that does not (`weighted_score`)
  // has no `severity`, `period`, `periods`, `let`, `when` or `message`.
  bool findings = true;
};

// The domain kinds, and the one named `name` (nullptr for `check`).
const std::vector<KindDef>& Kinds();
const KindDef* FindKind(std::string_view name);

// The clerk's CEL inside generated CEL: parenthesised unless it is `a.b.c`
// or a number, and with the closing parenthesis on a line of its own if a
// `//` comment could swallow it.
std::string Splice(const std::string& text);

// A message hole: `{cel}`, or the text itself where braces would end the
// hole early.
std::string Hole(const std::string& cel);

// An argument as read: its CEL (kExpr, kList, kMap), its text (kWord,
// kName), or its entries (kNames: names; kExprMap: names and CEL).
struct Arg {
  bool given = false;
  bool misspelled = false;  // an unknown argument looks like a typo of it
  std::string cel;
  std::string word;
  struct Entry {
    std::string name;
    SourceSpan span;
    std::string cel;
  };
  std::vector<Entry> entries;
  SourceSpan key;
  SourceSpan span;
};

// What an expansion writes: lets, `when`, `message`, and for
// `weighted_score` functions and table columns. Each is one line of the
// expansion's source file.
struct Piece {
  std::string prefix;  // "let count: ", "when: ", "composite(a): ", ...
  std::string text;
};

// Expands one rule.
class Expander {
 public:
  Expander(PackSpec& pack, SourceManager& sources, Diagnostics* diags,
           RuleSpec& rule, const KindDef& kind)
      : pack_(pack),
        sources_(sources),
        diags_(diags),
        rule_(rule),
        kind_(kind),
        label_("rule " + Quote(rule.id)) {}

  // False if the rule is wrong (and reported).
  bool Expand();

 private:
  // --- Reading and checking (kinds.cc) ---
  void Error(std::string code, std::string message, SourceSpan span,
             std::string help = {});
  // "on line 3" in the same file, else "at <file>:3:9".
  std::string Where(SourceSpan first, FileId here) const;
  std::vector<std::string> ArgNames() const;
  // Reads every argument against the kind's table.
  bool ReadArgs();
  // One argument, checked against its form.
  void Read(const ArgDef& def, const ExprText& text, const KindArgSpec& d,
            Arg* out);
  bool Name(const std::string& name, SourceSpan span);

  const Arg* Get(std::string_view name) const;
  bool Has(std::string_view name) const { return Get(name) != nullptr; }
  // A CEL argument spliced.
  std::string Cel(std::string_view name) const;
  std::string Word(std::string_view name, std::string fallback) const;

  // Checks of the keys every kind but `weighted_score` shares.
  bool CheckGeneral();
  // The rule's own `when:`, to go before the kind's condition.
  std::string Precondition() const;
  // The subject row's name; reports a subject without one.
  bool Row(const char* why, std::string* row);
  // Whether the subject table has `column`; reports it if not.
  bool SubjectColumn(const std::string& column, SourceSpan at,
                     const std::string& help);
  // Whether the subject table's column `column` holds dates; reports it if
  // not (a column it lacks is reported by SubjectColumn).
  bool SubjectDateColumn(const std::string& column, SourceSpan at,
                         const std::string& help);

  // --- Writing the expansion (kinds.cc) ---
  // A default message template in each language of kLanguages.
  struct Message {
    std::string en;
    std::string zh;
  };
  // Gives the rule its lets, `when` and default message (unless it has its
  // own).
  bool Finish(const std::vector<std::pair<std::string, std::string>>& lets,
              const std::string& when, const Message& message);
  // Remembers where the rule's single-line arguments (as written, token for
  // token) occur in the expansion `text`, so that a mistake in one is
  // reported where the clerk wrote it (MapPasted).
  void RecordPasted(const std::string& text, FileId file);
  // Writes the pieces into the expansion's source file, one a line.
  std::vector<ExprText> Emit(const std::vector<Piece>& pieces);

  // --- The kinds that give findings (kinds_expand.cc) ---
  bool VisitQuota();
  bool Mapping();
  bool Composition();
  bool RequiredSet();
  bool AllowedReasons();
  bool ShareCap();
  bool DaysPresent();

  // --- Two functions and a table (kinds_score.cc) ---
  bool WeightedScore();

  PackSpec& pack_;
  SourceManager& sources_;
  Diagnostics* diags_;
  RuleSpec& rule_;
  const KindDef& kind_;
  std::string label_;
  std::vector<Arg> args_;  // parallel to kind_.args
  bool ok_ = true;
};

}  // namespace zhucun::internal::kinds

#endif  // ZHUCUN_SRC_RULES_KINDS_EXPANDER_H_
