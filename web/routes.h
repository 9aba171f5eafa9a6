/** @file
 *  @brief RegisterRoutes(): the one list of every HTTP endpoint Docket serves.
 */
#pragma once

#include "common/time_util.h"
#include "web/router.h"
#include "web/sharepoint_api.h"

namespace docket {
class ExportJobs;
}  // namespace docket

namespace docket::web {

/// What the handlers need from the rest of Docket, passed in explicitly (no singletons).
struct RouteDependencies {
  SearchFunction search;
  SuggestFunction suggest;  // empty: suggestions are always empty lists
  // Background legal exports (/api/exports); null: those routes answer 503.
  ExportJobs* exports = nullptr;
  // "Now" for the relative dates of export queries, as for searches; 0: the system clock.
  UtcMillis now = 0;
};

void RegisterRoutes(Router& router, const RouteDependencies& deps);

}  // namespace docket::web
