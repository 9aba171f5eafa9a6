#include "export/load_file.h"
