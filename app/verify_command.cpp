#include "app/verify_command.h"

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>

#include "app/command_line.h"
#include "common/base64.h"
#include "evidence/checkpoint.h"
#include "evidence/export_verifier.h"
#include "evidence/note.h"
#include "server/http_client.h"

namespace scribe::app {

namespace {

std::optional<std::string> read_whole(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return std::nullopt;
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

Result<std::vector<evidence::Hash>> parse_proof_lines(const std::string& text, const std::string& where) {
  std::vector<evidence::Hash> proof;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    line = trimmed(line);
    if (line.empty()) continue;
    auto h = evidence::parse_hash_base64(line);
    if (!h) return Error{1, "", where + ": not a base64 SHA-256 hash: " + line};
    proof.push_back(*h);
  }
  return proof;
}

// GET {url}/evidence/consistency?from=…&to=… with SCRIBE_KEY / SCRIBE_SECRET.
Result<std::vector<evidence::Hash>> fetch_consistency(const std::string& url, const std::string& ca_file,
                                                     uint64_t from, uint64_t to) {
  server::HttpClientRequest req;
  std::string base = url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  req.url = base + "/evidence/consistency?from=" + std::to_string(from) + "&to=" + std::to_string(to);
  req.ca_file = ca_file;
  const char* key = std::getenv("SCRIBE_KEY");
  const char* secret = std::getenv("SCRIBE_SECRET");
  if (key && *key && secret && *secret)
    req.headers.emplace_back("Authorization", "Basic " + base64_encode(std::string(key) + ":" + secret));
  auto r = server::http_request(req);
  if (!r) return Error{1, "", "fetching the consistency proof: " + r.error().message};
  if (r->status != 200)
    return Error{1, "", "fetching the consistency proof: HTTP " + std::to_string(r->status) + " " + r->body.substr(0, 300)};
  return parse_proof_lines(r->body, req.url);
}

}  // namespace

int verify_main(int argc, char** argv, std::istream& in, std::ostream& out, std::ostream& err) {
  std::string file, key, previous_file, consistency_file, url, ca_file;
  ArgWalker args(argc, argv);
  while (args.next()) {
    if (auto v = args.value_of("--key")) key = *v;
    else if (auto v = args.value_of("--previous")) previous_file = *v;
    else if (auto v = args.value_of("--consistency")) consistency_file = *v;
    else if (auto v = args.value_of("--url")) url = *v;
    else if (auto v = args.value_of("--ca-file")) ca_file = *v;
    else if (args.current() == "--help" || args.current() == "help") {
      out << kVerifyUsage;
      return 0;
    } else if (args.current().starts_with("--") || !file.empty()) {
      err << "scribe verify: unexpected argument " << args.current() << "\n" << kVerifyUsage;
      return 2;
    } else {
      file = args.current();
    }
  }
  if (file.empty()) {
    err << "scribe verify: no export file\n" << kVerifyUsage;
    return 2;
  }
  if (!consistency_file.empty() && !url.empty()) {
    err << "scribe verify: --consistency and --url are alternatives\n" << kVerifyUsage;
    return 2;
  }
  if (previous_file.empty() && (!consistency_file.empty() || !url.empty())) {
    err << "scribe verify: --consistency and --url need --previous\n" << kVerifyUsage;
    return 2;
  }

  evidence::VerifyOptions options;
  if (!key.empty()) {
    auto text = read_whole(key);
    options.vkey = trimmed(text ? *text : key);
  }
  std::optional<evidence::Checkpoint> previous;
  if (!previous_file.empty()) {
    auto text = read_whole(previous_file);
    if (!text) {
      err << "scribe verify: cannot read " << previous_file << "\n";
      return 1;
    }
    options.previous_checkpoint = *text;
    auto c = evidence::parse_checkpoint(evidence::note_text(*text));
    if (!c) {
      err << "scribe verify: " << previous_file << " is not a checkpoint: " << c.error().describe() << "\n";
      return 1;
    }
    previous = *c;
  }
  if (!consistency_file.empty()) {
    auto text = read_whole(consistency_file);
    if (!text) {
      err << "scribe verify: cannot read " << consistency_file << "\n";
      return 1;
    }
    auto proof = parse_proof_lines(*text, consistency_file);
    if (!proof) {
      err << "scribe verify: " << proof.error().message << "\n";
      return 1;
    }
    options.consistency = std::move(*proof);
  }

  std::ifstream file_stream;
  std::istream* source = &in;
  if (file != "-") {
    file_stream.open(file, std::ios::binary);
    if (!file_stream) {
      err << "scribe verify: cannot open " << file << "\n";
      return 1;
    }
    source = &file_stream;
  }
  const bool fetch = !url.empty();
  evidence::ExportVerifier verifier(options);
  bool fetched = false;
  for (std::string line; std::getline(*source, line);) {
    verifier.line(line);
    if (fetch && !fetched && verifier.checkpoint()) {
      fetched = true;
      const uint64_t to = verifier.checkpoint()->size;
      if (previous->size >= 1 && previous->size <= to) {
        auto proof = fetch_consistency(url, ca_file, previous->size, to);
        if (!proof) {
          err << "scribe verify: " << proof.error().message << "\n";
          return 1;
        }
        // The verifier was made before the proof was known: hand it over now.
        verifier.set_consistency(std::move(*proof));
      }
    }
  }
  if (source->bad()) {
    err << "scribe verify: reading " << file << " failed\n";
    return 1;
  }
  const evidence::VerifyReport report = verifier.finish();
  if (!report.ok()) {
    out << "FAILED: " << *report.failure << "\n";
    out << report.statements << " statements verified before the failure, " << report.lines << " lines read\n";
    return 1;
  }
  if (report.rows)
    out << "ok: " << report.rows << " report rows, " << report.proofs << " statements' inclusion proofs verified"
        << " against the checkpoint of " << report.tree_size << " leaves of " << report.origin << "\n";
  else
    out << "ok: " << report.statements << " statements"
        << (report.erased ? " and " + std::to_string(report.erased) + " erased (their leaf hashes kept)" : "")
        << ", every inclusion proof verified against the checkpoint of " << report.tree_size << " leaves of "
        << report.origin << "\n";
  if (report.key_from_export)
    out << "note: checked with the key the export names (pass --key with the log's published key to "
           "prove who signed it)\n";
  else
    out << "signed by the key given\n";
  if (report.consistency_checked)
    out << "the checkpoint extends the previous one (" << previous->size << " leaves): nothing before it was rewritten\n";
  return 0;
}

int verify_command(int argc, char** argv) { return verify_main(argc, argv, std::cin, std::cout, std::cerr); }

}  // namespace scribe::app
