/** @file
 *  @brief See export_plan.h.
 */
#include "export/export_plan.h"
