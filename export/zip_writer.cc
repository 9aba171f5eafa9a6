/** @file
 *  @brief See zip_writer.h.
 */
#include "export/zip_writer.h"
