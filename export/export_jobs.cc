/** @file
 *  @brief See export_jobs.h.
 */
#include "export/export_jobs.h"
