// Tests for common/status.h and common/result.h.
#include "common/status.h"

#include "common/result.h"
#include "tests/support/test_env.h"

namespace docket {
namespace {

Result<int> Half(int x) {
  if (x % 2 != 0) {
    return Status::InvalidArgument(std::to_string(x) + " is odd");
  }
  return x / 2;
}

Status UseHalf(int x, int* out) {
  DOCKET_ASSIGN_OR_RETURN(*out, Half(x));
  return Status::OK();
}

TEST(StatusTest, FormatsCodeAndMessage) {
  EXPECT_EQ(Status::OK().ToString(), "OK");
  EXPECT_EQ(Status::NotFound("item 7").ToString(), "NotFound: item 7");
  EXPECT_EQ(Status::Corruption("bad zip").WithContext("reading a.zip").ToString(),
            "Corruption: reading a.zip: bad zip");
}

TEST(ResultTest, CarriesValueOrError) {
  int out = 0;
  ASSERT_OK(UseHalf(8, &out));
  EXPECT_EQ(out, 4);
  Status s = UseHalf(3, &out);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "3 is odd");
}

}  // namespace
}  // namespace docket
