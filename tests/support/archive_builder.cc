/** @file
 *  @brief Archives written at run time with libarchive's writer (no binary fixtures committed).
 */
#include "tests/support/archive_builder.h"

#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>

namespace docket::testing {

namespace {
la_ssize_t AppendToString(archive* /*a*/, void* client, const void* buffer, size_t length) {
  static_cast<std::string*>(client)->append(static_cast<const char*>(buffer), length);
  return static_cast<la_ssize_t>(length);
}

}  // namespace

std::string BuildArchive(ArchiveFormat format, const std::vector<ArchiveMember>& members) {
  archive* a = archive_write_new();
  switch (format) {
    case ArchiveFormat::kZip:
      archive_write_set_format_zip(a);
      break;
    case ArchiveFormat::kZipEncrypted:
      archive_write_set_format_zip(a);
      EXPECT_EQ(ARCHIVE_OK, archive_write_set_options(a, "zip:encryption=zipcrypt"))
          << archive_error_string(a);
      EXPECT_EQ(ARCHIVE_OK, archive_write_set_passphrase(a, "secret")) << archive_error_string(a);
      break;
    case ArchiveFormat::kTar:
      archive_write_set_format_pax_restricted(a);
      break;
    case ArchiveFormat::kTarGz:
      archive_write_set_format_pax_restricted(a);
      archive_write_add_filter_gzip(a);
      break;
    case ArchiveFormat::k7z:
      archive_write_set_format_7zip(a);
      break;
    case ArchiveFormat::kGzipRaw:
      archive_write_set_format_raw(a);
      archive_write_add_filter_gzip(a);
      break;
  }
  archive_write_set_bytes_in_last_block(a, 1);
  std::string out;
  EXPECT_EQ(ARCHIVE_OK, archive_write_open(a, &out, nullptr, AppendToString, nullptr))
      << archive_error_string(a);
  for (const ArchiveMember& m : members) {
    archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, m.path.c_str());
    archive_entry_set_mtime(e, 1370250902, 0);  // 2013-06-03T09:15:02Z
    if (m.directory) {
      archive_entry_set_filetype(e, AE_IFDIR);
      archive_entry_set_perm(e, 0755);
      archive_entry_set_size(e, 0);
    } else {
      archive_entry_set_filetype(e, AE_IFREG);
      archive_entry_set_perm(e, 0644);
      archive_entry_set_size(e, static_cast<la_int64_t>(m.bytes.size()));
    }
    EXPECT_GE(archive_write_header(a, e), ARCHIVE_WARN) << archive_error_string(a);
    if (!m.directory && !m.bytes.empty()) {
      EXPECT_EQ(static_cast<la_ssize_t>(m.bytes.size()),
                archive_write_data(a, m.bytes.data(), m.bytes.size()))
          << archive_error_string(a);
    }
    archive_entry_free(e);
  }
  EXPECT_EQ(ARCHIVE_OK, archive_write_close(a)) << archive_error_string(a);
  archive_write_free(a);
  return out;
}

}  // namespace docket::testing
