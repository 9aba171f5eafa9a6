/** @file
 *  @brief manifest.xml: EDRM XML 1.2 in the Tags style (ediscovery.md §4.1), written as the
 *  documents are produced, so a large export never holds its manifest in memory.
 */
#pragma once

#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "export/export_record.h"

namespace docket {

struct EdrmManifestHeader {
  std::string description;  // Root/@Description: "Docket export: <case>"
  std::string locale = "en-US";
};

/// A Relationship element: Type="Attachment", ParentDocID, ChildDocID.
struct EdrmRelationship {
  std::string parent_doc_id;
  std::string child_doc_id;
};

/// Renders Document elements exactly as EdrmManifestWriter::AddDocument writes them, so the
/// exporter can render on its read-ahead threads and the writing thread only appends bytes.
/// One renderer per thread.
class EdrmDocumentRenderer {
 public:
  EdrmDocumentRenderer();
  ~EdrmDocumentRenderer();
  EdrmDocumentRenderer(const EdrmDocumentRenderer&) = delete;
  EdrmDocumentRenderer& operator=(const EdrmDocumentRenderer&) = delete;

  std::string Render(const ExportRecord& record);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

class EdrmManifestWriter {
 public:
  /// Writes the XML declaration, Root, Batch and Documents start tags.
  EdrmManifestWriter(std::ostream& out, const EdrmManifestHeader& header);
  ~EdrmManifestWriter();
  EdrmManifestWriter(const EdrmManifestWriter&) = delete;
  EdrmManifestWriter& operator=(const EdrmManifestWriter&) = delete;

  /// One Document: Files (Native and Text ExternalFile with FilePath = folder, FileName, FileSize,
  /// Hash = MD5, HashType="MD5"; SHA-1 and SHA-256 as #SHA1 / #SHA256 tags), Locations
  /// (Custodian, LocationURI = source path) and Tags (#From, #To, #CC, #BCC, #Subject,
  /// #DateSent, #DateReceived, #MessageClass, #FileName, #FileExtension, #FileSize, #Author,
  /// #HasAttachments, #AttachmentCount, #AttachmentNames, #ImportanceFlag, #MessageID,
  /// #SessionId, #ConversationKind, #Participants, #SessionStart, #SessionEnd, #MessageCount,
  /// #Custodian, #AllCustodians, #SourcePath, #Language, #IndexState, #IndexReason, #SHA1,
  /// #SHA256; a tag with an empty value is left out). Text is escaped for XML, and characters
  /// XML 1.0 forbids (control characters) are replaced by U+FFFD.
  void AddDocument(const ExportRecord& record);
  /// The same Document, rendered by an EdrmDocumentRenderer (on any thread).
  void AddRenderedDocument(std::string_view rendered);
  /// Closes Documents, writes Relationships, closes Batch and Root.
  void Finish(const std::vector<EdrmRelationship>& relationships);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace docket
