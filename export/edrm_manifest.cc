/** @file
 *  @brief See edrm_manifest.h.
 */
#include "export/edrm_manifest.h"
