#include "xapi/attachments.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <map>

#include "xapi/jws.h"
#include "common/text.h"

namespace scribe::xapi {

namespace {

// Calls `fn(statement index, attachment, path)` for each attachment the statements declare, in
// order; the path is "attachments[i]", prefixed by "[s]." when there are several statements.
// With `sub_statements`, a SubStatement object's attachments follow its statement's, with paths
// "object.attachments[i]". Stops at the first error `fn` returns.
template <typename Fn>
Status for_each_attachment(const std::vector<json::Node>& statements, bool sub_statements,
                           Fn&& fn) {
  for (size_t s = 0; s < statements.size(); s++) {
    std::string prefix;
    if (statements.size() > 1) prefix.append("[").append(std::to_string(s)).append("].");
    std::vector<std::pair<json::Node, std::string>> lists{
        {statements[s].get("attachments"), prefix + "attachments["}};
    json::Node object = statements[s].get("object");
    if (sub_statements && object && object->get_string("objectType") == "SubStatement")
      lists.emplace_back(object->get("attachments"), prefix + "object.attachments[");
    for (const auto& [list, list_prefix] : lists) {
      if (!list || !list->is_array()) continue;
      size_t i = 0;
      for (json::Node attachment : list->as_array()) {
        std::string path = list_prefix;
        path += std::to_string(i++);
        path += ']';
        if (Status st = fn(s, attachment, path); !st) return st;
      }
    }
  }
  return {};
}

struct Declared {
  bool needs_part = false;  // no fileUrl
  bool is_signature = false;
  std::string path;            // the first declaration of this hash
  std::string needs_part_path; // the first declaration that has no fileUrl
};

}  // namespace

std::string sha2_hex(std::string_view bytes, size_t hex_length) {
  const EVP_MD* md = hex_length == 56 ? EVP_sha224()
                     : hex_length == 96 ? EVP_sha384()
                     : hex_length == 128 ? EVP_sha512()
                                         : EVP_sha256();
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &n, md, nullptr);
  return text::hex_encode(std::string_view(reinterpret_cast<const char*>(digest), n));
}

Result<StatementRequestBody> read_statement_body(const HttpRequest& request,
                                                 const MultipartLimits& limits) {
  const std::string* type = request.header("content-type");
  StatementRequestBody out;
  auto boundary = type ? multipart_boundary(*type) : std::nullopt;
  if (!boundary) {
    if (type && media_type(*type) != "application/json")
      return bad_request("Content-Type", "statements are sent as application/json or multipart/mixed");
    out.json = request.body;
    return out;
  }
  if (!*boundary) return boundary->error();
  auto parts = parse_multipart(request.body, **boundary, limits);
  if (!parts) return parts.error();
  if (parts->empty()) return bad_request("", "multipart body has no statement part");
  const std::string* first_type = (*parts)[0].header("content-type");
  if (!first_type || media_type(*first_type) != "application/json")
    return bad_request("", "the first multipart part must be the statements as application/json");
  out.json = (*parts)[0].body;
  out.attachments.assign(std::make_move_iterator(parts->begin() + 1),
                         std::make_move_iterator(parts->end()));
  return out;
}

Result<std::vector<AttachmentBytes>> reconcile_attachments(
    const std::vector<json::Node>& statements, const std::vector<MultipartPart>& parts) {
  std::map<std::string, Declared> declared;  // by lower-case sha2
  std::vector<std::string> declaration_order;
  Status declarations = for_each_attachment(statements, true, [&](size_t, const json::Node& a,
                                                            const std::string& here) -> Status {
    std::string sha2 = text::ascii_lower(a.get_string("sha2"));
    Declared& d = declared[sha2];
    if (d.path.empty()) {  // errors name the first declaration of a hash
      d.path = here;
      declaration_order.push_back(sha2);
    }
    const bool is_signature = a.get_string("usageType") == kSignatureUsageType;
    if ((!a.get("fileUrl") || is_signature) && !d.needs_part) {
      d.needs_part = true;
      d.needs_part_path = here;
    }
    if (is_signature) {
      d.is_signature = true;
      if (media_type(a.get_string("contentType")) != "application/octet-stream")
        return bad_request(here + ".contentType",
                           "a signature attachment must be application/octet-stream");
    }
    return {};
  });
  if (!declarations) return declarations.error();

  std::vector<AttachmentBytes> out;
  std::map<std::string, std::string_view> received;
  for (size_t i = 0; i < parts.size(); i++) {
    const MultipartPart& part = parts[i];
    std::string where = "multipart part " + std::to_string(i + 2);
    const std::string* hash = part.header("x-experience-api-hash");
    if (!hash) return bad_request("", where + " has no X-Experience-API-Hash header");
    std::string sha2 = text::ascii_lower(*hash);
    auto it = declared.find(sha2);
    if (it == declared.end())
      return bad_request("", where + " matches no attachment declared in the statements");
    if (received.count(sha2)) return bad_request("", where + " repeats attachment " + sha2);
    if (const std::string* cte = part.header("content-transfer-encoding"); cte && text::ascii_lower(*cte) != "binary")
      return bad_request("", where + ": Content-Transfer-Encoding must be binary");
    if (sha2_hex(part.body, sha2.size()) != sha2)
      return bad_request(it->second.path + ".sha2", "does not match the attachment's bytes");
    received[sha2] = part.body;
    out.push_back({sha2, part.body});
  }
  for (const std::string& sha2 : declaration_order)
    if (declared[sha2].needs_part && !received.count(sha2))
      return bad_request(declared[sha2].needs_part_path,
                         "declared without fileUrl but no multipart part carries it");

  // Signatures: each signature attachment signs the statement that declares it.
  Status signatures = for_each_attachment(statements, false, [&](size_t s, const json::Node& a,
                                                          const std::string& path) -> Status {
    if (a.get_string("usageType") != kSignatureUsageType) return {};
    auto jws = parse_jws(received[text::ascii_lower(a.get_string("sha2"))], path);
    if (!jws) return jws.error();
    if (Status st = verify_jws_signature(*jws, path); !st) return st.error();
    if (Status st = signature_matches_statement(*jws, statements[s].to_value(), path); !st) return st.error();
    return {};
  });
  if (!signatures) return signatures.error();
  return out;
}

std::vector<std::string> declared_sha2s(const json::Node& statement) {
  std::vector<std::string> out;
  json::Node list = statement.get("attachments");
  if (!list || !list->is_array()) return out;
  for (const auto& a : list->as_array()) {
    std::string sha2 = text::ascii_lower(a.get_string("sha2"));
    if (!sha2.empty() && std::find(out.begin(), out.end(), sha2) == out.end()) out.push_back(std::move(sha2));
  }
  return out;
}

}  // namespace scribe::xapi
