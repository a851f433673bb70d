#include "auth/authenticator.h"

#include "common/base64.h"
#include "common/timestamp.h"

namespace scribe::auth {

namespace {

AuthOutcome refused(Error e, uint32_t retry_after_s = 0) {
  AuthOutcome out;
  out.error = std::move(e);
  out.retry_after_s = retry_after_s;
  return out;
}

Error unauthorized() { return Error{401, "Authorization", "valid credentials required"}; }

}  // namespace

std::optional<BasicCredentials> parse_basic(std::string_view authorization) {
  constexpr std::string_view kBasic = "basic ";
  if (authorization.size() <= kBasic.size()) return std::nullopt;
  for (size_t i = 0; i < kBasic.size(); i++)
    if (char(std::tolower(static_cast<unsigned char>(authorization[i]))) != kBasic[i])
      return std::nullopt;
  auto decoded = base64_decode(authorization.substr(kBasic.size()));
  if (!decoded) return std::nullopt;
  size_t colon = decoded->find(':');
  if (colon == std::string::npos) return std::nullopt;
  return BasicCredentials{decoded->substr(0, colon), decoded->substr(colon + 1)};
}

AuthOutcome Authenticator::authenticate(const std::string* authorization,
                                        std::string_view address) const {
  if (!authorization) return refused(unauthorized());
  auto basic = parse_basic(*authorization);
  if (!basic) return refused(unauthorized());
  const int64_t now_us = now_micros();
  const int64_t now_ms = now_us / 1000;
  if (uint32_t wait = throttle_.retry_after_s(address, basic->key, now_ms))
    return refused(Error{429, "Authorization",
                         "too many failed attempts for this key from this address; retry in " +
                             std::to_string(wait) + " s"},
                   wait);
  auto credential = credentials_.verify(basic->key, basic->secret, now_us);
  if (!credential) {
    if (credential.error().status == 401) throttle_.record_failure(address, basic->key, now_ms);
    return refused(credential.error());
  }
  auto principal = principal_of(std::move(*credential), stores_);
  if (!principal) return refused(unauthorized());  // the credential's store was deleted
  throttle_.record_success(address, basic->key);
  AuthOutcome out;
  out.principal = std::move(principal);
  return out;
}

std::optional<Principal> principal_of(CredentialInfo credential, const StoreRegistry& stores) {
  auto store = stores.find(credential.store);
  if (!store) return std::nullopt;
  Principal p;
  p.key = std::move(credential.key);
  p.label = std::move(credential.label);
  p.store = std::move(*store);
  p.scopes = credential.scopes;
  p.authority = std::move(credential.authority);
  return p;
}

}  // namespace scribe::auth
