/** @file
 *  @brief The engine floor for bench/peers: Xapian alone, indexing pre-extracted text.
 *
 *    xapian_floor DBDIR TEXTDIR
 *
 *  Reads every regular file of TEXTDIR in name order (one UTF-8 text file per message, written by
 *  bench/peers/prepare.py), indexes each as one document with Xapian::TermGenerator (positions
 *  on, no stemmer, so one term per word) into a new glass database at DBDIR, and commits every
 *  2000 documents and at the end. No MIME, no archives, no document store: what is left is the
 *  cost of tokenising and of Xapian's inverted index, which no indexer built on Xapian can beat.
 *
 *  Prints one line: "floor docs=N bytes=B seconds=S docs_per_s=R". Exit codes: 0 success,
 *  1 failure (message on stderr), 2 usage error.
 */
#include <xapian.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

constexpr int kCommitEvery = 2000;

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw std::runtime_error("cannot read " + path.string());
  }
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

int Run(const std::string& db_dir, const std::string& text_dir) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(text_dir)) {
    if (entry.is_regular_file()) {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());

  const auto start = std::chrono::steady_clock::now();
  Xapian::WritableDatabase db(db_dir, Xapian::DB_CREATE_OR_OVERWRITE);
  Xapian::TermGenerator generator;  // no stemmer: Stem() is "none"
  unsigned long long bytes = 0;
  int pending = 0;
  for (const auto& file : files) {
    const std::string text = ReadFile(file);
    bytes += text.size();
    Xapian::Document doc;
    generator.set_document(doc);
    generator.index_text(text);  // with positions
    db.add_document(doc);
    if (++pending == kCommitEvery) {
      db.commit();
      pending = 0;
    }
  }
  db.commit();
  db.close();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("floor docs=%zu bytes=%llu seconds=%.3f docs_per_s=%.0f\n", files.size(), bytes,
              seconds, seconds > 0 ? static_cast<double>(files.size()) / seconds : 0.0);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: xapian_floor DBDIR TEXTDIR\n");
    return 2;
  }
  try {
    return Run(argv[1], argv[2]);
  } catch (const Xapian::Error& e) {
    std::fprintf(stderr, "xapian_floor: %s\n", e.get_description().c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "xapian_floor: %s\n", e.what());
  }
  return 1;
}
