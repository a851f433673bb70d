// Realistic xAPI statements for benchmarks, deterministic from a seed: statement i is the same
// bytes on every run and on every machine, so a store preloaded with statements [0, n) can be
// queried with filter values that are known to exist (facts(i) says which learner, verb,
// activity and registration statement i uses).
//
// The population: learners identified by mbox or account, groups of learners (identified and
// anonymous), ADL and custom verbs, course activities whose definitions carry interaction
// types (choice, fill-in, likert, ...), registrations (one learner attempting one course),
// results with scores and durations, context activities, instructors and extensions.
// Statements are about 1 KB of compact JSON and valid for xAPI 1.0.3 and 2.0.
#pragma once

#include <cstdint>
#include <string>

namespace scribe::bench {

struct GeneratorOptions {
  uint64_t seed = 42;
  uint32_t learners = 10000;
  uint32_t groups = 200;         // every group has 2-6 learners
  uint32_t courses = 40;
  uint32_t activities_per_course = 50;
  uint32_t registrations = 20000;  // registration r belongs to one learner and one course
  int64_t first_timestamp_micros = 1704067200000000;  // 2024-01-01T00:00:00Z
  int64_t timestamp_step_micros = 30000000;           // ~30 s between statements
};

// Which population members statement i uses (its filter values).
struct StatementFacts {
  uint32_t learner;       // actor (or a member of the actor group)
  uint32_t verb;          // index into the verb list
  uint32_t activity;      // object activity, global index
  uint32_t registration;  // context.registration
  bool group_actor;       // actor is a group (learner is then one of its members)
  uint32_t group;         // valid when group_actor
};

class StatementGenerator {
 public:
  explicit StatementGenerator(GeneratorOptions options = {});

  const GeneratorOptions& options() const { return options_; }

  // Statement i as compact JSON, with a client-generated id.
  std::string statement(uint64_t i) const;
  void append_statement(uint64_t i, std::string& out) const;
  // Statements [first, first + count) as a JSON array.
  std::string batch(uint64_t first, uint32_t count) const;
  StatementFacts facts(uint64_t i) const;
  // The id of statement i (lower-case, hyphenated UUID v4).
  std::string statement_id(uint64_t i) const;

  // Population members, as filter values for GET /statements.
  uint32_t verb_count() const;
  uint32_t activity_count() const { return options_.courses * options_.activities_per_course; }
  std::string learner_agent_json(uint32_t learner) const;  // `agent` parameter
  std::string group_agent_json(uint32_t group) const;      // identified groups only
  std::string verb_id(uint32_t verb) const;
  std::string activity_id(uint32_t activity) const;
  std::string course_id(uint32_t course) const;
  std::string registration(uint32_t registration) const;
  // The course of registration r (its context parent); registrations map to learners too.
  uint32_t registration_course(uint32_t registration) const;
  uint32_t registration_learner(uint32_t registration) const;

 private:
  void append_agent(uint32_t learner, std::string& out) const;
  void append_group(uint32_t group, std::string& out) const;
  void append_activity(uint32_t activity, uint64_t rng_state, std::string& out) const;
  uint32_t group_member(uint32_t group, uint32_t k) const;
  uint32_t group_size(uint32_t group) const;
  bool group_identified(uint32_t group) const;

  GeneratorOptions options_;
};

// A 64-bit mixer (splitmix64 finaliser): the deterministic source of every choice.
inline uint64_t mix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

// A small deterministic generator for choices that need a stream of numbers.
class Rng {
 public:
  explicit Rng(uint64_t state) : state_(state) {}
  uint64_t next() { return mix64(state_++); }
  uint32_t below(uint32_t n) { return n ? uint32_t(next() % n) : 0; }
  double unit() { return double(next() >> 11) * (1.0 / 9007199254740992.0); }

 private:
  uint64_t state_;
};

}  // namespace scribe::bench
