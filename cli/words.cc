// The command's words in English and Chinese (words.h).

#include "words.h"

#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace zhucun::cli {
namespace {

thread_local Lang current = Lang::kEn;

// Every phrase the command says through Tr, and its Chinese. Keep the
// terms as in the policy's own documents: 发现 (finding), 规则 (rule), 严重
// 程度 (severity), 错误/警告 (error/warning), 政策包 (policy pack).
const std::vector<std::pair<std::string_view, std::string_view>> kWords = {
    // The command and CLI11's words.
    {"zhucun: a rules engine for village-resident work team policy",
     "zhucun：驻村工作队管理政策规则引擎"},
    {"Usage", "用法"},
    {"OPTIONS", "选项"},
    {"Positionals", "位置参数"},
    {"REQUIRED", "必填"},
    {"SUBCOMMAND", "子命令"},
    {"SUBCOMMANDS", "子命令"},
    {"Options", "选项"},
    {"Subcommands", "子命令"},
    {"Print this help message and exit", "显示本帮助并退出"},
    {"Display program version information and exit", "显示版本信息并退出"},
    {"The language of the output: zh or en (default: from LC_ALL, LC_MESSAGES or LANG, else en)",
     "输出语言：zh（中文）或 en（英文）（默认按 LC_ALL、LC_MESSAGES 或 LANG，否则为 en）"},
    {"zhucun: cannot read `{file}`", "zhucun：无法读取 `{file}`"},
    {" and ", "和"},
    {", ", "、"},
    {"error", "错误"},
    {"warning", "警告"},
    {"error: ", "错误："},

    // eval
    {"Evaluate expressions and print each with its result", "计算表达式并逐条输出结果"},
    {"FILE holds one expression per line; blank lines and lines starting\n"
     "with `#` are skipped. Exit status: 0 ok, 1 an expression failed to\n"
     "evaluate, 2 a usage error or an expression that did not compile.",
     "FILE 每行一个表达式；空行和以 `#` 开头的行跳过。\n"
     "退出状态：0 成功；1 有表达式求值失败；2 用法错误或表达式无法编译。"},
    {"Expression files (`-` for standard input)", "表达式文件（`-` 表示标准输入）"},
    {"An expression to evaluate (may be repeated)", "要计算的表达式（可重复）"},

    // Options shared by load, check, explain and diff.
    {"The policy pack folder", "政策包文件夹"},
    {"The policy pack folder (holds schema.yaml)", "政策包文件夹（含 schema.yaml）"},
    {"The folder of CSV files", "CSV 数据文件夹"},
    {"The evaluation date YYYY-MM-DD", "评估日期 YYYY-MM-DD"},
    {"The start of the evaluation window (default: the pack's window_start)",
     "评估窗口起始日期（默认取政策包的 window_start）"},
    {"The files' encoding (default utf-8), e.g. gb18030, converted with iconv; TABLE=ENC for "
     "one table's file, e.g. payments=gb18030 (repeatable)",
     "文件编码（默认 utf-8），如 gb18030，用 iconv 转换；表名=编码 只用于该表的文件，"
     "如 payments=gb18030（可重复）"},
    {"Write every problem of the data to this file, one by one (the screen shows the rows "
     "rejected for a row they refer to as one line per row)",
     "把数据的每个问题逐条写到此文件（屏幕上，因引用被拒绝的行而被拒绝的行按所引用的行各显示一行）"},
    {"zhucun {command}: cannot write `{file}`", "zhucun {command}：无法写入 `{file}`"},
    {"zhucun {command}: `--encoding {arg}`: expected ENC or TABLE=ENC, e.g. gb18030 or "
     "payments=gb18030",
     "zhucun {command}：`--encoding {arg}`：应写作 编码 或 表名=编码，如 gb18030 或 "
     "payments=gb18030"},
    {"Override a pack parameter: NAME=VALUE, VALUE written as in YAML (0.25, [a, b], {k: v}) "
     "(repeatable)",
     "覆盖政策包参数：名称=值，值按 YAML 书写（0.25、[a, b]、{k: v}）（可重复）"},
    {"Override a pack parameter: NAME=VALUE, VALUE written as in YAML (0.25, [a, b], {k: v}) "
     "(repeatable); a case's own `params:` win",
     "覆盖政策包参数：名称=值，值按 YAML 书写（0.25、[a, b]、{k: v}）（可重复）；"
     "用例自己的 `params:` 优先"},
    {"Leave bad rows out; each becomes an input.invalid finding",
     "跳过有误的行；每行记为一条 input.invalid 发现"},
    {"Leave bad rows out and list them instead of failing", "跳过有误的行并列出，而不是整体失败"},
    {"Threads that read the files (0: one per core); the result is the same for any number",
     "读取文件的线程数（0：每核一个）；线程数不影响结果"},
    {"Threads that read the files and evaluate the rules (0: one per core); the report is the "
     "same for any number",
     "读取文件和评估规则的线程数（0：每核一个）；线程数不影响结果"},
    {"Threads that read the files and evaluate the rules (0: one per core)",
     "读取文件和评估规则的线程数（0：每核一个）"},
    {"zhucun {command}: `--param {arg}`: expected NAME=VALUE",
     "zhucun {command}：`--param {arg}`：应写作 名称=值"},
    {"zhucun {command}: `{option} {text}` is not a date; expected YYYY-MM-DD (a real calendar "
     "date)",
     "zhucun {command}：`{option} {text}` 不是日期；应为 YYYY-MM-DD（真实存在的日期）"},
    {"zhucun {command}: warning: --from {from} is after --as-of {as_of}, so no period is judged",
     "zhucun {command}：警告：--from {from} 晚于 --as-of {as_of}，没有任何期间会被评估"},
    {"zhucun {command}: warning: {n} of the pack's {total} tables have no file in `{data}` and "
     "are read as empty: {tables}",
     "zhucun {command}：警告：政策包的 {total} 张表中有 {n} 张在 `{data}` 中没有文件，"
     "按空表读取：{tables}"},
    {"zhucun {command}: warning: `{file}` is not a table of the pack and is not read",
     "zhucun {command}：警告：`{file}` 不是政策包的表，未读取"},
    {"; did you mean `{file}`?", "；是否应为 `{file}`？"},

    // load
    {"Read a data folder against a pack's schema and report problems",
     "按政策包的表结构读取数据文件夹并报告问题"},
    {"Reads DIR/<table>.csv for every table of RULES/schema.yaml and reports\n"
     "every bad cell, duplicate key and dangling reference with file:line:column.\n"
     "Exit status: 0 all rows valid; 1 rows rejected (--lenient); 2 bad input\n"
     "(strict), a malformed file, a bad schema or bad usage.",
     "按 RULES/schema.yaml 的每张表读取 DIR/<表名>.csv，报告每个错误单元格、重复键\n"
     "和悬空引用，并给出 文件:行:列。\n"
     "退出状态：0 所有行有效；1 有行被拒绝（--lenient）；2 输入有误（严格模式）、\n"
     "文件格式错误、表结构有误或用法错误。"},
    {"table", "表"},
    {"read", "读取"},
    {"accepted", "接受"},
    {"rejected", "拒绝"},
    {"evaluated", "已评估"},
    {"reported", "已报告"},

    // check
    {"Check a data folder against a policy pack", "用政策包检查数据文件夹"},
    {"Writes OUTDIR/findings.csv and the pack's derived tables with --out,\n"
     "else prints a summary. Exit status: 0 no finding of severity error;\n"
     "1 at least one; 2 bad rules, bad input (strict), a malformed file or\n"
     "bad usage.",
     "带 --out 时写出 OUTDIR/findings.csv 和政策包的派生表，否则显示汇总。\n"
     "退出状态：0 没有严重程度为错误的发现；1 至少有一条；2 规则有误、输入有误\n"
     "（严格模式）、文件格式错误或用法错误。"},
    {"Write the output files here", "输出文件写到这里"},
    {"Write an HTML report to this file: one page, no network needed (docs/report.md)",
     "把 HTML 报告写到此文件：单个网页，无需联网（docs/report.md）"},
    {"Findings of each rule whose explanation the report holds (the first N; default 200; 0: "
     "none)",
     "报告中每条规则附解释的发现数（前 N 个；默认 200；0：不附）"},
    {"zhucun check: --report-explained needs --report FILE",
     "zhucun check：--report-explained 需要同时给出 --report FILE"},
    {"Print, per rule, the time, subjects, periods judged, lets computed and findings; the last "
     "line is `evaluation: <ms> ms`",
     "按规则显示耗时、对象数、评估的期间数、计算的 let 数和发现数；最后一行为 "
     "`evaluation: <ms> ms`"},
    {"Judge every (subject, period) pair with the row evaluator, without the rules' plans (the "
     "same findings, slower)",
     "不用规则的执行计划，逐个（对象, 期间）用行求值器评估（发现相同，较慢）"},
    {"zhucun check: {n} findings as of {as_of} ({errors} errors, {warnings} warnings)",
     "zhucun check：截至 {as_of} 共 {n} 条发现（错误 {errors} 条，警告 {warnings} 条）"},
    {"zhucun check: {n} findings as of {as_of} ({errors} errors, {warnings} warnings) written to "
     "`{out}`",
     "zhucun check：截至 {as_of} 共 {n} 条发现（错误 {errors} 条，警告 {warnings} 条），"
     "已写入 `{out}`"},
    {"zhucun check: {n} findings as of {as_of} ({errors} errors, {warnings} warnings, "
     "{exempted} exempted) written to `{out}`",
     "zhucun check：截至 {as_of} 共 {n} 条发现（错误 {errors} 条，警告 {warnings} 条，"
     "豁免 {exempted} 条），已写入 `{out}`"},
    {"zhucun check: cannot write to `{out}`", "zhucun check：无法写入 `{out}`"},
    {"zhucun check: cannot write the report to `{file}`", "zhucun check：无法把报告写到 `{file}`"},
    {"zhucun check: report written to `{file}`", "zhucun check：报告已写到 `{file}`"},
    {"cannot write to `{out}`", "无法写入 `{out}`"},
    {"cannot write `{file}`", "无法写入 `{file}`"},
    {"cannot write `{file}` in {encoding}: {why}", "无法用 {encoding} 编码写出 `{file}`：{why}"},
    {"Begin the output CSV files with a UTF-8 byte-order mark, so that Excel reads Chinese text "
     "right",
     "输出的 CSV 文件以 UTF-8 字节顺序标记（BOM）开头，便于 Excel 正确显示中文"},
    {"The output files' encoding, e.g. gb18030 for Excel on Chinese Windows (converted with "
     "iconv)",
     "输出文件的编码，如中文 Windows 上的 Excel 用 gb18030（用 iconv 转换）"},
    {"zhucun {command}: --out-encoding: {why}", "zhucun {command}：--out-encoding：{why}"},
    {"zhucun {command}: --csv-bom writes UTF-8's byte-order mark, so it goes with UTF-8 output "
     "only, not --out-encoding {encoding}",
     "zhucun {command}：--csv-bom 写的是 UTF-8 的字节顺序标记，只能用于 UTF-8 输出，"
     "不能与 --out-encoding {encoding} 同用"},
    {"1 finding exempted", "1 条发现被豁免"},
    {"{n} findings exempted", "{n} 条发现被豁免"},
    {" by 1 exception record", "（依据 1 条例外记录）"},
    {" by {m} exception records", "（依据 {m} 条例外记录）"},
    {" (not counted above; --out writes exempted.csv)",
     "（未计入上述数字；--out 会写出 exempted.csv）"},
    {"rule", "规则"},
    {"severity", "严重程度"},
    {"findings", "发现数"},
    {"title", "标题"},
    {"(no {group})", "（无{group}）"},
    {"errors", "错误"},
    {"warnings", "警告"},
    {"first {n} of {total} findings (`zhucun explain RULE SUBJECT [PERIOD]` explains any one):",
     "{total} 条发现中的前 {n} 条（`zhucun explain 规则 对象 [期间]` 可解释任意一条）："},
    {"clause: ", "条款："},
    {"values:", "取值："},

    // explain and validate
    {"Explain why a rule fired, or did not, for one subject", "解释某条规则对某个对象为何触发或未触发"},
    {"RULE SUBJECT [PERIOD] name a finding as in findings.csv, e.g.\n"
     "`team.first_secretary teams:T0001` or `visits.deputy leaders:L01 2023-Q1`.\n"
     "Prints the rule, its source clause, the subject's row, each value and\n"
     "condition that decided it. Exit status: 0 the rule fired; 1 it did\n"
     "not; 2 bad usage, rules or input, or an unknown rule, subject or period.",
     "规则 对象 [期间] 按 findings.csv 的写法指定一条发现，如\n"
     "`team.first_secretary teams:T0001` 或 `visits.deputy leaders:L01 2023-Q1`。\n"
     "显示规则、政策条款、对象的数据行，以及决定结果的每个值和条件。\n"
     "退出状态：0 规则触发；1 未触发；2 用法、规则或输入有误，或规则、对象、期间不存在。"},
    {"The finding: RULE SUBJECT [PERIOD]", "发现：规则 对象 [期间]"},
    {"zhucun explain: expected RULE SUBJECT [PERIOD], e.g. `zhucun explain ... "
     "team.first_secretary teams:T0001`",
     "zhucun explain：应写作 规则 对象 [期间]，如 `zhucun explain ... team.first_secretary "
     "teams:T0001`"},
    {"Load a policy pack and report every problem in it", "加载政策包并报告其中的所有问题"},
    {"Exit status: 0 the pack loads (warnings are printed); 2 it has problems.",
     "退出状态：0 政策包可以加载（显示警告）；2 有问题。"},
    {"zhucun validate: {problems} in `{pack}`", "zhucun validate：`{pack}` 中有{problems}"},
    {"1 problem", " 1 个问题"},
    {"{n} problems", " {n} 个问题"},
    {"{pack} is valid: {rules}, {parameters}, {derived} and {tests}",
     "{pack} 有效：{rules}，{parameters}，{derived}，{tests}"},
    {"{n} {kind}", "{kind} {n} 条"},
    {" ({kinds}; {severities})", "（{kinds}；{severities}）"},
    {" ({names})", "（{names}）"},
    {"{n} of severity {severity}", "{severity} {n} 条"},
    {"1 rule", "1 条规则"},
    {"{n} rules", "{n} 条规则"},
    {"1 parameter", "1 个参数"},
    {"{n} parameters", "{n} 个参数"},
    {"1 derived table", "1 张派生表"},
    {"{n} derived tables", "{n} 张派生表"},
    {"1 test file", "1 个测试文件"},
    {"{n} test files", "{n} 个测试文件"},
    {"; no summary groups.", "；没有汇总分组。"},
    {"; the check summary counts findings by {group}.", "；检查汇总按{group}统计发现。"},

    // test
    {"Run a policy pack's own tests", "运行政策包自带的测试"},
    {"Runs every case of the test files PACK_DIR/pack.yaml lists in `tests:`\n"
     "(docs/pack-tests.md) and checks that every rule of the pack is expected\n"
     "to fire in some case and not to fire in another. Exit status: 0 every\n"
     "case passed and coverage is complete; 1 a case failed or coverage is\n"
     "incomplete; 2 the pack or a test file cannot be loaded, or bad usage.",
     "运行 PACK_DIR/pack.yaml 的 `tests:` 所列测试文件中的每个用例（docs/pack-tests.md），\n"
     "并检查政策包的每条规则都有用例期望它触发、也有用例期望它不触发。\n"
     "退出状态：0 全部用例通过且覆盖完整；1 有用例失败或覆盖不完整；\n"
     "2 政策包或测试文件无法加载，或用法错误。"},
    {"ok   ", "通过 "},
    {"FAIL ", "失败 "},
    {"coverage: not checked (--filter)", "覆盖：未检查（--filter）"},
    {"coverage: each of the {n} rules is expected to fire in some case and not to in another",
     "覆盖：{n} 条规则都有用例期望它触发、也有用例期望它不触发"},
    {"coverage: incomplete", "覆盖：不完整"},
    {"  no case expects these rules to fire: {rules}", "  没有用例期望这些规则触发：{rules}"},
    {"  no case expects these rules not to fire: {rules}", "  没有用例期望这些规则不触发：{rules}"},
    {"1 case: {passed} passed, {failed} failed", "1 个用例：通过 {passed} 个，失败 {failed} 个"},
    {"{n} cases: {passed} passed, {failed} failed", "{n} 个用例：通过 {passed} 个，失败 {failed} 个"},
    {"Run only the cases whose name contains this text (coverage is then not checked)",
     "只运行名称含有此文字的用例（此时不检查覆盖）"},

    // rules
    {"List a policy pack's rules", "列出政策包的规则"},
    {"Lists each rule's id, kind, severity, title, the parameters it reads and\n"
     "its source clause, in the language of --lang (a rule's `title:` may give\n"
     "one per language). --format markdown writes a document with the rules and\n"
     "the parameters. Exit status: 0 the pack loads; 2 it does not, or bad usage.",
     "列出每条规则的编号、类型、严重程度、标题、读取的参数和政策条款，语言按 --lang\n"
     "（规则的 `title:` 可按语言分别书写）。--format markdown 写出包含规则和参数的文档。\n"
     "退出状态：0 政策包可以加载；2 不能加载，或用法错误。"},
    {"`text` (a table) or `markdown`", "`text`（表格）或 `markdown`"},
    {"kind", "类型"},
    {"parameters read", "读取的参数"},
    {"source clause", "政策条款"},
    {"Policy pack `{name}` version {version}: {rules}.", "政策包 `{name}`，版本 {version}：{rules}。"},
    {"Rules", "规则"},
    {"Parameters", "参数"},
    {"parameter", "参数"},
    {"type", "类型"},
    {"value", "取值"},
    {"meaning", "含义"},

    // diff
    {"What a change of policy does: findings and derived rows that differ",
     "政策修改的影响：有变化的发现和派生行"},
    {"Checks DATA with OLD_PACK and with NEW_PACK (each with its own schema and\n"
     "parameters) and lists the findings that appear, vanish or change message\n"
     "or severity, and the derived rows that change, with counts by rule and by\n"
     "the pack's summary group. --out writes findings_diff.csv and\n"
     "derived_diff.csv. Exit status: 0 nothing changes; 1 something does;\n"
     "2 bad rules, bad input (strict), a malformed file or bad usage.",
     "分别用 OLD_PACK 和 NEW_PACK（各用自己的表结构和参数）检查 DATA，列出新出现、\n"
     "消失或消息、严重程度有变化的发现，以及有变化的派生行，并按规则和政策包的汇总\n"
     "分组计数。--out 写出 findings_diff.csv 和 derived_diff.csv。\n"
     "退出状态：0 没有变化；1 有变化；2 规则有误、输入有误（严格模式）、文件格式错误\n"
     "或用法错误。"},
    {"appear", "新出现"},
    {"vanish", "消失"},
    {"change", "变化"},
    {"group", "分组"},
    {"zhucun diff: {old} -> {new} as of {as_of}", "zhucun diff：{old} -> {new}，截至 {as_of}"},
    {"  findings: {appear} appear, {vanish} vanish, {change} change message or severity",
     "  发现：新出现 {appear} 条，消失 {vanish} 条，消息或严重程度变化 {change} 条"},
    {"  derived rows: {appear} appear, {vanish} vanish, {change} change",
     "  派生行：新出现 {appear} 行，消失 {vanish} 行，变化 {change} 行"},
    {"nothing changes", "没有变化"},
    {"  ... and {n} more", "  ……另有 {n} 条"},
    {" (--out writes every one)", "（--out 会全部写出）"},
    {"findings (+ appears, - vanishes, ~ changes):", "发现（+ 新出现，- 消失，~ 变化）："},
    {"derived rows (+ appears, - vanishes, ~ changes):", "派生行（+ 新出现，- 消失，~ 变化）："},
    {"The pack as it is (a folder)", "修改前的政策包（文件夹）"},
    {"The pack as edited (a folder)", "修改后的政策包（文件夹）"},
    {"Override a parameter of OLD_PACK only: NAME=VALUE (repeatable)",
     "只覆盖 OLD_PACK 的参数：名称=值（可重复）"},
    {"Override a parameter of NEW_PACK only: NAME=VALUE (repeatable)",
     "只覆盖 NEW_PACK 的参数：名称=值（可重复）"},
    {"Write findings_diff.csv and derived_diff.csv here",
     "findings_diff.csv 和 derived_diff.csv 写到这里"},
    {"The most changes listed per section", "每部分最多列出的变化数"},

    // schema
    {"Write the JSON Schemas of the pack files, for editors", "写出政策包文件的 JSON Schema，供编辑器使用"},
    {"Writes pack.schema.json, rules.schema.json, schema.schema.json and\n"
     "tests.schema.json into --out: the keys of pack.yaml, rule files, schema.yaml\n"
     "and pack test files, each with its documentation, for an editor with the YAML\n"
     "language server (README.md, \"Editing packs in an editor\"). --docs FILE also\n"
     "writes the key reference between FILE's lines `<!-- keys:begin -->` and\n"
     "`<!-- keys:end -->`. --check writes nothing and says which files differ.\n"
     "Exit status: 0 written (or up to date); 1 --check found a file that differs;\n"
     "2 a file cannot be read or written, or bad usage.",
     "把 pack.schema.json、rules.schema.json、schema.schema.json 和 tests.schema.json\n"
     "写到 --out：pack.yaml、规则文件、schema.yaml 和测试文件的各个键及其说明，供装有\n"
     "YAML language server 的编辑器使用（见 README.md“Editing packs in an editor”）。\n"
     "--docs FILE 还把键的参考写到 FILE 中 `<!-- keys:begin -->` 与 `<!-- keys:end -->`\n"
     "两行之间。--check 不写文件，只说明哪些文件不同。\n"
     "退出状态：0 已写出（或已是最新）；1 --check 发现不同的文件；2 文件无法读写，或用法错误。"},
    {"The folder to write the schemas into", "写出 schema 的文件夹"},
    {"A Markdown file to write the key reference into (docs/rules.md)",
     "写入键参考的 Markdown 文件（docs/rules.md）"},
    {"Write nothing; fail if a file is not what would be written",
     "不写文件；若文件与应写出的内容不同则失败"},
    {"zhucun schema: `{file}` has no lines `{begin}` and `{end}` to write the key "
     "reference between",
     "zhucun schema：`{file}` 中没有用来写入键参考的 `{begin}` 和 `{end}` 两行"},
    {"zhucun schema: `{file}` is not what `zhucun schema` writes",
     "zhucun schema：`{file}` 与 `zhucun schema` 写出的内容不同"},
    {"regenerate them with `{command}` (from the repository's root: `zhucun schema "
     "--docs docs/rules.md`)",
     "请运行 `{command}` 重新生成（在仓库根目录：`zhucun schema --docs docs/rules.md`）"},
    {"zhucun schema: cannot write `{file}`", "zhucun schema：无法写入 `{file}`"},
    {"wrote {file}", "已写出 {file}"},
};

const std::unordered_map<std::string_view, std::string_view>& Chinese() {
  static const auto* table = [] {
    auto* t = new std::unordered_map<std::string_view, std::string_view>();
    for (const auto& [en, zh] : kWords) t->emplace(en, zh);
    return t;
  }();
  return *table;
}

}  // namespace

