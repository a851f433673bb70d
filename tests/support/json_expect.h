// EXPECT_JSON_EQ: compares json::Value by semantics and prints both as JSON text on failure.
#pragma once

#include <gtest/gtest.h>

#include "common/json.h"

namespace scribe::json {
// Compares JSON values by their semantics (numbers numerically, members in any order) and
// prints both as JSON text on failure. (A PrintTo overload would not do: gtest's printer
// templates are instantiated in other test files too, and one instantiation wins at link time.)
[[maybe_unused]] static ::testing::AssertionResult JsonEqual(const char* a_expr, const char* b_expr,
                                                              const Value& a, const Value& b) {
  if (a == b) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << a_expr << " != " << b_expr << "\n  actual:   "
                                       << serialize(a) << "\n  expected: " << serialize(b);
}
}  // namespace scribe::json
#define EXPECT_JSON_EQ(a, b) EXPECT_PRED_FORMAT2(::scribe::json::JsonEqual, a, b)
