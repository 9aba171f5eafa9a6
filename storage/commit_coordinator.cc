// commit_coordinator: implementation in progress.
#include "storage/commit_coordinator.h"
