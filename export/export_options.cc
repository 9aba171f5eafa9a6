/** @file
 *  @brief See export_options.h.
 */
#include "export/export_options.h"
