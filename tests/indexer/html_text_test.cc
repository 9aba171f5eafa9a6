/** @file
 *  @brief HtmlToText: line breaks, entities, dropped elements, whitespace.
 */
#include "indexer/html_text.h"

#include <gtest/gtest.h>

namespace docket {
namespace {

TEST(HtmlTextTest, BreaksBlocksAndEntities) {
  EXPECT_EQ("Hallo Bob & Team,\nzweite Zeile\nAbsatz <zwei>",
            HtmlToText("<html><body><div>Hallo   Bob &amp; Team,<br>zweite\n Zeile</div>"
                       "<p>Absatz &lt;zwei&gt;</p></body></html>"));
}

TEST(HtmlTextTest, DropsScriptStyleAndHead) {
  EXPECT_EQ("visible",
            HtmlToText("<html><head><title>t</title><style>p{color:red}</style></head><body>"
                       "<script>alert(1)</script>visible<!-- comment --></body></html>"));
}

TEST(HtmlTextTest, FragmentsAndBrokenMarkupRecover) {
  EXPECT_EQ("会议改到周五? ja", HtmlToText("会议改到周五? <b>ja"));
  EXPECT_EQ("a\nb", HtmlToText("<p>a<p>b"));
  EXPECT_EQ("", HtmlToText(""));
  EXPECT_EQ("x y", HtmlToText("<table><tr><td>x</td><td>y</td></tr></table>"));
  EXPECT_EQ("a b", HtmlToText("a&nbsp;&nbsp;b"));
}

TEST(HtmlTextTest, MetaCharsetDoesNotReinterpretUtf8) {
  EXPECT_EQ(
      "Grüße",
      HtmlToText("<html><head><meta charset=\"iso-8859-1\"></head><body>Grüße</body></html>"));
}

TEST(HtmlTextTest, DeepNestingDoesNotOverflow) {
  std::string html;
  for (int i = 0; i < 100; ++i) {
    html += "<div><span>";
  }
  EXPECT_EQ("deep", HtmlToText(html + "deep"));
  // Past libxml2's depth limit (256) the parser stops; what matters is that nothing crashes.
  for (int i = 0; i < 20000; ++i) {
    html += "<div>";
  }
  (void)HtmlToText(html + "deeper");
}

}  // namespace
}  // namespace docket
