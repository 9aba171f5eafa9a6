/** @file
 *  @brief Byte-exact Export-CsArchivingData fixtures shared by the indexer tests.
 */
#pragma once

#include <string>

namespace docket::testing {

// The byte-exact fixture of ediscovery.md §1.3 / §1.4 (CRLF, folded headers with TABs).
inline std::string SampleSession() {
  return "Date: Mon, 03 Jun 2013 09:15:02 GMT\r\n"
         "MIME-Version: 1.0\r\n"
         "Content-Type: multipart/mixed;\r\n"
         "\tboundary=\"MIME_Boundary\"\r\n"
         "From: alice@contoso.com\r\n"
         "To: bob@contoso.com\r\n"
         "Session-Id: 3c1d9a64-0f0e-4b3a-9d2e-1f2a3b4c5d6e;1a2b;3c4d\r\n"
         "Subject: Conversation between alice@contoso.com and bob@contoso.com\r\n"
         "\r\n"
         "--MIME_Boundary\r\n"
         "Content-Transfer-Encoding: base64\r\n"
         "Content-Type: text/html;\r\n"
         "\tcharset=\"utf-8\"\r\n"
         "\r\n"
         "PGh0bWw+PGJvZHk+PHA+IDxiPlRyYW5zY3JpcHQgZm9yIGluc3RhbnQgbWVzc2FnaW5nIChJTSkg\r\n"
         "c2Vzc2lvbjo8L2I+IDxiPkNvbnZlcnNhdGlvbiBiZXR3ZWVuIGFsaWNlQGNvbnRvc28uY29tIGFu\r\n"
         "ZCBib2JAY29udG9zby5jb208L2I+PGJyPjxicj4gPGI+YWxpY2VAY29udG9zby5jb20gWzIwMTMt\r\n"
         "MDYtMDMgMDk6MTU6MDJaXTo8L2I+PGJyPjxESVYgc3R5bGU9J21hcmdpbi1sZWZ0OjYuMHB0Jz5I\r\n"
         "YWxsbyBCb2IgJmFtcDsgVGVhbSwg5Lya6K6u5pS55Yiw5ZGo5LqUPzwvRElWPiA8Yj5ib2JAY29u\r\n"
         "dG9zby5jb20gWzIwMTMtMDYtMDMgMDk6MTU6NDBaXTo8L2I+PGJyPjxESVYgc3R5bGU9J21hcmdp\r\n"
         "bi1sZWZ0OjYuMHB0Jz5KYSwgRnJlaXRhZyAxMDowMCBwYXNzdC48L0RJVj48L3A+PC9ib2R5Pjwv\r\n"
         "aHRtbD4=\r\n"
         "--MIME_Boundary--\r\n";
}

}  // namespace docket::testing
