#include "facts/encoding.h"

#include "zhucun/csv.h"

#include <gtest/gtest.h>
#include <iconv.h>

#include <random>
#include <string>
#include <string_view>

#include "source/utf8.h"

namespace zhucun::internal {
namespace {

using namespace std::string_literals;

constexpr size_t npos = std::string_view::npos;

// `text` converted from UTF-8 to `encoding` with iconv, "" on failure.
std::string FromUtf8(const std::string& text, const char* encoding) {
  const iconv_t cd = iconv_open(encoding, "UTF-8");
  if (cd == reinterpret_cast<iconv_t>(-1)) return "";
  std::string out(text.size() * 4 + 16, '\0');
  char* in = const_cast<char*>(text.data());
  size_t in_left = text.size();
  char* out_ptr = out.data();
  size_t out_left = out.size();
  const size_t r = iconv(cd, &in, &in_left, &out_ptr, &out_left);
  iconv_close(cd);
  if (r == static_cast<size_t>(-1)) return "";
  out.resize(out.size() - out_left);
  return out;
}

struct Utf8Case {
  std::string input;
  size_t want;
};

TEST(EncodingTest, FindInvalidUtf8) {
  const Utf8Case cases[] = {
      {"", npos},
      {"abc", npos},
      {"member_id,name\nM001,赵磊\n", npos},
      {"都匀市,独山县,荔波县,三都水族自治县", npos},
      {"\0\x7F"s, npos},
      {"\xC2\x80\xDF\xBF", npos},              // U+0080, U+07FF
      {"\xE0\xA0\x80\xEF\xBF\xBF", npos},      // U+0800, U+FFFF
      {"\xED\x9F\xBF\xEE\x80\x80", npos},      // U+D7FF, U+E000
      {"\xF0\x90\x80\x80\xF4\x8F\xBF\xBF", npos},  // U+10000, U+10FFFF
      {"😀 ok", npos},
      // Overlong forms.
      {"\xC0\xAF", 0},
      {"ab\xC1\x81", 2},
      {"\xE0\x80\xAF", 0},
      {"\xE0\x9F\xBF", 0},
      {"\xF0\x80\x80\xAF", 0},
      {"\xF0\x8F\xBF\xBF", 0},
      // Surrogates.
      {"a\xED\xA0\x80", 1},
      {"\xED\xBF\xBF", 0},
      // Above U+10FFFF, and bytes that never occur.
      {"\xF4\x90\x80\x80", 0},
      {"\xF5\x80\x80\x80", 0},
      {"x\xFF", 1},
      {"x\xFE", 1},
      // Truncated sequences, at the end and before ASCII.
      {"ab\xE9\x83", 2},
      {"ab\xF0\x9F\x98", 2},
      {"ab\xC3", 2},
      {"赵\xE7\xA3", 3},
      {"\xE9\x83,", 0},
      {"\xF0\x9F\x98,abc", 0},
      // Stray continuation bytes.
      {"a\x80" "b", 1},
      {"都\x80", 3},
      {"\xBF", 0},
      // "都匀市" in GBK/gb18030 is B6 BC D4 C8 CA D0 (iconv -t gb18030);
      // B6 is a continuation byte in UTF-8.
      {"county_id,name\nC01,\xB6\xBC\xD4\xC8\xCA\xD0\n", 19},
      // After the 16-byte fast path.
      {"county_id,name,x\nC01,都匀市\nC02,\xB6\xBC\n", 35},
  };
  for (const Utf8Case& c : cases) {
    EXPECT_EQ(FindInvalidUtf8(c.input), c.want) << "input: " << c.input;
  }
}

TEST(EncodingTest, FindInvalidUtf8AtEveryPosition) {
  // A bad byte at each position of a long text, across block boundaries.
  const std::string good = "abcdefghijklmnopqrstuvwxyz0123456789,赵磊,都匀市";
  for (size_t pos = 0; pos <= good.size(); ++pos) {
    // Only at character boundaries of `good`.
    if (pos < good.size() && (static_cast<unsigned char>(good[pos]) & 0xC0) ==
                                 0x80) {
      continue;
    }
    for (const char* bad : {"\xFF", "\x80", "\xE9\x83", "\xC0\x80"}) {
      std::string text = good;
      text.insert(pos, bad);
      EXPECT_EQ(FindInvalidUtf8(text), pos) << "at " << pos << ": " << text;
    }
  }
}

TEST(EncodingTest, FindInvalidUtf8AgreesWithDecodeUtf8) {
  std::mt19937 rng(42);
  const std::string pieces[] = {"a",        "Z,",       "\n",       "赵",
                                "😀",       "\xC3\xA9", "\x80",     "\xBF",
                                "\xC0",     "\xE0",     "\xED",     "\xF0",
                                "\xF4",     "\x90",     "\xA0",     "\xFF",
                                "abcdefgh", "\xE9\x83", "\xED\xA0", "\xF0\x9F"};
  for (int iter = 0; iter < 20000; ++iter) {
    std::string text;
    const size_t n = rng() % 40;
    for (size_t i = 0; i < n; ++i) {
      text += iter % 2 == 0 ? pieces[rng() % std::size(pieces)]
                            : std::string(1, static_cast<char>(rng() & 0xFF));
    }
    const size_t got = FindInvalidUtf8(text);
    if (got == npos) {
      EXPECT_TRUE(IsValidUtf8(text));
    } else {
      ASSERT_LT(got, text.size());
      EXPECT_TRUE(IsValidUtf8(std::string_view(text).substr(0, got)));
      char32_t cp;
      EXPECT_EQ(DecodeUtf8(text, got, &cp), 0u);
    }
  }
}

TEST(EncodingTest, Utf8NamesAreANoOp) {
  for (const char* name : {"utf-8", "UTF-8", "Utf-8", "utf8", "UTF8"}) {
    EXPECT_TRUE(::zhucun::IsUtf8Encoding(name)) << name;
    std::string bytes = "\xB6\xBC not utf-8";
    std::string error;
    EXPECT_TRUE(ConvertToUtf8(&bytes, name, &error)) << name;
    EXPECT_EQ(bytes, "\xB6\xBC not utf-8");
    EXPECT_EQ(error, "");
  }
}

TEST(EncodingTest, OtherNamesAreNotUtf8) {
  for (const char* name : {"gb18030", "utf-16", "utf_8", "utf-8 ", ""}) {
    EXPECT_FALSE(::zhucun::IsUtf8Encoding(name)) << name;
  }
}

TEST(EncodingTest, ConvertsGb18030) {
  // iconv -f utf-8 -t gb18030: 都匀市 B6BC D4C8 CAD0, 😀 9439FC36.
  std::string bytes =
      "county_id,name\nC01,\xB6\xBC\xD4\xC8\xCA\xD0\nC02,\x94\x39\xFC\x36\n";
  std::string error;
  ASSERT_TRUE(ConvertToUtf8(&bytes, "gb18030", &error)) << error;
  EXPECT_EQ(bytes, "county_id,name\nC01,都匀市\nC02,😀\n");
  EXPECT_EQ(FindInvalidUtf8(bytes), npos);

  std::string gbk = "\xB6\xBC\xD4\xC8\xCA\xD0";
  ASSERT_TRUE(ConvertToUtf8(&gbk, "GBK", &error)) << error;
  EXPECT_EQ(gbk, "都匀市");
}

TEST(EncodingTest, RoundTripsLargeText) {
  // Every ideograph of the CJK block, plus four-byte gb18030 characters,
  // many times over: UTF-8 -> gb18030 (iconv here) -> UTF-8 (ours).
  std::string utf8;
  for (int round = 0; round < 20; ++round) {
    for (char32_t cp = 0x4E00; cp <= 0x9FA5; ++cp) {
      AppendUtf8(cp, &utf8);
      if (cp % 16 == 0) utf8 += ",\r\n";
    }
    utf8 += "😀𠀀ā€";
  }
  std::string bytes = FromUtf8(utf8, "GB18030");
  ASSERT_FALSE(bytes.empty());
  EXPECT_NE(FindInvalidUtf8(bytes), npos);
  std::string error;
  ASSERT_TRUE(ConvertToUtf8(&bytes, "gb18030", &error)) << error;
  EXPECT_TRUE(bytes == utf8);

  std::string utf16 = FromUtf8(utf8, "UTF-16");  // with a byte-order mark
  ASSERT_TRUE(ConvertToUtf8(&utf16, "utf-16", &error)) << error;
  EXPECT_TRUE(utf16 == utf8);
}

TEST(EncodingTest, GrowsTheOutput) {
  // Latin-1 é is one byte, two in UTF-8: more than the first guess.
  std::string bytes(1'000'000, '\xE9');
  std::string error;
  ASSERT_TRUE(ConvertToUtf8(&bytes, "ISO-8859-1", &error)) << error;
  ASSERT_EQ(bytes.size(), 2'000'000u);
  EXPECT_EQ(bytes.substr(0, 4), "éé");
  EXPECT_EQ(FindInvalidUtf8(bytes), npos);
}

TEST(EncodingTest, EmptyInput) {
  std::string bytes;
  std::string error;
  EXPECT_TRUE(ConvertToUtf8(&bytes, "gb18030", &error)) << error;
  EXPECT_EQ(bytes, "");
}

TEST(EncodingTest, UnknownEncoding) {
  for (const char* name : {"xyz", "", "gb18030//IGNORE", "utf-8//TRANSLIT"}) {
    std::string bytes = "abc";
    std::string error;
    EXPECT_FALSE(ConvertToUtf8(&bytes, name, &error)) << name;
    EXPECT_EQ(error, "unknown encoding `" + std::string(name) + "`");
    EXPECT_EQ(bytes, "abc");
  }
}

TEST(EncodingTest, InvalidGb18030) {
  std::string error;
  // 0xFF never starts a gb18030 character.
  std::string bad = "ab\xB6\xBC\xFF,c";
  EXPECT_FALSE(ConvertToUtf8(&bad, "gb18030", &error));
  EXPECT_EQ(error, "the file is not valid gb18030 at byte offset 4");
  EXPECT_EQ(bad, "ab\xB6\xBC\xFF,c");

  // 0x81 0x20: a lead byte followed by a byte that cannot follow it.
  std::string bad_pair = "abc\x81\x20";
  EXPECT_FALSE(ConvertToUtf8(&bad_pair, "gb18030", &error));
  EXPECT_EQ(error, "the file is not valid gb18030 at byte offset 3");

  // A lead byte at the very end.
  std::string truncated = "ab\xB6\xBC\xB6";
  EXPECT_FALSE(ConvertToUtf8(&truncated, "gb18030", &error));
  EXPECT_EQ(error,
            "the file is not valid gb18030: it ends inside a character at "
            "byte offset 4");
}

}  // namespace
}  // namespace zhucun::internal
