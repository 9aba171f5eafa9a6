/** @file
 *  @brief See csv_writer.h.
 */
#include "export/csv_writer.h"
