// search_index: implementation in progress.
#include "storage/search_index.h"
