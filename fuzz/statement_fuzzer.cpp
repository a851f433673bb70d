// libFuzzer target for statement JSON: json::parse, then (when it parses) validate_statement
// for xAPI 1.0.3 and 2.0, a serialize/parse round trip, and reconcile_attachments with no
// multipart parts for the statements that validate (single statement or batch).
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "common/json.h"
#include "xapi/attachments.h"
#include "xapi/statement_validator.h"
#include "xapi/version.h"

namespace {

void check(bool ok) {
  if (!ok) __builtin_trap();
}

bool validates(const scribe::json::Value& statement) {
  bool any = false;
  for (auto version : {scribe::xapi::Version::V1_0_3, scribe::xapi::Version::V2_0_0}) {
    scribe::Status s = scribe::xapi::validate_statement(statement, version, "[0]");
    if (s) any = true;
    else check(s.error().status == 400);
  }
  return any;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  auto value = scribe::json::parse(input);
  if (!value) {
    check(value.error().status == 400);
    return 0;
  }

  // What we write we can read back, unchanged.
  auto again = scribe::json::parse(scribe::json::serialize(*value));
  check(again.ok() && *again == *value);

  std::vector<const scribe::json::Value*> statements;
  if (value->is_array()) {
    for (const auto& s : value->as_array())
      if (validates(s)) statements.push_back(&s);
  } else if (validates(*value)) {
    statements.push_back(&*value);
  }
  if (!statements.empty()) {
    auto reconciled = scribe::xapi::reconcile_attachments(statements, {});
    if (reconciled) check(reconciled->empty());
    else check(reconciled.error().status == 400);
  }
  return 0;
}
