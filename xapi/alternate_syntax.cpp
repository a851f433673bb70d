#include "xapi/alternate_syntax.h"

#include <algorithm>
#include <cctype>

#include "common/text.h"

namespace scribe::xapi {

namespace {

Result<std::string> decode_component(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); i++) {
    if (s[i] == '+') {
      out.push_back(' ');
    } else if (s[i] == '%') {
      int hi = i + 1 < s.size() ? text::hex_digit_value(s[i + 1]) : -1;
      int lo = i + 2 < s.size() ? text::hex_digit_value(s[i + 2]) : -1;
      if (hi < 0 || lo < 0) return bad_request("", "bad %-escape in form body");
      out.push_back(char(hi * 16 + lo));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

// Form fields that are HTTP headers in the alternate syntax (lower-case).
constexpr std::string_view kHeaderFields[] = {
    "authorization", "x-experience-api-version", "content-type", "content-length",
    "if-match", "if-none-match", "accept-language"};

}  // namespace

Result<std::vector<std::pair<std::string, std::string>>> parse_form(std::string_view body) {
  std::vector<std::pair<std::string, std::string>> out;
  size_t start = 0;
  while (start < body.size()) {
    size_t amp = body.find('&', start);
    std::string_view item =
        body.substr(start, amp == std::string_view::npos ? std::string_view::npos : amp - start);
    if (!item.empty()) {
      size_t eq = item.find('=');
      auto name = decode_component(item.substr(0, eq));
      auto value = decode_component(eq == std::string_view::npos ? "" : item.substr(eq + 1));
      if (!name || !value) return bad_request("", "malformed form body");
      out.emplace_back(std::move(*name), std::move(*value));
    }
    if (amp == std::string_view::npos) break;
    start = amp + 1;
  }
  return out;
}

bool is_alternate_syntax(const HttpRequest& request) {
  return request.method == "POST" && request.param("method") != nullptr;
}

Status rewrite_alternate_syntax(HttpRequest& request) {
  if (request.query.size() != 1)
    return bad_request(request.query[0].first == "method" ? request.query[1].first
                                                          : request.query[0].first,
                       "the alternate request syntax takes only `method` in the query");
  std::string method = *request.param("method");
  if (method != "GET" && method != "PUT" && method != "POST" && method != "DELETE" &&
      method != "HEAD")
    return bad_request("method", "must be GET, PUT, POST, DELETE or HEAD");
  const std::string* type = request.header("content-type");
  if (type && !text::ascii_lower(*type).starts_with("application/x-www-form-urlencoded"))
    return Error{415, "Content-Type", "the alternate request syntax needs a form-encoded body"};
  auto form = parse_form(request.body);
  if (!form) return form.error();

  HttpRequest rewritten;
  rewritten.method = method;
  rewritten.path = request.path;
  for (const auto& h : request.headers)
    if (h.first != "content-type" && h.first != "content-length") rewritten.headers.push_back(h);
  for (auto& [name, value] : *form) {
    std::string lname = text::ascii_lower(name);
    if (lname == "content") {
      rewritten.body = std::move(value);
    } else if (std::find(std::begin(kHeaderFields), std::end(kHeaderFields), lname) !=
               std::end(kHeaderFields)) {
      auto it = std::find_if(rewritten.headers.begin(), rewritten.headers.end(),
                             [&](const auto& h) { return h.first == lname; });
      if (it != rewritten.headers.end()) it->second = value;
      else rewritten.headers.emplace_back(lname, std::move(value));
    } else {
      rewritten.query.emplace_back(std::move(name), std::move(value));
    }
  }
  if (!rewritten.body.empty() && !rewritten.header("content-type"))
    rewritten.headers.emplace_back("content-type", "application/json");
  request = std::move(rewritten);
  return Status::success();
}

}  // namespace scribe::xapi
