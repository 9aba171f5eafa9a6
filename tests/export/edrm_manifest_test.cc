#include "export/edrm_manifest.h"
