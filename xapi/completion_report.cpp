// POST /reports/completion (xapi/evidence_resource.h): who has done an activity, who has
// attempted it, and who has not started, for a roster of learners.
//   body (application/json): {"roster": [Agent…] | "<CSV>", "activity": IRI,
//     "related_activities": bool, "verbs": [IRI…], "since": T, "until": T}
//   body (text/csv): the roster; activity, related_activities, verbs (comma-separated), since
//     and until as query parameters.
//   ?format=json (an array of rows) | csv | ndjson (a header with a checkpoint, rows with the
//     first and latest qualifying statements and their inclusion proofs, an end line).
// A learner is an Agent actor, or an identified member of a Group actor, of a statement about
// the activity (its object, or a context activity with related_activities). "done": a
// statement with one of `verbs` (default completed and passed); "attempted": any other
// statement about it; "not_started": none. Voided statements never count. A row's first and
// latest are the qualifying statements of its status (the done ones when done).
#include <algorithm>
#include <optional>
#include <unordered_map>

#include "common/json_dom.h"
#include "common/json_writer.h"
#include "common/text.h"
#include "common/timestamp.h"
#include "evidence/export_format.h"
#include "xapi/evidence_resource.h"
#include "xapi/export_csv.h"
#include "xapi/formats.h"
#include "xapi/resource_params.h"
#include "xapi/responses.h"
#include "xapi/roster.h"
#include "xapi/statement_cursor.h"
#include "xapi/statement_proofs.h"
#include "xapi/statement_query.h"
#include "xapi/statement_terms.h"
#include "xapi/streamed_body.h"

