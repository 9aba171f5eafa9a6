# Every third-party dependency is found here and nowhere else.
find_package(Threads REQUIRED)
find_package(xapian 1.4.22 CONFIG REQUIRED)  # variables only; wrapped in a target below
if(NOT TARGET Xapian::xapian)
  add_library(Xapian::xapian INTERFACE IMPORTED)
  target_include_directories(Xapian::xapian SYSTEM INTERFACE "${XAPIAN_INCLUDE_DIR}")
  target_link_libraries(Xapian::xapian INTERFACE "${XAPIAN_LIBRARIES}")
endif()
find_package(RocksDB 7.8 CONFIG REQUIRED)  # link RocksDB::rocksdb-shared
find_package(ICU 72 REQUIRED COMPONENTS uc i18n data)
find_package(LibArchive 3.6 REQUIRED)
find_package(LibXml2 2.9 REQUIRED)  # HTML parser for transcripts and mail bodies
find_package(Boost 1.74 CONFIG REQUIRED)  # headers only: Beast + Asio
find_package(nlohmann_json 3.11 CONFIG REQUIRED)
# Decodes stored items' headers: a search page and an export plan decode one per item, and
# nlohmann's lexer was most of that (see storage/doc_store.cc).
find_package(simdjson 3 CONFIG REQUIRED)  # Debian: libsimdjson-dev
find_package(OpenSSL 3 REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(GMIME REQUIRED IMPORTED_TARGET gmime-3.0)
pkg_check_modules(LIBPFF REQUIRED IMPORTED_TARGET libpff)         # PST / OST mailboxes
pkg_check_modules(LIBYTNEF REQUIRED IMPORTED_TARGET libytnef)     # TNEF winmail.dat
pkg_check_modules(POPPLER_CPP REQUIRED IMPORTED_TARGET poppler-cpp)  # PDF text
pkg_check_modules(OPENCC REQUIRED IMPORTED_TARGET opencc)        # Traditional -> Simplified
pkg_get_variable(OPENCC_PREFIX opencc prefix)
set(DOCKET_OPENCC_DATA_DIR "${OPENCC_PREFIX}/share/opencc")
# CLD2 (language detection) ships no pkg-config file or CMake package in Debian.
find_path(CLD2_INCLUDE_DIR cld2/public/compact_lang_det.h REQUIRED)
find_library(CLD2_LIBRARY NAMES cld2 REQUIRED)
add_library(docket_cld2 INTERFACE)
target_include_directories(docket_cld2 SYSTEM INTERFACE ${CLD2_INCLUDE_DIR})
target_link_libraries(docket_cld2 INTERFACE ${CLD2_LIBRARY})
if(DOCKET_BUILD_TESTS)
  find_package(GTest 1.12 CONFIG REQUIRED)
  include(GoogleTest)
endif()
