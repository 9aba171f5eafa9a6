/** @file
 *  @brief The `docket` binary: git-style subcommands (ingest, search, serve).
 */
#include <cstdio>

int main() {
  std::fprintf(stderr, "usage: docket <ingest|search|serve> ...\n");
  return 2;
}
