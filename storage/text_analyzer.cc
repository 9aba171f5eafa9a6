// text_analyzer: implementation in progress.
#include "storage/text_analyzer.h"
