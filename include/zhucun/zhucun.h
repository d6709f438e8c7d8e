#ifndef ZHUCUN_ZHUCUN_H_
#define ZHUCUN_ZHUCUN_H_

/// \file
/// Umbrella header: everything public in zhucun.

#include "zhucun/column.h"
#include "zhucun/csv.h"
#include "zhucun/date.h"
#include "zhucun/decimal.h"
#include "zhucun/diagnostic.h"
#include "zhucun/diff.h"
#include "zhucun/engine.h"
#include "zhucun/export.h"
#include "zhucun/expr.h"
#include "zhucun/fact_table.h"
#include "zhucun/pack_format.h"
#include "zhucun/pack_test.h"
#include "zhucun/policy_handle.h"
#include "zhucun/records.h"
#include "zhucun/result.h"
#include "zhucun/schema.h"
#include "zhucun/source.h"
#include "zhucun/text.h"
#include "zhucun/thread_pool.h"
#include "zhucun/type.h"
#include "zhucun/value.h"
#include "zhucun/version.h"

#endif  // ZHUCUN_ZHUCUN_H_
