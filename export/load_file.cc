/** @file
 *  @brief See load_file.h.
 */
#include "export/load_file.h"
