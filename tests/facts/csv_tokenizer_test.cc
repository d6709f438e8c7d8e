#include "facts/csv_tokenizer.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace zhucun::internal {
namespace {

using namespace std::string_literals;

// Undoes the doubling of quotes inside a quoted field's raw text.
std::string Unescape(std::string_view raw) {
  std::string out;
  for (size_t i = 0; i < raw.size(); ++i) {
    out.push_back(raw[i]);
    if (raw[i] == '"' && i + 1 < raw.size() && raw[i + 1] == '"') ++i;
  }
  return out;
}

// Checks that every field of `record` lies inside `text` where its span
// says, with the value its raw text gives, and that the fields are
// separated by single commas.
void CheckSpans(std::string_view text, const CsvRecord& record) {
  for (size_t i = 0; i < record.fields.size(); ++i) {
    const CsvField& f = record.fields[i];
    ASSERT_LE(f.begin, f.end);
    ASSERT_LE(f.end, text.size());
    const std::string_view raw = text.substr(f.begin, f.end - f.begin);
    const char* data = f.value.data();
    const bool in_text = f.value.empty() ||
                         (data >= text.data() &&
                          data + f.value.size() <= text.data() + text.size());
    const bool in_scratch =
        f.value.empty() ||
        (data >= record.scratch.data() &&
         data + f.value.size() <= record.scratch.data() + record.scratch.size());
    EXPECT_TRUE(in_text || in_scratch) << "field " << i;
    if (f.quoted) {
      ASSERT_GE(raw.size(), 2u);
      EXPECT_EQ(raw.front(), '"');
      EXPECT_EQ(raw.back(), '"');
      EXPECT_EQ(f.value, Unescape(raw.substr(1, raw.size() - 2)));
    } else {
      EXPECT_EQ(f.value, raw);
      EXPECT_TRUE(f.value.empty() || data == text.data() + f.begin);
    }
    if (i + 1 < record.fields.size()) {
      EXPECT_EQ(text[f.end], ',');
      EXPECT_EQ(record.fields[i + 1].begin, f.end + 1);
    }
  }
}

std::string Escape(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\0') {
      out += "\\0";
    } else {
      out += c;
    }
  }
  return out;
}

// All records as `line:[a|b|"quoted"]`, space separated, then
// ` error line@offset: message` if the tokenizer stopped on an error.
std::string Dump(std::string_view text) {
  CsvTokenizer tokenizer(text);
  CsvRecord record;  // reused, as the reader does
  std::string out;
  while (tokenizer.Next(&record)) {
    CheckSpans(text, record);
    if (!out.empty()) out += ' ';
    out += std::to_string(record.line) + ":[";
    for (size_t i = 0; i < record.fields.size(); ++i) {
      const CsvField& f = record.fields[i];
      if (i > 0) out += '|';
      if (f.quoted) out += '"';
      out += Escape(f.value);
      if (f.quoted) out += '"';
    }
    out += ']';
  }
  if (const auto& e = tokenizer.error()) {
    out += " error " + std::to_string(e->line) + "@" +
           std::to_string(e->offset) + ": " + e->message;
    // The tokenizer stays stopped.
    EXPECT_FALSE(tokenizer.Next(&record));
    EXPECT_TRUE(record.fields.empty());
  }
  return out;
}

struct Case {
  std::string input;
  std::string want;
};