std::optional<Lang> ParseLang(std::string_view code) {
  if (code == "en") return Lang::kEn;
  if (code == "zh") return Lang::kZh;
  return std::nullopt;
}

const char* LangCode(Lang lang) { return lang == Lang::kZh ? "zh" : "en"; }

Lang LangFromLocale(const char* lc_all, const char* lc_messages, const char* lang) {
  for (const char* v : {lc_all, lc_messages, lang}) {
    if (v == nullptr || *v == '\0') continue;  // unset: the next one decides
    return std::string_view(v).substr(0, 2) == "zh" ? Lang::kZh : Lang::kEn;
  }
  return Lang::kEn;
}

Lang CurrentLang() { return current; }

LangScope::LangScope(Lang lang) : saved_(current) { current = lang; }
LangScope::~LangScope() { current = saved_; }

std::string Tr(std::string_view en) {
  if (current == Lang::kZh) {
    const auto it = Chinese().find(en);
    if (it != Chinese().end()) return std::string(it->second);
  }
  return std::string(en);
}

std::string Tr(std::string_view en, const Values& values) {
  const std::string text = Tr(en);
  std::string out;
  for (size_t i = 0; i < text.size();) {
    bool filled = false;
    if (text[i] == '{') {
      const size_t close = text.find('}', i);
      const std::string_view name =
          close == std::string::npos ? std::string_view()
                                     : std::string_view(text).substr(i + 1, close - i - 1);
      for (const auto& [hole, value] : values) {
        if (!name.empty() && hole == name) {
          out += value;
          i = close + 1;
          filled = true;
          break;
        }
      }
    }
    if (!filled) out += text[i++];
  }
  return out;
}

const std::vector<std::pair<std::string_view, std::string_view>>& AllWords() { return kWords; }

}  // namespace zhucun::cli
