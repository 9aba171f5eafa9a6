/** @file
 *  @brief See exporter.h.
 */
#include "export/exporter.h"