TEST(CsvTokenizerTest, Table) {
  const Case cases[] = {
      // Plain records; LF and CRLF; no final newline.
      {"a,b,c\n1,2,3\n", "1:[a|b|c] 2:[1|2|3]"},
      {"a,b\r\n1,2\r\n", "1:[a|b] 2:[1|2]"},
      {"a,b\n1,2", "1:[a|b] 2:[1|2]"},
      {"a,b\r\n1,2", "1:[a|b] 2:[1|2]"},
      {"a", "1:[a]"},
      // Empty fields and trailing commas.
      {"a,,b\n", "1:[a||b]"},
      {"a,b,\n", "1:[a|b|]"},
      {"a,b,", "1:[a|b|]"},
      {",\n", "1:[|]"},
      {",,,", "1:[|||]"},
      // Spaces are data; a line of spaces is a record.
      {" a , b \n   \n", "1:[ a | b ] 2:[   ]"},
      // Quoting: commas, doubled quotes, empty quoted field.
      {"a,\"q,x\",b\n", "1:[a|\"q,x\"|b]"},
      {"\"he said \"\"hi\"\"\",x\n", "1:[\"he said \"hi\"\"|x]"},
      {"\"\"\"\"\n", "1:[\"\"\"]"},
      {"\"\",x,\"\"\n", "1:[\"\"|x|\"\"]"},
      {"\"\"", "1:[\"\"]"},
      {"\"a\"", "1:[\"a\"]"},
      {"\"a\",", "1:[\"a\"|]"},
      {"\"a\"\r\n\"b\"\r\n", "1:[\"a\"] 2:[\"b\"]"},
      // Line breaks inside quotes are data and count as lines.
      {"a,\"x\ny\",b\nc\n", "1:[a|\"x\\ny\"|b] 3:[c]"},
      {"a,\"x\r\ny\r\nz\",b\r\nc\r\n", "1:[a|\"x\\r\\ny\\r\\nz\"|b] 4:[c]"},
      {"\"\n\n\n\"\nnext", "1:[\"\\n\\n\\n\"] 5:[next]"},
      {"\"a\rb\"\nc", "1:[\"a\\rb\"] 3:[c]"},
      {"\"\"\"\n\"\"\"\nc", "1:[\"\"\\n\"\"] 3:[c]"},
      // A quote inside an unquoted field is a literal character.
      {"ab\"c,d\n", "1:[ab\"c|d]"},
      {"a\"\"b,\"\n",
       " error 1@5: unbalanced quotes: the quoted field that starts on line 1 "
       "is not closed"},
      {"x, \"a,b\"\n", "1:[x| \"a|b\"]"},
      {"ab\"\n", "1:[ab\"]"},
      // Blank lines are skipped, wherever they are.
      {"\n\na\n\nb\n\n\n", "3:[a] 5:[b]"},
      {"a\r\n\r\n\r\nb\r\n\r\n", "1:[a] 4:[b]"},
      {"\r\n\r\n", ""},
      {"\n", ""},
      {"", ""},
      // A bare CR is a line end, as SourceManager counts lines.
      {"a,b\rc,d\r", "1:[a|b] 2:[c|d]"},
      {"a\r\rb", "1:[a] 3:[b]"},
      {"a\n\rb", "1:[a] 3:[b]"},
      {"a\r", "1:[a]"},
      {"\"x\"\ry", "1:[\"x\"] 2:[y]"},
      // A byte-order mark is skipped (offsets stay file offsets).
      {"\xEF\xBB\xBF" "a,b\n1,2\n", "1:[a|b] 2:[1|2]"},
      {"\xEF\xBB\xBF", ""},
      {"\xEF\xBB\xBF\"a\"", "1:[\"a\"]"},
      {"\xEF\xBB", "1:[\xEF\xBB]"},
      // Only the first BOM is skipped.
      {"\xEF\xBB\xBF\xEF\xBB\xBF" "a", "1:[\xEF\xBB\xBF" "a]"},
      // Non-ASCII.
      {"member_id,name\nM001,赵磊\nM002,\"都匀市,独山县\"\n",
       "1:[member_id|name] 2:[M001|赵磊] 3:[M002|\"都匀市,独山县\"]"},
      // NUL bytes and other binary are data.
      {"a\0b,\0\n\0"s, "1:[a\\0b|\\0] 2:[\\0]"},
      {"\xFF\xFE,\x80\n", "1:[\xFF\xFE|\x80]"},
      // Malformed: characters after a closing quote.
      {"a,\"abc\"x,b\n",
       " error 1@7: expected `,` or a line end after the closing quote of a "
       "quoted field, found `x`"},
      {"h\n\"abc\" \n",
       "1:[h] error 2@7: expected `,` or a line end after the closing quote "
       "of a quoted field, found a space"},
      {"h\n\"a\nb\"\t,c\n",
       "1:[h] error 3@7: expected `,` or a line end after the closing quote "
       "of a quoted field, found a tab"},
      {"\"a\"赵\n",
       " error 1@3: expected `,` or a line end after the closing quote of a "
       "quoted field, found `赵`"},
      {"\"a\"\xFF\n",
       " error 1@3: expected `,` or a line end after the closing quote of a "
       "quoted field, found byte `\\xFF`"},
      {"\"a\"\"",
       " error 1@0: unbalanced quotes: the quoted field that starts on line 1 "
       "is not closed"},
      // Malformed: unbalanced quotes; the line is where the field starts.
      {"a,b\nc,\"de\nf\n",
       "1:[a|b] error 2@6: unbalanced quotes: the quoted field that starts "
       "on line 2 is not closed"},
      {"a,\"x\ny\",\"\n\n",
       " error 2@8: unbalanced quotes: the quoted field that starts on line 2 "
       "is not closed"},
      {"\"",
       " error 1@0: unbalanced quotes: the quoted field that starts on line 1 "
       "is not closed"},
      {"\xEF\xBB\xBF\"",
       " error 1@3: unbalanced quotes: the quoted field that starts on line 1 "
       "is not closed"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(Dump(c.input), c.want) << "input: " << Escape(c.input);
  }
}

TEST(CsvTokenizerTest, Spans) {
  const std::string text = "\xEF\xBB\xBFid,名称\n\"a\"\"b\",赵磊,\n";
  CsvTokenizer tokenizer(text);
  CsvRecord record;
  ASSERT_TRUE(tokenizer.Next(&record));
  EXPECT_EQ(record.line, 1u);
  ASSERT_EQ(record.fields.size(), 2u);
  EXPECT_EQ(record.fields[0].begin, 3u);
  EXPECT_EQ(record.fields[0].end, 5u);
  EXPECT_EQ(record.fields[1].begin, 6u);
  EXPECT_EQ(record.fields[1].end, 12u);  // two 3-byte characters
  ASSERT_TRUE(tokenizer.Next(&record));
  EXPECT_EQ(record.line, 2u);
  ASSERT_EQ(record.fields.size(), 3u);
  EXPECT_EQ(record.fields[0].value, "a\"b");
  EXPECT_TRUE(record.fields[0].quoted);
  EXPECT_EQ(record.fields[0].begin, 13u);  // the opening quote
  EXPECT_EQ(record.fields[0].end, 19u);    // past the closing quote
  EXPECT_EQ(record.fields[1].value, "赵磊");
  EXPECT_FALSE(record.fields[1].quoted);
  EXPECT_EQ(record.fields[1].begin, 20u);
  EXPECT_EQ(record.fields[1].end, 26u);
  EXPECT_EQ(record.fields[2].value, "");
  EXPECT_EQ(record.fields[2].begin, 27u);
  EXPECT_EQ(record.fields[2].end, 27u);
  EXPECT_FALSE(tokenizer.Next(&record));
  EXPECT_FALSE(tokenizer.error().has_value());
  EXPECT_FALSE(tokenizer.Next(&record));
}

TEST(CsvTokenizerTest, UnescapedValuesPointIntoText) {
  const std::string text = "abc,\"d,e\",\"f\"\"g\"\n";
  CsvTokenizer tokenizer(text);
  CsvRecord record;
  ASSERT_TRUE(tokenizer.Next(&record));
  ASSERT_EQ(record.fields.size(), 3u);
  EXPECT_EQ(record.fields[0].value.data(), text.data());
  EXPECT_EQ(record.fields[1].value.data(), text.data() + 5);
  EXPECT_EQ(record.fields[2].value, "f\"g");
  EXPECT_EQ(record.fields[2].value.data(), record.scratch.data());
}

TEST(CsvTokenizerTest, ManyUnescapedFieldsInOneRecord) {
  // Enough escaped fields that scratch reallocates while the record is read.
  std::string text;
  std::string want;
  for (int i = 0; i < 200; ++i) {
    if (i > 0) text += ',';
    const std::string value = std::string(static_cast<size_t>(i % 37), 'x') +
                              "\"" + std::to_string(i);
    text += "\"" + value.substr(0, value.find('"')) + "\"\"" +
            std::to_string(i) + "\"";
    if (i > 0) want += '|';
    want += "\"" + value + "\"";
  }
  EXPECT_EQ(Dump(text), "1:[" + want + "]");
}

TEST(CsvTokenizerTest, RecordIsReset) {
  const std::string text = "\"a\"\"\",b,c\nd\n";
  CsvTokenizer tokenizer(text);
  CsvRecord record;
  ASSERT_TRUE(tokenizer.Next(&record));
  EXPECT_EQ(record.fields.size(), 3u);
  EXPECT_FALSE(record.scratch.empty());
  ASSERT_TRUE(tokenizer.Next(&record));
  ASSERT_EQ(record.fields.size(), 1u);
  EXPECT_EQ(record.fields[0].value, "d");
  EXPECT_TRUE(record.scratch.empty());
  EXPECT_EQ(record.line, 2u);
}

// A byte-at-a-time tokenizer with the same rules, to compare against.
std::string ReferenceDump(std::string_view t) {
  std::string out;
  size_t pos = t.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
  uint32_t line = 1;
  const size_t n = t.size();
  const auto at_crlf = [&](size_t i) {
    return t[i] == '\r' && i + 1 < n && t[i + 1] == '\n';
  };
  for (;;) {
    while (pos < n && (t[pos] == '\n' || t[pos] == '\r')) {
      pos += at_crlf(pos) ? 2 : 1;
      ++line;
    }
    if (pos == n) return out;
    std::string rec = std::to_string(line) + ":[";
    bool first = true;
    for (;;) {
      if (!first) rec += '|';
      first = false;
      if (pos < n && t[pos] == '"') {
        const size_t begin = pos;
        const uint32_t open_line = line;
        std::string value;
        ++pos;
        for (;;) {
          if (pos == n) {
            return out + " error " + std::to_string(open_line) + "@" +
                   std::to_string(begin) +
                   ": unbalanced quotes: the quoted field that starts on "
                   "line " +
                   std::to_string(open_line) + " is not closed";
          }
          const char c = t[pos];
          if (c == '"') {
            if (pos + 1 < n && t[pos + 1] == '"') {
              value += '"';
              pos += 2;
              continue;
            }
            ++pos;
            break;
          }
          if (c == '\n' || (c == '\r' && !at_crlf(pos))) ++line;
          value += c;
          ++pos;
        }
        rec += "\"" + Escape(value) + "\"";
      } else {
        const size_t begin = pos;
        while (pos < n && t[pos] != ',' && t[pos] != '\n' && t[pos] != '\r') {
          ++pos;
        }
        rec += Escape(t.substr(begin, pos - begin));
      }
      if (pos == n) break;
      if (t[pos] == ',') {
        ++pos;
        continue;
      }
      if (t[pos] == '\n' || t[pos] == '\r') {
        pos += at_crlf(pos) ? 2 : 1;
        ++line;
        break;
      }
      // The message's last word depends on the byte; compare the rest.
      return out + " error " + std::to_string(line) + "@" +
             std::to_string(pos) + ": expected";
    }
    if (!out.empty()) out += ' ';
    out += rec + "]";
  }
}

std::string TrimExpected(std::string dump) {
  const size_t e = dump.find(": expected");
  if (e != std::string::npos) dump.resize(e + 10);
  return dump;
}

TEST(CsvTokenizerTest, RandomInputMatchesReference) {
  std::mt19937 rng(20240615);
  // Mostly the bytes that matter, some of anything.
  const std::string alphabet = "\"\"\",,\n\r\nab \xEF\xBB\xBF\0\xFF"s;
  for (int iter = 0; iter < 20000; ++iter) {
    const size_t len = rng() % (iter % 10 == 0 ? 400 : 40);
    std::string text;
    const bool binary = iter % 3 == 0;
    for (size_t i = 0; i < len; ++i) {
      text += binary ? static_cast<char>(rng() & 0xFF)
                     : alphabet[rng() % alphabet.size()];
    }
    if (iter % 7 == 0) text = "\xEF\xBB\xBF" + text;
    ASSERT_EQ(TrimExpected(Dump(text)), ReferenceDump(text))
        << "input: " << Escape(text);
  }
}

TEST(CsvTokenizerTest, TenMegabyteLine) {
  std::string text;
  text.reserve(10'000'002);
  for (int i = 0; i < 1'000'000; ++i) text += "abcdefghi,";
  text += "\n";
  CsvTokenizer tokenizer(text);
  CsvRecord record;
  ASSERT_TRUE(tokenizer.Next(&record));
  ASSERT_EQ(record.fields.size(), 1'000'001u);
  EXPECT_EQ(record.fields[999'999].value, "abcdefghi");
  EXPECT_EQ(record.fields[999'999].begin, 9'999'990u);
  EXPECT_EQ(record.fields.back().value, "");
  EXPECT_EQ(record.fields.back().begin, 10'000'000u);
  EXPECT_FALSE(tokenizer.Next(&record));
  EXPECT_FALSE(tokenizer.error());

  // One field of 10 MB, without a final newline.
  const std::string one(10'000'000, 'x');
  CsvTokenizer single(one);
  ASSERT_TRUE(single.Next(&record));
  ASSERT_EQ(record.fields.size(), 1u);
  EXPECT_EQ(record.fields[0].value.size(), one.size());
  EXPECT_FALSE(single.Next(&record));
  EXPECT_FALSE(single.error());
}

TEST(CsvTokenizerTest, TenMegabyteQuotedFieldWithLineBreaks) {
  std::string text = "\"";
  for (int i = 0; i < 1'000'000; ++i) text += "abc,\"\"de\n";
  text += "\"\nlast\n";
  CsvTokenizer tokenizer(text);
  CsvRecord record;
  ASSERT_TRUE(tokenizer.Next(&record));
  ASSERT_EQ(record.fields.size(), 1u);
  EXPECT_EQ(record.fields[0].value.size(), 8'000'000u);
  EXPECT_EQ(record.fields[0].value.substr(0, 8), "abc,\"de\n");
  ASSERT_TRUE(tokenizer.Next(&record));
  EXPECT_EQ(record.line, 1'000'002u);
  EXPECT_EQ(record.fields[0].value, "last");
}

TEST(CsvTokenizerTest, OneMegabyteOfQuotes) {
  // An even number: an opening quote, doubled quotes, a closing quote.
  const std::string even(1'000'000, '"');
  CsvTokenizer tokenizer(even);
  CsvRecord record;
  ASSERT_TRUE(tokenizer.Next(&record));
  ASSERT_EQ(record.fields.size(), 1u);
  EXPECT_EQ(record.fields[0].value, std::string(499'999, '"'));
  EXPECT_EQ(record.fields[0].end, 1'000'000u);
  EXPECT_FALSE(tokenizer.Next(&record));
  EXPECT_FALSE(tokenizer.error());

  // An odd number: the field is never closed.
  const std::string odd(1'000'001, '"');
  CsvTokenizer unbalanced(odd);
  EXPECT_FALSE(unbalanced.Next(&record));
  ASSERT_TRUE(unbalanced.error());
  EXPECT_EQ(unbalanced.error()->offset, 0u);
  EXPECT_EQ(unbalanced.error()->line, 1u);
  EXPECT_EQ(unbalanced.error()->message,
            "unbalanced quotes: the quoted field that starts on line 1 is not "
            "closed");
}

TEST(CsvTokenizerTest, ManyShortRecords) {
  std::string text;
  for (int i = 0; i < 100'000; ++i) {
    text += "M" + std::to_string(i) + ",赵磊,\"a,b\",2021-06-15\r\n";
  }
  CsvTokenizer tokenizer(text);
  CsvRecord record;
  uint32_t count = 0;
  while (tokenizer.Next(&record)) {
    ++count;
    ASSERT_EQ(record.line, count);
    ASSERT_EQ(record.fields.size(), 4u);
    ASSERT_EQ(record.fields[0].value, "M" + std::to_string(count - 1));
    ASSERT_EQ(record.fields[2].value, "a,b");
  }
  EXPECT_EQ(count, 100'000u);
  EXPECT_FALSE(tokenizer.error());
}

TEST(CsvTokenizerTest, RejectsTextsOf4GiB) {
  // Only the size is looked at: the tokenizer stops before reading.
  const char byte = 'a';
  const std::string_view huge(&byte, size_t{1} << 32);
  CsvTokenizer tokenizer(huge);
  CsvRecord record;
  EXPECT_FALSE(tokenizer.Next(&record));
  ASSERT_TRUE(tokenizer.error());
  EXPECT_EQ(tokenizer.error()->message, "the file is too large (4 GiB or more)");
}

}  // namespace
}  // namespace zhucun::internal