namespace scribe::xapi {

namespace {

constexpr std::string_view kDefaultVerbs[] = {"http://adlnet.gov/expapi/verbs/completed",
                                              "http://adlnet.gov/expapi/verbs/passed"};

struct ReportRequest {
  std::vector<RosterEntry> roster;
  std::string activity;
  bool related = false;
  std::vector<std::string> verbs;
  std::optional<int64_t> since, until;
  std::vector<std::pair<std::string, std::string>> echo;  // the query, for the NDJSON header
};

struct Hit {
  storage::Seq seq = 0;
  storage::Uuid id{};
};

struct Row {
  uint64_t count = 0;  // statements about the activity by this learner
  std::optional<Hit> first_any, latest_any, first_done, latest_done;
  std::string_view status() const { return first_done ? "done" : first_any ? "attempted" : "not_started"; }
  const std::optional<Hit>& first() const { return first_done ? first_done : first_any; }
  const std::optional<Hit>& latest() const { return first_done ? latest_done : latest_any; }
};

Status set_verbs(std::vector<std::string> verbs, ReportRequest& out) {
  for (const auto& v : verbs)
    if (!is_iri(v)) return bad_request("verbs", "not an IRI: " + v);
  out.verbs = std::move(verbs);
  return Status::success();
}

Status set_times(const std::string* since, const std::string* until, ReportRequest& out) {
  if (since) {
    auto t = parse_timestamp(*since);
    if (!t) return bad_request("since", "not a timestamp: " + t.error().message);
    out.since = *t;
  }
  if (until) {
    auto t = parse_timestamp(*until);
    if (!t) return bad_request("until", "not a timestamp: " + t.error().message);
    out.until = *t;
  }
  return Status::success();
}

std::vector<std::string> split_commas(std::string_view s) {
  std::vector<std::string> out;
  for (size_t start = 0; start <= s.size();) {
    size_t comma = std::min(s.find(',', start), s.size());
    if (comma > start) out.emplace_back(s.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

Result<ReportRequest> parse_report_request(const HttpRequest& request, Version version, size_t roster_max) {
  ReportRequest out;
  const std::string* type = request.header("content-type");
  const std::string media = type ? text::ascii_lower(type->substr(0, type->find(';'))) : "";
  if (media == "text/csv") {
    if (Status s = check_known_params(request, {"format", "activity", "related_activities", "verbs", "since", "until"}); !s)
      return s.error();
    auto roster = roster_from_csv(request.body, version, roster_max);
    if (!roster) return roster.error();
    out.roster = std::move(*roster);
    auto activity = required_param(request, "activity");
    if (!activity) return activity.error();
    out.activity = *activity;
    if (const std::string* r = request.param("related_activities")) {
      if (*r != "true" && *r != "false") return bad_request("related_activities", "must be true or false");
      out.related = *r == "true";
    }
    if (const std::string* v = request.param("verbs"))
      if (Status s = set_verbs(split_commas(*v), out); !s) return s.error();
    if (Status s = set_times(request.param("since"), request.param("until"), out); !s) return s.error();
  } else if (media == "application/json") {
    if (Status s = check_known_params(request, {"format"}); !s) return s.error();
    auto doc = json::Document::parse(request.body);
    if (!doc) return bad_request("", "the body is not JSON: " + doc.error().message);
    const json::Node root = doc->root();
    if (!root.is_object()) return bad_request("", "the body must be a JSON object");
    for (const auto& [name, value] : root.as_object()) {
      if (name != "roster" && name != "activity" && name != "related_activities" && name != "verbs" &&
          name != "since" && name != "until")
        return bad_request(std::string(name), "not a report property");
    }
    json::Node roster = root.get("roster");
    if (!roster) return bad_request("roster", "required");
    auto entries = roster.is_string() ? roster_from_csv(roster.as_string(), version, roster_max)
                                      : roster_from_json(roster, version, roster_max);
    if (!entries) return entries.error();
    out.roster = std::move(*entries);
    json::Node activity = root.get("activity");
    if (!activity || !activity.is_string()) return bad_request("activity", "required, an activity IRI");
    out.activity = std::string(activity.as_string());
    if (json::Node r = root.get("related_activities")) {
      if (!r.is_bool()) return bad_request("related_activities", "must be true or false");
      out.related = r.as_bool();
    }
    if (json::Node verbs = root.get("verbs")) {
      if (!verbs.is_array()) return bad_request("verbs", "must be an array of verb IRIs");
      std::vector<std::string> list;
      for (const json::Node& v : verbs.as_array()) {
        if (!v.is_string()) return bad_request("verbs", "must be an array of verb IRIs");
        list.emplace_back(v.as_string());
      }
      if (Status s = set_verbs(std::move(list), out); !s) return s.error();
    }
    std::optional<std::string> since, until;
    for (auto [name, field] : {std::pair{"since", &since}, {"until", &until}}) {
      if (json::Node t = root.get(name)) {
        if (!t.is_string()) return bad_request(name, "must be a timestamp string");
        *field = std::string(t.as_string());
      }
    }
    if (Status s = set_times(since ? &*since : nullptr, until ? &*until : nullptr, out); !s) return s.error();
  } else {
    return Error{415, "Content-Type", "a roster comes as application/json or text/csv"};
  }
  if (!is_iri(out.activity)) return bad_request("activity", "not an IRI");
  if (out.verbs.empty())
    for (auto v : kDefaultVerbs) out.verbs.emplace_back(v);
  out.echo.emplace_back("activity", out.activity);
  if (out.related) out.echo.emplace_back("related_activities", "true");
  std::string verbs;
  for (const auto& v : out.verbs) verbs += (verbs.empty() ? "" : ",") + v;
  out.echo.emplace_back("verbs", verbs);
  if (out.since) out.echo.emplace_back("since", format_timestamp(*out.since));
  if (out.until) out.echo.emplace_back("until", format_timestamp(*out.until));
  out.echo.emplace_back("roster", std::to_string(out.roster.size()) + " learners");
  return out;
}

// Walks the statements about the activity once and fills each roster learner's row.
Status fill_rows(const storage::StatementReader& reader, storage::StatementQuery query, const ReportRequest& report,
                 std::vector<Row>& rows) {
  std::unordered_map<std::string_view, size_t> by_identity;
  by_identity.reserve(report.roster.size() * 2);
  for (size_t i = 0; i < report.roster.size(); i++) by_identity.emplace(report.roster[i].identity, i);
  StatementCursor cursor(reader, std::move(query));
  for (;;) {
    auto next = cursor.next();
    if (!next) return next.error();
    if (!*next) return Status::success();
    const storage::StoredStatement& st = **next;
    auto doc = json::Document::parse(st.json);
    if (!doc) return Error{500, "", "a stored statement does not parse"};
    const json::Node actor = doc->root().get("actor");
    const std::string_view verb = doc->root().get("verb").get_string("id");
    const bool done = std::find(report.verbs.begin(), report.verbs.end(), verb) != report.verbs.end();
    auto credit = [&](const std::optional<std::string>& identity) {
      if (!identity) return;
      auto it = by_identity.find(*identity);
      if (it == by_identity.end()) return;
      Row& row = rows[it->second];
      const Hit hit{st.seq, st.id};
      row.count++;
      if (!row.first_any) row.first_any = hit;
      row.latest_any = hit;
      if (done) {
        if (!row.first_done) row.first_done = hit;
        row.latest_done = hit;
      }
    };
    credit(agent_identity(actor));
    if (json::Node members = actor.get("member"); members && members.is_array())
      for (const json::Node& m : members.as_array()) credit(agent_identity(m));
  }
}

// One row: JSON, whose first and latest give id and stored; or, with `prover`, an NDJSON line
// whose first and latest also carry what proves them, as an export's statement line does.
Status append_row(const RosterEntry& entry, const Row& row, std::string& out, const storage::StatementReader& reader,
                  storage::StoreId store, StatementProver* prover) {
  json::Writer w(out);
  w.put('{');
  bool first = true;
  if (prover) {
    w.member("type", first);
    w.quoted("row");
  }
  w.member("agent", first);
  w.put(json::serialize(entry.agent));
  w.member("status", first);
  w.quoted(row.status());
  w.member("count", first);
  w.put(std::to_string(row.count));
  for (auto [name, hit] : {std::pair{"first", &row.first()}, {"latest", &row.latest()}}) {
    if (!*hit) continue;
    std::optional<ProvenStatement> proven;
    if (prover) {
      auto st = reader.get(store, (*hit)->id);
      if (!st) return st.error();
      if (!*st) return Error{500, "", "a reported statement is gone"};
      auto p = prover->prove(**st);
      if (!p) return p.error();
      proven = std::move(*p);
    }
    w.member(name, first);
    w.put(R"({"id":)");
    w.quoted(storage::format_uuid((*hit)->id));
    w.put(R"(,"stored":)");
    w.quoted(format_timestamp(int64_t((*hit)->seq)));
    if (proven) {
      w.put(',');
      evidence::append_proven_members(proven->index, proven->salt, proven->proof, proven->statement_json, w);
    }
    w.put('}');
  }
  w.put('}');
  if (prover) w.put('\n');
  return Status::success();
}

class ReportProducer : public ChunkProducer {
 public:
  enum class Format { json, csv, ndjson };
  ReportProducer(Format format, ReportRequest report, std::vector<Row> rows, std::string header,
                 const storage::StatementReader& reader, const storage::Engine& engine, storage::StoreId store,
                 uint64_t tree_size)
      : format_(format),
        report_(std::move(report)),
        rows_(std::move(rows)),
        header_(std::move(header)),
        reader_(reader),
        store_(store),
        prover_(engine, store, tree_size) {}

  Result<bool> produce(std::string& out) override {
    if (!started_) {
      started_ = true;
      if (format_ == Format::json) out += '[';
      if (format_ == Format::csv) out += "agent,name,status,count,first_id,first_stored,latest_id,latest_stored\r\n";
      if (format_ == Format::ndjson) out += header_;
    }
    for (; next_ < rows_.size() && out.size() < kPieceBytes; next_++) {
      const RosterEntry& entry = report_.roster[next_];
      const Row& row = rows_[next_];
      if (format_ == Format::csv) {
        append_csv_cells(entry, row, out);
        continue;
      }
      if (format_ == Format::json && next_) out += ',';
      if (Status s = append_row(entry, row, out, reader_, store_, format_ == Format::ndjson ? &prover_ : nullptr); !s)
        return s.error();
    }
    if (next_ < rows_.size()) return true;
    if (format_ == Format::json) out += ']';
    if (format_ == Format::ndjson) evidence::append_export_end(rows_.size(), out);
    return false;
  }

 private:
  static void append_csv_cells(const RosterEntry& entry, const Row& row, std::string& out) {
    std::vector<std::string> cells{csv_agent_identifier(entry.agent), std::string(entry.agent.get_string("name")),
                                   std::string(row.status()), std::to_string(row.count)};
    for (const auto* hit : {&row.first(), &row.latest()}) {
      cells.push_back(*hit ? storage::format_uuid((*hit)->id) : "");
      cells.push_back(*hit ? format_timestamp(int64_t((*hit)->seq)) : "");
    }
    append_csv_record(cells, out);
  }

  const Format format_;
  const ReportRequest report_;
  const std::vector<Row> rows_;
  const std::string header_;
  const storage::StatementReader& reader_;
  const storage::StoreId store_;
  StatementProver prover_;
  size_t next_ = 0;
  bool started_ = false;
};

}  // namespace

HttpResponse EvidenceResource::completion_report(const RequestContext& ctx, const HttpRequest& request) {
  if (!exports_.reader || !exports_.pipeline) return error_response(Error{501, "", "reports are not enabled"});
  std::string format = "json";
  if (const std::string* f = request.param("format")) format = *f;
  if (format != "json" && format != "csv" && format != "ndjson")
    return error_response(bad_request("format", "must be json, csv or ndjson"));
  if (format == "ndjson")
    if (auto off = log_off()) return std::move(*off);
  auto report = parse_report_request(request, ctx.version, exports_.roster_agents_max);
  if (!report) return error_response(report.error());

  StatementQueryParams params;
  params.terms.push_back(activity_term(report->activity, report->related));
  params.since_micros = report->since;
  params.until_micros = report->until;
  auto query = to_storage_query(params, ctx.store(), ctx.term_key(), {kCursorPage, kCursorPage});
  if (Status s = bound_to_acknowledged(query, *exports_.pipeline, exports_.index_wait_ms); !s)
    return error_response(s.error());
  std::vector<Row> rows(report->roster.size());
  if (Status s = fill_rows(*exports_.reader, query, *report, rows); !s) return error_response(s.error());

  std::string header;
  uint64_t tree_size = 0;
  if (format == "ndjson") {
    auto head = fresh_signed_head(signer_, *exports_.pipeline, ctx.store(), exports_.index_wait_ms);
    if (!head) return error_response(head.error());
    evidence::append_export_header(head->origin, head->note, head->vkey, report->echo, header);
    tree_size = head->size;
  }
  HttpResponse r;
  r.status = 200;
  r.set_header("Content-Type", format == "json"  ? "application/json"
                               : format == "csv" ? "text/csv; charset=utf-8; header=present"
                                                 : "application/x-ndjson");
  const auto kind = format == "json" ? ReportProducer::Format::json
                    : format == "csv" ? ReportProducer::Format::csv
                                      : ReportProducer::Format::ndjson;
  r.stream = pooled_stream(std::make_unique<ReportProducer>(kind, std::move(*report), std::move(rows), std::move(header),
                                                            *exports_.reader, engine_, ctx.store(), tree_size),
                           exports_.pool, "POST /reports/completion");
  return r;
}

}  // namespace scribe::xapi
