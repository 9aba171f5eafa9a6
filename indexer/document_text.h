/** @file
 *  @brief DocumentText: what a document extractor (OOXML, PDF, RTF, TNEF, ...) hands the ingest
 *         pipeline: the text to index, a little metadata, and the files embedded inside.
 *
 *  One plain struct so every extractor feeds the one item model the same way: `text` becomes the
 *  item's searchable text, `warnings` make it partially indexed, and each EmbeddedFile becomes a
 *  child item (its own native, dispatched again by type, so an archive inside a deck is opened).
 *  An extractor returns an error Result only when nothing at all could be read; the pipeline
 *  then stores the item as unindexed with that message as the reason.
 */
#pragma once

#include <string>
#include <vector>

#include "common/time_util.h"

namespace docket {

/// A file carried inside a document or message: an OLE/OOXML embedding, a TNEF attachment, a
/// PDF file attachment. `name` is the last ipath component the child gets (e.g. "deck.pptx" or
/// "embeddings/oleObject1.bin"); it must not be empty.
struct EmbeddedFile {
  std::string name;
  std::string media_type;  // lower-case "type/subtype" when known, else empty
  std::string bytes;
};

struct DocumentText {
  std::string text;       // UTF-8; paragraphs, slides, sheets and rows separated by '\n'
  std::string title;      // document metadata title (docProps/core.xml, PDF Info), may be empty
  std::string author;     // document metadata creator / author, may be empty
  UtcMillis created = 0;  // document metadata creation time, 0 when unknown
  // Parts that could not be read ("slide 3: malformed XML", "page 7: no text layer"); each
  // makes the item partially indexed. Empty when everything was read.
  std::vector<std::string> warnings;
  std::vector<EmbeddedFile> embedded;
};

}  // namespace docket
