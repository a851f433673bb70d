// libFuzzer target for statement JSON: json::parse and json::Document::parse must agree (both
// accept or both reject with the same error, and serialize the same bytes), then (when it
// parses) validate_statement for xAPI 1.0.3 and 2.0 on the Document, a serialize/parse round
// trip, and reconcile_attachments with no multipart parts for the statements that validate
// (single statement or batch).
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "common/json.h"
#include "common/json_dom.h"
#include "xapi/attachments.h"
#include "xapi/statement_validator.h"
#include "xapi/version.h"

namespace {

void check(bool ok) {
  if (!ok) __builtin_trap();
}

bool validates(const scribe::json::Node& statement) {
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
  auto document = scribe::json::Document::parse(input);
  check(value.ok() == document.ok());
  if (!value) {
    check(value.error().status == 400);
    check(value.error().describe() == document.error().describe());
    return 0;
  }
  check(scribe::json::serialize(document->root()) == scribe::json::serialize(*value));

  // What we write we can read back, unchanged.
  auto again = scribe::json::parse(scribe::json::serialize(*value));
  check(again.ok() && *again == *value);

  std::vector<scribe::json::Node> statements;
  const scribe::json::Node& root = document->root();
  if (root.is_array()) {
    for (scribe::json::Node s : root.as_array())
      if (validates(s)) statements.push_back(s);
  } else if (validates(root)) {
    statements.push_back(root);
  }
  if (!statements.empty()) {
    auto reconciled = scribe::xapi::reconcile_attachments(statements, {});
    if (reconciled) check(reconciled->empty());
    else check(reconciled.error().status == 400);
  }
  return 0;
}
