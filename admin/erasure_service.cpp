#include "admin/erasure_service.h"

#include <chrono>
#include <iostream>
#include <unordered_set>
#include <vector>

#include "common/base64.h"
#include "common/json_dom.h"
#include "common/text.h"
#include "common/timestamp.h"
#include "evidence/leaf.h"
#include "evidence/sha256.h"
#include "storage/document_store.h"
#include "storage/evidence_log.h"
#include "storage/statement_erasure.h"
#include "xapi/attachments.h"
#include "xapi/resource_params.h"
#include "xapi/statement_cursor.h"
#include "xapi/statement_query.h"
#include "xapi/statement_terms.h"

namespace scribe::admin {

namespace {

constexpr char kSep = '\x1f';

// The agent's identities: its IFI's, and for an mbox also the mbox_sha1sum form of it, which
// names the same person.
std::vector<std::string> identities_of(const std::string& identity) {
  std::vector<std::string> out{identity};
  const std::string mbox_prefix = std::string("mbox") + kSep;
  if (identity.starts_with(mbox_prefix)) {
    const auto sha1 = storage::DocumentStore::sha1(std::string_view(identity).substr(mbox_prefix.size()));
    out.push_back(std::string("mbox_sha1sum") + kSep +
                  text::hex_encode(std::string_view(reinterpret_cast<const char*>(sha1.data()), sha1.size())));
  }
  return out;
}

// Whether any object anywhere in `node` (actor, object, members, context, a SubStatement,
// authority, even an extension) identifies one of `identities`.
bool names_agent(const json::Node& node, const std::vector<std::string>& identities) {
  if (node.is_object()) {
    if (auto id = xapi::agent_identity(node))
      for (const std::string& i : identities)
        if (*id == i) return true;
    for (const auto& member : node.as_object())
      if (names_agent(member.second, identities)) return true;
  } else if (node.is_array()) {
    for (const auto& item : node.as_array())
      if (names_agent(item, identities)) return true;
  }
  return false;
}

// Adds a statement to erase (with the target its StatementRef names, whose referrer entry goes).
void add_found(ErasureService::Found& found, const storage::StoredStatement& st, const json::Node& root) {
  storage::StatementToErase e{st.seq, st.id, std::nullopt, xapi::declared_sha2s(root)};
  if (json::Node object = root.get("object"); object && object->get_string("objectType") == "StatementRef")
    e.ref_target = storage::parse_uuid(object->get_string("id"));
  found.statements.push_back(e);
  found.leaves.push_back(storage::ErasedLeaf{st.seq, st.id});
}

// Every statement acknowledged by `through` that names the agent: the candidates the index
// gives for each identity as a related agent, kept when the statement itself names it (not a
// referrer that only inherits its target's terms).
Result<ErasureService::Found> find_statements(const storage::StatementReader& reader, const auth::StoreInfo& store,
                              const std::vector<std::string>& identities, storage::Seq through,
                              uint64_t statements_max) {
  ErasureService::Found found;
  std::unordered_set<storage::Seq> seen;  // an mbox's statements may name its sha1sum form too
  for (const std::string& identity : identities) {
    xapi::StatementQueryParams params;
    params.terms.push_back(xapi::agent_term(identity, true));
    auto query = xapi::to_storage_query(params, store.id, store.term_key, {xapi::kCursorPage, xapi::kCursorPage});
    query.include_voided = true;
    query.seq_max = std::min(query.seq_max, through);
    xapi::StatementCursor cursor(reader, std::move(query));
    for (;;) {
      auto next = cursor.next();
      if (!next) return next.error();
      if (!*next) break;
      const storage::StoredStatement& st = **next;
      if (seen.contains(st.seq)) continue;
      auto doc = json::Document::parse(st.json);
      if (!doc) return Error{500, "", "a stored statement does not parse"};
      if (!names_agent(doc->root(), identities)) continue;
      if (found.statements.size() == statements_max)
        return Error{413, "agent", "the agent appears in more than " + std::to_string(statements_max) +
                                       " statements: erase the rest with another request"};
      seen.insert(st.seq);
      add_found(found, st, doc->root());
    }
  }
  return found;
}

// The documents and Agents entry of the agent, added to `batch` (a dry run discards it).
Status add_agent_data(const storage::Engine& engine, const auth::StoreInfo& info,
                      const std::vector<std::string>& identities, rocksdb::WriteBatch& batch, ErasureCounts& counts) {
  const storage::StoreId store = info.id;
  for (const std::string& identity : identities) {
    auto states = storage::add_document_erasures(engine, store, storage::DocumentKind::State,
                                                 [&](std::string_view scope) {
                                                   return scope.size() > identity.size() && scope.ends_with(identity) &&
                                                          scope[scope.size() - identity.size() - 1] == kSep;
                                                 },
                                                 batch);
    if (!states) return states.error();
    counts.state_documents += *states;
    auto profiles = storage::add_document_erasures(engine, store, storage::DocumentKind::AgentProfile,
                                                   [&](std::string_view scope) { return scope == identity; }, batch);
    if (!profiles) return profiles.error();
    counts.agent_profiles += *profiles;
    std::string entry;
    const std::string key = storage::agent_key(store, xapi::person_entry_key(info.term_key, identity));
    auto present = engine.get(storage::Family::Agents, key, &entry);
    if (!present) return present.error();
    if (*present) {
      batch.Delete(engine.family(storage::Family::Agents), key);
      counts.agent_entries++;
    }
  }
  return Status::success();
}

}  // namespace

Status ErasureService::wait_caught_up(storage::Seq through) const {
  const auto wait = std::chrono::milliseconds(index_wait_ms_);
  if (!pipeline_.wait_indexed(through, wait) || !pipeline_.wait_logged(through, wait))
    return Error{503, "", "the index is catching up with recent writes; retry shortly"};
  return Status::success();
}

Status ErasureService::count_attachments(const auth::StoreInfo& store, const Found& found, ErasureCounts& counts) const {
  rocksdb::WriteBatch discarded;  // what an erasure would write, to count it
  auto erasures = storage::add_statement_erasures(engine_, store.id, found.statements, pipeline_.codec(),
                                                  pipeline_.own_terms(), referrers_max_, discarded);
  if (!erasures) return erasures.error();
  counts.attachments = erasures->attachments;
  return Status::success();
}

Result<uint64_t> ErasureService::erase_found(const auth::StoreInfo& store, const Found& found, AuditAction what,
                                             const AuditActor& by, const ExtraDeletions& extra, ErasureCounts& counts) {
  using Clock = std::chrono::steady_clock;
  const auto t0 = Clock::now();
  std::optional<uint64_t> audit_index;
  std::vector<storage::PostingChange> index_changes;
  // Under the committer: no statement is staged while records and leaf runs are rewritten.
  Status erased = pipeline_.run_exclusive([&]() -> Status {
    rocksdb::WriteBatch batch;
    auto erasures = storage::add_statement_erasures(engine_, store.id, found.statements, pipeline_.codec(),
                                                    pipeline_.own_terms(), referrers_max_, batch);
    if (!erasures) return erasures.error();
    index_changes = std::move(erasures->index_changes);
    counts.attachments = erasures->attachments;
    if (extra)
      if (Status s = extra(batch); !s) return s;
    what.counts.append("statements", int64_t(counts.statements));
    what.counts.append("attachments", int64_t(counts.attachments));
    if (extra) {
      what.counts.append("state_documents", int64_t(counts.state_documents));
      what.counts.append("agent_profiles", int64_t(counts.agent_profiles));
      what.counts.append("agent_entries", int64_t(counts.agent_entries));
    }
    auto appended = audit_.append(store.id, by, what, std::move(batch),
                                  [&](rocksdb::WriteBatch& b, uint64_t index) -> Status {
                                    json::Object record;
                                    record.append("audit_index", int64_t(index));
                                    record.append("erased", format_timestamp(now_micros()));
                                    const std::string record_json = json::serialize(json::Value(std::move(record)));
                                    if (Status s = storage::add_leaf_erasures(engine_, store.id, found.leaves,
                                                                              record_json, b);
                                        !s)
                                      return s;
                                    storage::add_erasure_marker(engine_, store.id, index, index_changes, b);
                                    return engine_.write_durable(b);
                                  });
    if (!appended) return appended.error();
    audit_index = *appended;
    return Status::success();
  });
  if (!erased) return erased.error();
  // The index without the erased statements' postings, nor their referrers' inherited terms;
  // past the committed groups queued before (a referrer's back-fill among them).
  const size_t changed_postings = index_changes.size();
  if (Status s = pipeline_.apply_index_changes(std::move(index_changes)); !s) return s.error();
  // The bytes off the disk: flushed out of the WAL, compacted out of the SSTs.
  storage::ErasedSeqs range{UINT64_MAX, 0};
  for (const auto& st : found.statements) {
    range.first = std::min(range.first, st.seq);
    range.last = std::max(range.last, st.seq);
  }
  if (found.statements.empty()) range = storage::ErasedSeqs{0, 0};  // no statement: an empty seq range
  const auto t1 = Clock::now();
  if (Status s = storage::finish_erasure(engine_, store.id, *audit_index, range, counts.attachments > 0); !s)
    return s.error();
  const auto ms = [](auto d) { return std::chrono::duration_cast<std::chrono::milliseconds>(d).count(); };
  std::cout << "scribe: " << what.action << " (audit entry " << *audit_index << ") in store " << store.name << ": "
            << counts.statements << " statements erased (" << changed_postings
            << " index postings changed) in " << ms(t1 - t0) << " ms, flushed and compacted off the disk in "
            << ms(Clock::now() - t1) << " ms\n"
            << std::flush;
  return *audit_index;
}

Result<ErasureResult> ErasureService::erase_agent(const auth::StoreInfo& store, const ErasureRequest& request,
                                                  const AuditActor& by) {
  if (!request.agent.is_object()) return bad_request("agent", "required: an Agent or identified Group");
  auto agent = xapi::parse_agent_param(json::serialize(request.agent), xapi::Version::V2_0_0);
  if (!agent) return agent.error();
  const std::vector<std::string> identities = identities_of(agent->identity);

  // Everything acknowledged now, found through the index once it has caught up, and every leaf
  // hashed (an erased leaf keeps its hash, so it must be in the tree).
  const storage::Seq through = pipeline_.committed_seq();
  if (Status s = wait_caught_up(through); !s) return s.error();
  auto found = find_statements(reader_, store, identities, through, statements_max_);
  if (!found) return found.error();

  ErasureResult result;
  result.counts.statements = found->statements.size();
  if (request.dry_run) {
    rocksdb::WriteBatch discarded;
    if (Status s = count_attachments(store, *found, result.counts); !s) return s.error();
    if (Status s = add_agent_data(engine_, store, identities, discarded, result.counts); !s) return s.error();
    return result;
  }
  AuditAction what{"erasure", request.reason, {}, {}};
  if (request.record_agent) {
    what.subject.append("agent", request.agent);
  } else {
    const std::string salt = evidence::random_salt();
    const evidence::Hash h = evidence::Sha256().update(salt).update(agent->identity).finish();
    what.subject.append("agent_sha256", base64_encode(evidence::as_bytes(h)));
    what.subject.append("agent_salt", base64_encode(salt));
  }
  auto index = erase_found(store, *found, std::move(what), by,
                           [&](rocksdb::WriteBatch& batch) {
                             return add_agent_data(engine_, store, identities, batch, result.counts);
                           },
                           result.counts);
  if (!index) return index.error();
  result.audit_index = *index;
  return result;
}

Result<ErasureResult> ErasureService::purge(const auth::StoreInfo& store, const PurgeRequest& request,
                                            const AuditActor& by) {
  const storage::Seq through = pipeline_.committed_seq();
  if (Status s = wait_caught_up(through); !s) return s.error();
  // Every statement stored before the time (seqs are the stored times in microseconds).
  storage::StatementQuery query;
  query.store = store.id;
  query.include_voided = true;
  query.seq_max = std::min<storage::Seq>(through, request.stored_before_us > 0 ? storage::Seq(request.stored_before_us - 1) : 0);
  Found found;
  if (query.seq_max > 0) {
    xapi::StatementCursor cursor(reader_, std::move(query));
    for (;;) {
      auto next = cursor.next();
      if (!next) return next.error();
      if (!*next) break;
      const storage::StoredStatement& st = **next;
      if (found.statements.size() == std::min(request.statements_max, statements_max_)) break;  // the rest later
      auto doc = json::Document::parse(st.json);
      if (!doc) return Error{500, "", "a stored statement does not parse"};
      add_found(found, st, doc->root());
    }
  }
  ErasureResult result;
  result.counts.statements = found.statements.size();
  if (request.dry_run)
    if (Status s = count_attachments(store, found, result.counts); !s) return s.error();
  if (request.dry_run || (found.statements.empty() && !request.record_if_none)) return result;
  AuditAction what{"purge", request.reason, {}, {}};
  what.subject.append("stored_before", format_timestamp(request.stored_before_us));
  auto index = erase_found(store, found, std::move(what), by, {}, result.counts);
  if (!index) return index.error();
  result.audit_index = *index;
  return result;
}

}  // namespace scribe::admin
