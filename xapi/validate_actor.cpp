// Agents, Groups, inverse functional identifiers, accounts and authorities (Data 2.4.2, 2.4.9).
#include "xapi/formats.h"
#include "xapi/statement_validator.h"
#include "xapi/validate_parts.h"

namespace scribe::xapi {

namespace detail {

namespace {

constexpr std::string_view kIfis[] = {"mbox", "mbox_sha1sum", "openid", "account"};

Status check_account(const json::Node& v, const Path& path) {
  SCRIBE_CHECK(only_keys(v, path, {"homePage", "name"}));
  SCRIBE_CHECK(require_key(v, path, "homePage"));
  SCRIBE_CHECK(require_key(v, path, "name"));
  SCRIBE_CHECK(expect_irl(*v.get("homePage"), child(path, "homePage")));
  return expect_string(*v.get("name"), child(path, "name"));
}

Status check_mbox(const json::Node& v, const Path& path) {
  SCRIBE_CHECK(expect_string(v, path));
  if (!is_mailto_iri(v.as_string())) return invalid(path, "must be a mailto: IRI of an e-mail address");
  return Status::success();
}

Status check_sha1(const json::Node& v, const Path& path) {
  SCRIBE_CHECK(expect_string(v, path));
  if (!is_sha1_hex(v.as_string())) return invalid(path, "must be 40 hexadecimal digits (SHA-1)");
  return Status::success();
}

// Validates whichever IFIs are present (their count is checked by the caller).
Status check_ifi_values(const json::Node& v, const Path& path) {
  SCRIBE_CHECK(optional_member(v, path, "mbox", check_mbox));
  SCRIBE_CHECK(optional_member(v, path, "mbox_sha1sum", check_sha1));
  SCRIBE_CHECK(optional_member(v, path, "openid", expect_iri));
  return optional_member(v, path, "account", check_account);
}

Status check_members(const json::Node& v, const Path& path) {
  SCRIBE_CHECK(expect_array(v, path));
  const std::vector<json::Node> members = elements(v);
  for (size_t i = 0; i < members.size(); ++i) {
    const Path at = index(path, i);
    SCRIBE_CHECK(expect_object(members[i], at));
    if (members[i].get_string("objectType") == "Group")
      return invalid(child(at, "objectType"), "a Group cannot be a member of a Group");
    SCRIBE_CHECK(check_agent(members[i], at));
  }
  return Status::success();
}

}  // namespace

int count_ifis(const json::Node& actor) {
  int n = 0;
  for (std::string_view key : kIfis) n += bool(actor.get(key));
  return n;
}

Status check_agent(const json::Node& v, const Path& path) {
  SCRIBE_CHECK(only_keys(v, path,
                         {"objectType", "name", "mbox", "mbox_sha1sum", "openid", "account"}));
  SCRIBE_CHECK(expect_object_type(v, path, "Agent", false));
  SCRIBE_CHECK(optional_member(v, path, "name", expect_string));
  const int ifis = count_ifis(v);
  if (ifis != 1)
    return invalid(path, ifis == 0 ? "an Agent needs an inverse functional identifier "
                                     "(mbox, mbox_sha1sum, openid or account)"
                                   : "an Agent must have exactly one inverse functional identifier");
  return check_ifi_values(v, path);
}

Status check_group(const json::Node& v, const Path& path) {
  SCRIBE_CHECK(only_keys(
      v, path, {"objectType", "name", "member", "mbox", "mbox_sha1sum", "openid", "account"}));
  SCRIBE_CHECK(expect_object_type(v, path, "Group", true));
  SCRIBE_CHECK(optional_member(v, path, "name", expect_string));
  const int ifis = count_ifis(v);
  if (ifis > 1) return invalid(path, "a Group must have at most one inverse functional identifier");
  SCRIBE_CHECK(check_ifi_values(v, path));
  json::Node member = v.get("member");
  if (ifis == 0 && !member) return invalid(child(path, "member"), "an anonymous Group needs members");
  if (!member) return Status::success();
  SCRIBE_CHECK(check_members(*member, child(path, "member")));
  if (ifis == 0 && member->as_array().empty())
    return invalid(child(path, "member"), "an anonymous Group needs at least one member");
  return Status::success();
}

Status check_actor(const json::Node& v, const Path& path) {
  SCRIBE_CHECK(expect_object(v, path));
  json::Node type = v.get("objectType");
  if (type && type->is_string() && type->as_string() == "Group") return check_group(v, path);
  if (type && type->is_string() && type->as_string() != "Agent")
    return invalid(child(path, "objectType"), "must be \"Agent\" or \"Group\"");
  return check_agent(v, path);
}

// An Agent, or (3-legged OAuth) an anonymous Group of exactly two Agents.
Status check_authority(const json::Node& v, const Path& path) {
  SCRIBE_CHECK(check_actor(v, path));
  if (v.get_string("objectType") != "Group") return Status::success();
  if (count_ifis(v) != 0) return invalid(path, "a Group authority must be anonymous");
  if (v.get("member")->as_array().size() != 2)
    return invalid(child(path, "member"), "a Group authority must have exactly two members");
  return Status::success();
}

}  // namespace detail

Status validate_actor(const json::Node& actor, Version, const std::string& path) {
  return detail::check_actor(actor, detail::Path(path));
}

Status validate_authority(const json::Node& authority, const std::string& path) {
  return detail::check_authority(authority, detail::Path(path));
}

Status validate_agent_param(const json::Node& agent, Version, const std::string& path) {
  const detail::Path at(path);
  SCRIBE_CHECK(detail::check_actor(agent, at));
  if (detail::count_ifis(agent) != 1)
    return detail::invalid(at, "must be identified by exactly one inverse functional identifier");
  return Status::success();
}

}  // namespace scribe::xapi
