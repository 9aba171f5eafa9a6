# docket_target_defaults(): warnings and sanitizers for our own targets only; imported
# targets' headers stay SYSTEM so their warnings never fail our build.
function(docket_target_defaults target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-align
    -Woverloaded-virtual -Wno-sign-conversion
    -Wno-missing-field-initializers  # designated initializers omit fields on purpose
    # GCC 12 at -O2/-O3 reports false -Wrestrict overlaps inside std::string operator+
    # (GCC bugs 105329, 105651); the warning is noise there, so it is off for GCC only.
    $<$<CXX_COMPILER_ID:GNU>:-Wno-restrict>
    $<$<BOOL:${DOCKET_WERROR}>:-Werror>)
  if(DOCKET_BUILD_FUZZERS)
    # Coverage instrumentation for libFuzzer in every library the targets link.
    target_compile_options(${target} PRIVATE -fsanitize=fuzzer-no-link)
  endif()
  if(DOCKET_SANITIZE)
    target_compile_options(${target} PRIVATE -fsanitize=${DOCKET_SANITIZE} -fno-omit-frame-pointer)
    target_link_options(${target} PRIVATE -fsanitize=${DOCKET_SANITIZE})
  endif()
endfunction()

# docket_add_library(name SOURCES...): one static library per module, included from the
# project root so includes read "storage/doc_store.h".
function(docket_add_library name)
  add_library(docket_${name} STATIC ${ARGN})
  add_library(docket::${name} ALIAS docket_${name})
  target_include_directories(docket_${name} PUBLIC ${PROJECT_SOURCE_DIR})
  docket_target_defaults(docket_${name})
endfunction()
