// doc_store: implementation in progress.
#include "storage/doc_store.h"
