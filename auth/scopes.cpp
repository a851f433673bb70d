#include "auth/scopes.h"

#include <array>
#include <utility>

namespace scribe::auth {

namespace {

constexpr std::array<std::pair<Scope, std::string_view>, 11> kNames{{
    {Scope::StatementsWrite, "statements/write"},
    {Scope::StatementsRead, "statements/read"},
    {Scope::StatementsReadMine, "statements/read/mine"},
    {Scope::AllRead, "all/read"},
    {Scope::All, "all"},
    {Scope::State, "state"},
    {Scope::StateRead, "state/read"},
    {Scope::Define, "define"},
    {Scope::Profile, "profile"},
    {Scope::ProfileRead, "profile/read"},
    {Scope::Admin, "admin"},
}};

// The scopes that each grant an access, in the order a 403 names them.
std::vector<Scope> granting(Access access) {
  switch (access) {
    case Access::None: return {};
    case Access::StatementsRead:
      return {Scope::StatementsRead, Scope::StatementsReadMine, Scope::AllRead, Scope::All};
    case Access::EvidenceRead: return {Scope::StatementsRead, Scope::AllRead, Scope::All};
    case Access::StatementsWrite: return {Scope::StatementsWrite, Scope::All};
    case Access::StateRead: return {Scope::State, Scope::StateRead, Scope::AllRead, Scope::All};
    case Access::StateWrite: return {Scope::State, Scope::All};
    case Access::ProfileRead:
      return {Scope::Profile, Scope::ProfileRead, Scope::AllRead, Scope::All};
    case Access::ProfileWrite: return {Scope::Profile, Scope::All};
    case Access::Admin: return {Scope::Admin};
  }
  return {};
}

}  // namespace

std::optional<Scope> parse_scope(std::string_view name) {
  for (const auto& [scope, text] : kNames)
    if (text == name) return scope;
  return std::nullopt;
}

std::string_view scope_name(Scope s) {
  for (const auto& [scope, text] : kNames)
    if (scope == s) return text;
  return "?";
}

std::vector<std::string> scope_names(ScopeSet set) {
  std::vector<std::string> out;
  for (const auto& [scope, text] : kNames)
    if (has_scope(set, scope)) out.emplace_back(text);
  return out;
}

bool grants(ScopeSet scopes, Access access) {
  if (access == Access::None) return true;
  for (Scope s : granting(access))
    if (has_scope(scopes, s)) return true;
  return false;
}

bool reads_only_mine(ScopeSet scopes) {
  return !has_scope(scopes, Scope::StatementsRead) && !has_scope(scopes, Scope::AllRead) &&
         !has_scope(scopes, Scope::All) && has_scope(scopes, Scope::StatementsReadMine);
}

std::string scopes_granting(Access access) {
  std::string out;
  for (Scope s : granting(access)) {
    if (!out.empty()) out += " or ";
    out += scope_name(s);
  }
  return out;
}

}  // namespace scribe::auth
