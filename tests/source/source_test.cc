#include "zhucun/source.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <thread>
#include <vector>

#include "source/utf8.h"
#include "zhucun/diagnostic.h"
#include "zhucun/text.h"

namespace zhucun {
namespace {

TEST(SourceManagerTest, AddAndLookUp) {
  SourceManager sm;
  const FileId a = sm.Add("a.yaml", "x: 1\n");
  const FileId b = sm.Add("b.csv", "id\n1\n");
  EXPECT_EQ(a, 0u);
  EXPECT_EQ(b, 1u);
  EXPECT_EQ(sm.size(), 2u);
  EXPECT_EQ(sm.name(b), "b.csv");
  EXPECT_EQ(sm.text(a), "x: 1\n");
  // Out-of-range ids are harmless.
  EXPECT_EQ(sm.name(7), "");
  EXPECT_EQ(sm.text(7), "");
  EXPECT_EQ(sm.Locate(7, 0).line, 0u);
}

TEST(SourceManagerTest, LocateCountsLinesAndCodePoints) {
  SourceManager sm;
  //                      0123   4 5 6 7 8 9 (bytes)
  const FileId f = sm.Add("f", "ab\n成员x\r\nlast\rz");
  EXPECT_EQ(sm.Locate(f, 0).line, 1u);
  EXPECT_EQ(sm.Locate(f, 0).column, 1u);
  EXPECT_EQ(sm.Locate(f, 2).column, 3u);  // the '\n' belongs to line 1
  EXPECT_EQ(sm.Locate(f, 2).line, 1u);
  // "成" is bytes 3..5, "员" 6..8, "x" 9.
  EXPECT_EQ(sm.Locate(f, 3).line, 2u);
  EXPECT_EQ(sm.Locate(f, 3).column, 1u);
  EXPECT_EQ(sm.Locate(f, 6).column, 2u);
  EXPECT_EQ(sm.Locate(f, 9).column, 3u);
  EXPECT_EQ(sm.Locate(f, 10).column, 4u);  // '\r' of "\r\n"
  EXPECT_EQ(sm.Locate(f, 12).line, 3u);    // "last"
  EXPECT_EQ(sm.Locate(f, 12).column, 1u);
  EXPECT_EQ(sm.Locate(f, 17).line, 4u);  // a lone '\r' ends a line too
  EXPECT_EQ(sm.Locate(f, 17).column, 1u);
  EXPECT_EQ(sm.Locate(f, 18).column, 2u);   // end of text
  EXPECT_EQ(sm.Locate(f, 999).column, 2u);  // clamped
  EXPECT_EQ(sm.LineText(f, 0), "ab");
  EXPECT_EQ(sm.LineText(f, 2), "ab");
  EXPECT_EQ(sm.LineText(f, 7), "成员x");
  EXPECT_EQ(sm.LineText(f, 13), "last");
  EXPECT_EQ(sm.LineText(f, 18), "z");
}

TEST(SourceManagerTest, TrailingNewlineStartsAnEmptyLine) {
  SourceManager sm;
  const FileId f = sm.Add("f", "a\n");
  EXPECT_EQ(sm.Locate(f, 2).line, 2u);
  EXPECT_EQ(sm.Locate(f, 2).column, 1u);
  EXPECT_EQ(sm.LineText(f, 2), "");
  const FileId empty = sm.Add("e", "");
  EXPECT_EQ(sm.Locate(empty, 0).line, 1u);
  EXPECT_EQ(sm.Locate(empty, 0).column, 1u);
  EXPECT_EQ(sm.LineText(empty, 0), "");
}

// LastLine counts the line ends ("\n", "\r\n", a lone "\r") without the
// index of line starts, and agrees with Locate at the text's end; the index
// is built when first asked, from several threads at once, and again after
// Release and Restore.
TEST(SourceManagerTest, LastLineAgreesWithLocateAtTheEnd) {
  SourceManager sm;
  const std::vector<std::string> texts = {
      "", "a", "a\n", "a\nb", "a\r\nb\r\n", "a\rb\r", "\r", "\r\n", "\n\r",
      "a\r\rb\n\n", "x\r\ny\rz\n", "\r\r\n\n"};
  for (const std::string& text : texts) {
    const FileId id = sm.Add("t", text);
    EXPECT_EQ(sm.LastLine(id), sm.Locate(id, static_cast<uint32_t>(text.size())).line)
        << "text of " << text.size() << " bytes";
    EXPECT_EQ(SourceManager::LastLineOf(text), sm.LastLine(id));
  }
  EXPECT_EQ(sm.LastLine(sm.Add("t", "a\r\nb\rc\nd")), 4u);
  EXPECT_EQ(sm.LastLine(99), 0u);

  std::string big;
  for (int i = 0; i < 5000; ++i) big += "row " + std::to_string(i) + (i % 3 == 0 ? "\r\n" : "\n");
  const FileId id = sm.Add("big.csv", big);
  std::vector<uint32_t> lines(4);
  std::vector<std::thread> threads;
  for (size_t t = 0; t < lines.size(); ++t) {
    threads.emplace_back([&, t] {
      lines[t] = sm.Locate(id, static_cast<uint32_t>(big.find("row 4321"))).line;
    });
  }
  for (std::thread& t : threads) t.join();
  for (const uint32_t line : lines) EXPECT_EQ(line, 4322u);
  EXPECT_EQ(sm.LineText(id, static_cast<uint32_t>(big.find("row 3000"))), "row 3000");

  sm.Release(id);
  EXPECT_EQ(sm.LastLine(id), 1u);
  EXPECT_EQ(sm.Locate(id, 100).line, 1u);
  sm.Restore(id, "first\nsecond\n");
  EXPECT_EQ(sm.LastLine(id), 3u);
  EXPECT_EQ(sm.Locate(id, 7).line, 2u);
  EXPECT_EQ(sm.LineText(id, 7), "second");
}

// LastLineOf counts 16 bytes at a time (up to 255 blocks between sums):
// texts of every length around those bounds, of line ends only ("\n" in
// every byte of every block), and of random bytes, against a byte-by-byte
// count and against the line index (Locate at the end).
TEST(SourceManagerTest, LastLineOfCountsLongTextsAsTheLineIndexDoes) {
  const auto by_bytes = [](const std::string& t) {
    uint32_t lines = 1;
    for (size_t i = 0; i < t.size(); ++i) {
      if (t[i] == '\n' || (t[i] == '\r' && (i + 1 == t.size() || t[i + 1] != '\n'))) ++lines;
    }
    return lines;
  };
  SourceManager sm;
  std::mt19937 random(5);
  const char kBytes[] = {'a', '\n', '\r', ',', '\xE4', '\0'};
  for (const size_t size : {15, 16, 17, 31, 33, 4079, 4080, 4081, 4096, 8161, 20000}) {
    const std::string lf(size, '\n');
    const std::string cr(size, '\r');
    std::string mixed;
    for (size_t i = 0; i < size; ++i) mixed += kBytes[random() % sizeof(kBytes)];
    for (const std::string* text : {&lf, &cr, static_cast<const std::string*>(&mixed)}) {
      EXPECT_EQ(SourceManager::LastLineOf(*text), by_bytes(*text)) << size << " bytes";
      const FileId id = sm.Add("t", *text);
      EXPECT_EQ(SourceManager::LastLineOf(*text),
                sm.Locate(id, static_cast<uint32_t>(text->size())).line)
          << size << " bytes";
    }
  }
  EXPECT_EQ(SourceManager::LastLineOf(std::string(70000, '\n')), 70001u);
}

TEST(SourceManagerTest, InvalidUtf8CountsOneColumnPerByte) {
  SourceManager sm;
  const FileId f = sm.Add("f",
                          "a\xff\xfe"
                          "b");
  EXPECT_EQ(sm.Locate(f, 3).column, 4u);
}

Diagnostic MakeError(std::string code, std::string message, SourceSpan span,
                     std::string help = {}) {
  Diagnostic d;
  d.code = std::move(code);
  d.message = std::move(message);
  d.span = span;
  d.help = std::move(help);
  return d;
}

TEST(RenderTest, CaretUnderSpanWithHelp) {
  SourceManager sm;
  const FileId f = sm.Add("expr", "member.x + membr.y");
  const Diagnostic d =
      MakeError("expr.undeclared", "undeclared reference to `membr`",
                {f, 11, 16}, "did you mean `member`?");
  EXPECT_EQ(RenderDiagnostic(d, sm),
            "expr:1:12: error[expr.undeclared]: undeclared reference to "
            "`membr`\n"
            " | member.x + membr.y\n"
            " |            ^~~~~\n"
            " = help: did you mean `member`?");
}

TEST(RenderTest, CjkTextBeforeTheSpanIsTwoCellsWide) {
  SourceManager sm;
  const std::string line = "  when: 成员.结束日期 == null && x.end_dat > 0";
  const FileId f = sm.Add("rules/teams.yaml", "rule:\n" + line + "\n");
  const uint32_t begin = 6 + static_cast<uint32_t>(line.find("end_dat"));
  const Diagnostic d =
      MakeError("expr.unknown_field", "`x` has no field `end_dat`",
                {f, begin, begin + 7}, "did you mean `end_date`?");
  // Column 30 counts code points; "成员" and "结束日期" are 6 code points
  // but 12 cells wide, so the caret is preceded by 35 cells.
  EXPECT_EQ(RenderDiagnostic(d, sm),
            "rules/teams.yaml:2:30: error[expr.unknown_field]: `x` has no "
            "field `end_dat`\n"
            " |   when: 成员.结束日期 == null && x.end_dat > 0\n"
            " |                                    ^~~~~~~\n"
            " = help: did you mean `end_date`?");
}

TEST(RenderTest, SpanOverWideCharactersUsesTheirWidth) {
  SourceManager sm;
  const FileId f = sm.Add("f", "x == 名字");
  const Diagnostic d = MakeError("c", "m", {f, 5, 11});
  EXPECT_EQ(RenderDiagnostic(d, sm),
            "f:1:6: error[c]: m\n"
            " | x == 名字\n"
            " |      ^~~~");
}

TEST(RenderTest, FullwidthFormsAreWide) {
  SourceManager sm;
  const FileId f = sm.Add("f", "f（x）");  // U+FF08, U+FF09
  const Diagnostic d = MakeError("c", "m", {f, 4, 5});
  EXPECT_EQ(RenderDiagnostic(d, sm),
            "f:1:3: error[c]: m\n"
            " | f（x）\n"
            " |    ^");
}

TEST(RenderTest, TabsAreKept) {
  SourceManager sm;
  const FileId f = sm.Add("f", "\ta +\tb");
  const Diagnostic d = MakeError("c", "m", {f, 5, 6});
  EXPECT_EQ(RenderDiagnostic(d, sm),
            "f:1:6: error[c]: m\n"
            " | \ta +\tb\n"
            " | \t   \t^");
}

TEST(RenderTest, ErrorOnSecondLine) {
  SourceManager sm;
  const FileId f = sm.Add("f", "a &&\n  b ||\n  c");
  const Diagnostic d = MakeError("c", "m", {f, 7, 8});
  EXPECT_EQ(RenderDiagnostic(d, sm),
            "f:2:3: error[c]: m\n"
            " |   b ||\n"
            " |   ^");
}

TEST(RenderTest, MultiLineSpanUnderlinesToTheEndOfItsFirstLine) {
  SourceManager sm;
  const FileId f = sm.Add("f", "x + '''ab\ncd'''");
  const Diagnostic d = MakeError("c", "m", {f, 4, 15});
  EXPECT_EQ(RenderDiagnostic(d, sm),
            "f:1:5: error[c]: m\n"
            " | x + '''ab\n"
            " |     ^~~~~");
}

TEST(RenderTest, EmptySpanAndEndOfText) {
  SourceManager sm;
  const FileId f = sm.Add("f", "a +");
  EXPECT_EQ(RenderDiagnostic(MakeError("c", "m", {f, 3, 3}), sm),
            "f:1:4: error[c]: m\n"
            " | a +\n"
            " |    ^");
  const FileId g = sm.Add("g", "");
  EXPECT_EQ(RenderDiagnostic(MakeError("c", "m", {g, 0, 0}), sm),
            "g:1:1: error[c]: m\n"
            " |\n"
            " | ^");
}

TEST(RenderTest, SpanPastTheTextIsClamped) {
  SourceManager sm;
  const FileId f = sm.Add("f", "abc");
  EXPECT_EQ(RenderDiagnostic(MakeError("c", "m", {f, 1, 100}), sm),
            "f:1:2: error[c]: m\n"
            " | abc\n"
            " |  ^~");
  EXPECT_EQ(RenderDiagnostic(MakeError("c", "m", {f, 50, 10}), sm),
            "f:1:4: error[c]: m\n"
            " | abc\n"
            " |    ^");
}

TEST(RenderTest, NoFileMeansNoSnippet) {
  SourceManager sm;
  EXPECT_EQ(RenderDiagnostic(MakeError("engine.config", "no rules given",
                                       SourceSpan{}, "pass a rules folder"),
                             sm),
            "error[engine.config]: no rules given\n"
            " = help: pass a rules folder");
  // A file id the manager does not know is treated the same way.
  EXPECT_EQ(RenderDiagnostic(MakeError("x", "y", {42, 0, 1}), sm),
            "error[x]: y");
}

TEST(RenderTest, SeverityAndMissingCode) {
  SourceManager sm;
  Diagnostic d = MakeError("", "just so you know", SourceSpan{});
  d.severity = Severity::kWarning;
  EXPECT_EQ(RenderDiagnostic(d, sm), "warning: just so you know");
  d.severity = Severity::kNote;
  d.code = "n.x";
  EXPECT_EQ(RenderDiagnostic(d, sm), "note[n.x]: just so you know");
}

TEST(RenderTest, InvalidUtf8AndControlCharactersAreShownSafely) {
  SourceManager sm;
  const FileId f = sm.Add("f", "'\xff\xc3' + \x07x");
  const Diagnostic d = MakeError("c", "m", {f, 1, 2});
  EXPECT_EQ(RenderDiagnostic(d, sm),
            "f:1:2: error[c]: m\n"
            " | '\xEF\xBF\xBD\xEF\xBF\xBD' + \xE2\x90\x87x\n"
            " |  ^");
  const FileId g = sm.Add("g", "ab\xc3");
  EXPECT_EQ(RenderDiagnostic(MakeError("c", "m", {g, 2, 3}), sm),
            "g:1:3: error[c]: m\n"
            " | ab\xEF\xBF\xBD\n"
            " |   ^");
}

TEST(RenderTest, LongLinesAreCutAroundTheSpan) {
  SourceManager sm;
  std::string text(300, 'a');
  text.replace(200, 3, "bad");
  const FileId f = sm.Add("f", text);
  const std::string rendered =
      RenderDiagnostic(MakeError("c", "m", {f, 200, 203}), sm);
  const std::string shown = "..." + text.substr(160, 120) + "...";
  EXPECT_EQ(rendered, "f:1:201: error[c]: m\n | " + shown + "\n | " +
                          std::string(3 + 40, ' ') + "^~~");
  // Near the end of a long line the window ends with the line.
  const std::string end_rendered =
      RenderDiagnostic(MakeError("c", "m", {f, 300, 300}), sm);
  EXPECT_EQ(end_rendered, "f:1:301: error[c]: m\n | ..." + text.substr(180) +
                              "\n | " + std::string(3 + 120, ' ') + "^");
}

TEST(DiagnosticsTest, CollectsInOrderAndRenders) {
  SourceManager sm;
  const FileId f = sm.Add("f", "a b");
  Diagnostics diags;
  EXPECT_TRUE(diags.empty());
  EXPECT_FALSE(diags.has_errors());
  Diagnostic w = MakeError("w", "warned", {f, 0, 1});
  w.severity = Severity::kWarning;
  diags.Add(w);
  EXPECT_FALSE(diags.has_errors());
  diags.Error("e", "failed", {f, 2, 3}, "help text");
  EXPECT_TRUE(diags.has_errors());
  ASSERT_EQ(diags.size(), 2u);
  EXPECT_EQ(diags.items()[1].help, "help text");
  Diagnostics more;
  more.Append(diags);
  more.Append(diags);
  EXPECT_EQ(more.size(), 4u);
  EXPECT_EQ(diags.Render(sm),
            "f:1:1: warning[w]: warned\n"
            " | a b\n"
            " | ^\n"
            "f:1:3: error[e]: failed\n"
            " | a b\n"
            " |   ^\n"
            " = help: help text\n");
}

TEST(ClosestMatchTest, FindsLikelyTypos) {
  const std::vector<std::string> fields = {"start_date", "end_date", "member",
                                           "team"};
  EXPECT_EQ(ClosestMatch("membr", fields), "member");
  EXPECT_EQ(ClosestMatch("end_dat", fields), "end_date");
  EXPECT_EQ(ClosestMatch("tema", fields), "team");
  EXPECT_EQ(ClosestMatch("end_date", fields), "end_date");
  EXPECT_EQ(ClosestMatch("salary", fields), "");
  EXPECT_EQ(ClosestMatch("x", fields), "");
  EXPECT_EQ(ClosestMatch("", fields), "");
  EXPECT_EQ(ClosestMatch("membr", {}), "");
}

TEST(ClosestMatchTest, ShortWordsAllowOneEditButNotAFullReplacement) {
  EXPECT_EQ(ClosestMatch("ab", {"xy", "ax"}), "ax");
  EXPECT_EQ(ClosestMatch("a", {"b"}), "");
  EXPECT_EQ(ClosestMatch("a", {"ab"}), "ab");
}

TEST(ClosestMatchTest, TiesGoToTheFirstCandidate) {
  EXPECT_EQ(ClosestMatch("cat", {"bat", "cot", "cut"}), "bat");
  EXPECT_EQ(ClosestMatch("cat", {"cot", "bat"}), "cot");
}

TEST(ClosestMatchTest, CountsCodePoints) {
  // One code point differs (3 bytes in UTF-8).
  EXPECT_EQ(ClosestMatch("开始日期", {"结束日期", "开始日子"}), "开始日子");
}

TEST(Utf8Test, DecodeRejectsMalformedSequences) {
  using internal::DecodeUtf8;
  char32_t cp;
  EXPECT_EQ(DecodeUtf8("a", 0, &cp), 1u);
  EXPECT_EQ(cp, U'a');
  EXPECT_EQ(DecodeUtf8("\xe6\x88\x90", 0, &cp), 3u);
  EXPECT_EQ(cp, U'成');
  EXPECT_EQ(DecodeUtf8("\xf0\x9f\x90\xb1", 0, &cp), 4u);
  EXPECT_EQ(cp, char32_t{0x1F431});
  EXPECT_EQ(DecodeUtf8("\xc3", 0, &cp), 0u);              // truncated
  EXPECT_EQ(DecodeUtf8("\x80", 0, &cp), 0u);              // continuation
  EXPECT_EQ(DecodeUtf8("\xc0\xaf", 0, &cp), 0u);          // overlong
  EXPECT_EQ(DecodeUtf8("\xe0\x80\xaf", 0, &cp), 0u);      // overlong
  EXPECT_EQ(DecodeUtf8("\xed\xa0\x80", 0, &cp), 0u);      // surrogate
  EXPECT_EQ(DecodeUtf8("\xf4\x90\x80\x80", 0, &cp), 0u);  // > U+10FFFF
  EXPECT_EQ(DecodeUtf8("\xff", 0, &cp), 0u);
  EXPECT_EQ(cp, internal::kReplacementChar);
  EXPECT_TRUE(internal::IsValidUtf8("abc 成员 🐱"));
  EXPECT_FALSE(internal::IsValidUtf8("abc\xc3"));
}

TEST(Utf8Test, EncodeAndWidth) {
  std::string s;
  internal::AppendUtf8(U'ÿ', &s);
  internal::AppendUtf8(0x1F431, &s);
  internal::AppendUtf8(0xD800, &s);  // not a scalar value
  EXPECT_EQ(s, "ÿ🐱\xEF\xBF\xBD");
  EXPECT_EQ(internal::DisplayWidth(U'a'), 1);
  EXPECT_EQ(internal::DisplayWidth(U'é'), 1);
  EXPECT_EQ(internal::DisplayWidth(U'成'), 2);
  EXPECT_EQ(internal::DisplayWidth(U'。'), 2);
  EXPECT_EQ(internal::DisplayWidth(U'Ａ'), 2);
  EXPECT_EQ(internal::DisplayWidth(U'ｱ'), 1);  // halfwidth katakana
  EXPECT_EQ(internal::DisplayWidth(U'가'), 2);
  EXPECT_EQ(internal::DisplayWidth(0x1F431), 2);
  EXPECT_EQ(internal::DisplayWidth(0x20000), 2);
}

// Explanations and the check summary align columns with these (text.h).
TEST(TextWidthTest, WidePadAndCutCountWideCharactersTwice) {
  EXPECT_EQ(TextWidth("abc"), 3u);
  EXPECT_EQ(TextWidth("都匀市"), 6u);
  EXPECT_EQ(TextWidth("（a）"), 5u);
  EXPECT_EQ(TextWidth("e\u0301"), 1u);  // a combining accent takes no cell
  EXPECT_EQ(TextWidth("a\xff" "b"), 3u);    // a byte that is not UTF-8 takes one
  EXPECT_EQ(PadToWidth("都匀", 6), "都匀  ");
  EXPECT_EQ(PadToWidth("toolong", 3), "toolong");
  EXPECT_EQ(CutToWidth("abcdef", 4), "abc…");
  EXPECT_EQ(CutToWidth("都匀市福泉市", 6), "都匀…");
  EXPECT_EQ(CutToWidth("abc", 3), "abc");
}

}  // namespace
}  // namespace zhucun
