// Credential scopes (xAPI 1.0.3 Communication §4.2, plus lrsql's read-only `state/read` and
// `profile/read`, plus the server-wide `admin`) and the access each kind of request needs.
// A route declares one Access; `grants` is the only place that decides whether a set of scopes
// allows it, so no handler checks scopes by hand.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace scribe::auth {

enum class Scope : uint32_t {
  StatementsWrite = 1u << 0,     // statements/write
  StatementsRead = 1u << 1,      // statements/read
  StatementsReadMine = 1u << 2,  // statements/read/mine: only statements of this authority
  AllRead = 1u << 3,             // all/read
  All = 1u << 4,                 // all (every xAPI resource, read and write)
  State = 1u << 5,               // state
  StateRead = 1u << 6,           // state/read
  Define = 1u << 7,              // define: statements may (re)define Activities and Agents
  Profile = 1u << 8,             // profile
  ProfileRead = 1u << 9,         // profile/read
  Admin = 1u << 10,              // admin: the /admin API; not an xAPI scope
};
using ScopeSet = uint32_t;

inline constexpr ScopeSet scope_bit(Scope s) { return ScopeSet(s); }
inline constexpr bool has_scope(ScopeSet set, Scope s) { return (set & scope_bit(s)) != 0; }

// The scope a name denotes ("statements/write"), nullopt for an unknown name.
std::optional<Scope> parse_scope(std::string_view name);
std::string_view scope_name(Scope s);
// Names of the scopes in `set`, in declaration order.
std::vector<std::string> scope_names(ScopeSet set);

// What a request does; every route of the xAPI and admin APIs declares one.
enum class Access {
  None,             // /about, preflights
  StatementsRead,   // GET/HEAD statements
  EvidenceRead,     // the evidence log's key, checkpoints, proofs, exports and reports: every statement
  StatementsWrite,  // PUT/POST statements
  StateRead,
  StateWrite,
  ProfileRead,      // Activity/Agent Profile reads, and the Agents and Activities resources
  ProfileWrite,
  Admin,
};

// Whether `scopes` allow `access`. StatementsRead is granted by statements/read/mine too; the
// caller must then restrict what it returns to the credential's own statements.
bool grants(ScopeSet scopes, Access access);
// Whether reads of statements are restricted to the credential's own authority.
bool reads_only_mine(ScopeSet scopes);
// For a 403: the scopes any one of which would grant `access`, e.g. "statements/write or all".
std::string scopes_granting(Access access);

}  // namespace scribe::auth
