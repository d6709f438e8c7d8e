// Result<T>: value() on a failed result fails loudly (issue 11, item 6).
#include "zhucun/result.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>

namespace zhucun {
namespace {

Result<int> Failed() {
  Diagnostics d;
  d.Add(Diagnostic(Severity::kWarning, "w.first", "a warning first"));
  d.Error("csv.bad_date", "`2024-02-30` is not a date", SourceSpan{});
  d.Error("csv.bad_int", "second error", SourceSpan{});
  return Result<int>(std::move(d));
}

TEST(ResultTest, ValueOfAFailedResultThrowsWithItsFirstError) {
  Result<int> r = Failed();
  ASSERT_FALSE(r.ok());
  try {
    (void)r.value();
    FAIL() << "value() of a failed result returned";
  } catch (const BadResultAccess& e) {
    EXPECT_EQ(std::string(e.what()),
              "zhucun::Result::value() called on a failed result: "
              "[csv.bad_date] `2024-02-30` is not a date (and 2 more diagnostics)");
  }
}

TEST(ResultTest, EveryAccessorThrows) {
  Result<std::string> r(Diagnostics{});
  const Result<std::string>& cr = r;
  EXPECT_THROW((void)cr.value(), BadResultAccess);
  EXPECT_THROW((void)r.value(), BadResultAccess);
  EXPECT_THROW((void)std::move(r).value(), BadResultAccess);
  try {
    (void)cr.value();
  } catch (const std::logic_error& e) {
    EXPECT_EQ(std::string(e.what()),
              "zhucun::Result::value() called on a failed result "
              "(with no error diagnostic)");
  }
}

TEST(ResultTest, ValueOfASuccessfulResult) {
  Result<std::string> r(std::string("ok"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value(), "ok");
  EXPECT_EQ(std::move(r).value(), "ok");
}

}  // namespace
}  // namespace zhucun
