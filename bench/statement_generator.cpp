#include "bench/statement_generator.h"

#include <array>
#include <cstdio>
#include <string_view>

#include "common/timestamp.h"

namespace scribe::bench {

namespace {

struct Verb {
  std::string_view id;
  std::string_view display;
  uint32_t weight;  // relative frequency
};

// ADL verbs first, then profile and custom verbs. Weights give the skew of a real LRS.
constexpr std::array<Verb, 22> kVerbs = {{
    {"http://adlnet.gov/expapi/verbs/answered", "answered", 30},
    {"http://adlnet.gov/expapi/verbs/experienced", "experienced", 20},
    {"http://adlnet.gov/expapi/verbs/attempted", "attempted", 8},
    {"http://adlnet.gov/expapi/verbs/completed", "completed", 8},
    {"http://adlnet.gov/expapi/verbs/passed", "passed", 4},
    {"http://adlnet.gov/expapi/verbs/failed", "failed", 2},
    {"http://adlnet.gov/expapi/verbs/launched", "launched", 6},
    {"http://adlnet.gov/expapi/verbs/initialized", "initialized", 5},
    {"http://adlnet.gov/expapi/verbs/terminated", "terminated", 5},
    {"http://adlnet.gov/expapi/verbs/progressed", "progressed", 6},
    {"http://adlnet.gov/expapi/verbs/scored", "scored", 2},
    {"http://adlnet.gov/expapi/verbs/interacted", "interacted", 3},
    {"http://adlnet.gov/expapi/verbs/mastered", "mastered", 1},
    {"http://adlnet.gov/expapi/verbs/commented", "commented", 1},
    {"http://adlnet.gov/expapi/verbs/registered", "registered", 1},
    {"http://adlnet.gov/expapi/verbs/suspended", "suspended", 2},
    {"http://adlnet.gov/expapi/verbs/resumed", "resumed", 2},
    {"https://w3id.org/xapi/video/verbs/played", "played", 6},
    {"https://w3id.org/xapi/video/verbs/paused", "paused", 4},
    {"https://w3id.org/xapi/video/verbs/seeked", "seeked", 2},
    {"https://example.com/xapi/verbs/bookmarked", "bookmarked", 1},
    {"https://example.com/xapi/verbs/reviewed", "reviewed", 1},
}};

enum class ItemKind {
  Lesson, Video, Choice, FillIn, Likert, TrueFalse, Numeric, Sequencing, Matching, LongFillIn
};
constexpr uint32_t kItemKinds = 10;

constexpr std::string_view kChoices[] = {"golf", "tetris", "facebook", "scrabble", "chess",
                                         "soccer"};
constexpr std::string_view kLikert[] = {"likert_0", "likert_1", "likert_2", "likert_3",
                                        "likert_4"};
constexpr std::string_view kWords[] = {"alpha", "bravo", "charlie", "delta", "echo", "foxtrot",
                                       "golf", "hotel", "india", "juliet", "kilo", "lima"};

void append_u(std::string& out, uint64_t v) { out += std::to_string(v); }

void append_lang(std::string& out, std::string_view text) {
  out += "{\"en-US\":\"";
  out += text;
  out += "\"}";
}

// A v4 UUID from two random words.
void append_uuid(uint64_t a, uint64_t b, std::string& out) {
  static const char* hex = "0123456789abcdef";
  uint8_t bytes[16];
  for (int k = 0; k < 8; k++) bytes[k] = uint8_t(a >> (8 * k));
  for (int k = 0; k < 8; k++) bytes[8 + k] = uint8_t(b >> (8 * k));
  bytes[6] = uint8_t((bytes[6] & 0x0f) | 0x40);
  bytes[8] = uint8_t((bytes[8] & 0x3f) | 0x80);
  for (int k = 0; k < 16; k++) {
    if (k == 4 || k == 6 || k == 8 || k == 10) out.push_back('-');
    out.push_back(hex[bytes[k] >> 4]);
    out.push_back(hex[bytes[k] & 15]);
  }
}

// ISO 8601 duration such as PT3M12.5S.
void append_duration(double seconds, std::string& out) {
  char buf[48];
  int minutes = int(seconds / 60);
  double rest = seconds - minutes * 60.0;
  if (minutes > 0) std::snprintf(buf, sizeof buf, "PT%dM%.2fS", minutes, rest);
  else std::snprintf(buf, sizeof buf, "PT%.2fS", rest);
  out += buf;
}

void append_double(double v, std::string& out) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  out += buf;
}

ItemKind item_kind(uint32_t activity_in_course) {
  return ItemKind(activity_in_course % kItemKinds);
}

bool is_interaction(ItemKind k) { return k != ItemKind::Lesson && k != ItemKind::Video; }

uint32_t pick_verb(Rng& rng) {
  static const uint32_t total = [] {
    uint32_t t = 0;
    for (const auto& v : kVerbs) t += v.weight;
    return t;
  }();
  uint32_t r = rng.below(total);
  for (uint32_t k = 0; k < kVerbs.size(); k++) {
    if (r < kVerbs[k].weight) return k;
    r -= kVerbs[k].weight;
  }
  return 0;
}

}  // namespace

StatementGenerator::StatementGenerator(GeneratorOptions options) : options_(options) {
  if (options_.learners == 0) options_.learners = 1;
  if (options_.groups == 0) options_.groups = 1;
  if (options_.courses == 0) options_.courses = 1;
  if (options_.activities_per_course == 0) options_.activities_per_course = 1;
  if (options_.registrations == 0) options_.registrations = 1;
}

uint32_t StatementGenerator::verb_count() const { return uint32_t(kVerbs.size()); }

std::string StatementGenerator::verb_id(uint32_t verb) const {
  return std::string(kVerbs[verb % kVerbs.size()].id);
}

std::string StatementGenerator::course_id(uint32_t course) const {
  return "https://courses.example.com/c/" + std::to_string(course);
}

std::string StatementGenerator::activity_id(uint32_t activity) const {
  uint32_t course = activity / options_.activities_per_course;
  uint32_t item = activity % options_.activities_per_course;
  return course_id(course) + "/items/" + std::to_string(item);
}

std::string StatementGenerator::registration(uint32_t r) const {
  std::string out;
  append_uuid(mix64(options_.seed * 11 + r), mix64(options_.seed * 13 + r), out);
  return out;
}

uint32_t StatementGenerator::registration_course(uint32_t r) const {
  return uint32_t(mix64(options_.seed * 5 + r) % options_.courses);
}

uint32_t StatementGenerator::registration_learner(uint32_t r) const {
  return uint32_t(mix64(options_.seed * 3 + r) % options_.learners);
}

uint32_t StatementGenerator::group_size(uint32_t group) const {
  return 2 + uint32_t(mix64(options_.seed * 17 + group) % 5);
}

uint32_t StatementGenerator::group_member(uint32_t group, uint32_t k) const {
  return uint32_t(mix64(options_.seed * 7 + uint64_t(group) * 16 + k) % options_.learners);
}

bool StatementGenerator::group_identified(uint32_t group) const { return group % 2 == 0; }

std::string StatementGenerator::statement_id(uint64_t i) const {
  std::string out;
  append_uuid(mix64(options_.seed ^ mix64(i * 2 + 1)), mix64(options_.seed + mix64(i * 2 + 2)),
              out);
  return out;
}

StatementFacts StatementGenerator::facts(uint64_t i) const {
  Rng rng(mix64(options_.seed ^ mix64(i)));
  StatementFacts f{};
  f.registration = rng.below(options_.registrations);
  f.learner = registration_learner(f.registration);
  uint32_t course = registration_course(f.registration);
  uint32_t item = rng.below(options_.activities_per_course);
  f.activity = course * options_.activities_per_course + item;
  f.group_actor = rng.below(100) < 5;
  if (f.group_actor) {
    f.group = rng.below(options_.groups);
    f.learner = group_member(f.group, 0);
  }
  if (is_interaction(item_kind(item)) && rng.below(100) < 70) {
    f.verb = 0;  // answered
  } else {
    f.verb = pick_verb(rng);
  }
  return f;
}

void StatementGenerator::append_agent(uint32_t learner, std::string& out) const {
  out += "{\"objectType\":\"Agent\",\"name\":\"Learner ";
  append_u(out, learner);
  if (learner % 3 == 0) {
    out += "\",\"account\":{\"homePage\":\"https://lms.example.com\",\"name\":\"u";
    append_u(out, learner);
    out += "\"}}";
  } else {
    out += "\",\"mbox\":\"mailto:learner";
    append_u(out, learner);
    out += "@example.org\"}";
  }
}

std::string StatementGenerator::learner_agent_json(uint32_t learner) const {
  learner %= options_.learners;
  std::string out;
  if (learner % 3 == 0) {
    out = "{\"account\":{\"homePage\":\"https://lms.example.com\",\"name\":\"u" +
          std::to_string(learner) + "\"}}";
  } else {
    out = "{\"mbox\":\"mailto:learner" + std::to_string(learner) + "@example.org\"}";
  }
  return out;
}

std::string StatementGenerator::group_agent_json(uint32_t group) const {
  group = group % options_.groups & ~1u;  // identified groups are the even ones
  return "{\"objectType\":\"Group\",\"mbox\":\"mailto:team" + std::to_string(group) +
         "@example.org\"}";
}

void StatementGenerator::append_group(uint32_t group, std::string& out) const {
  out += "{\"objectType\":\"Group\",";
  if (group_identified(group)) {
    out += "\"name\":\"Team ";
    append_u(out, group);
    out += "\",\"mbox\":\"mailto:team";
    append_u(out, group);
    out += "@example.org\",";
  }
  out += "\"member\":[";
  uint32_t n = group_size(group);
  for (uint32_t k = 0; k < n; k++) {
    if (k) out += ',';
    append_agent(group_member(group, k), out);
  }
  out += "]}";
}

void StatementGenerator::append_activity(uint32_t activity, uint64_t rng_state,
                                         std::string& out) const {
  Rng rng(rng_state);
  uint32_t item = activity % options_.activities_per_course;
  ItemKind kind = item_kind(item);
  out += "{\"objectType\":\"Activity\",\"id\":\"";
  out += activity_id(activity);
  out += "\",\"definition\":{\"name\":";
  std::string name = "Item " + std::to_string(item) + " of course " +
                     std::to_string(activity / options_.activities_per_course);
  append_lang(out, name);
  out += ",\"description\":";
  append_lang(out, "Practice item " + std::to_string(item) + " covering " +
                       std::string(kWords[item % 12]) + " and " +
                       std::string(kWords[(item + 5) % 12]));
  switch (kind) {
    case ItemKind::Lesson:
      out += ",\"type\":\"http://adlnet.gov/expapi/activities/lesson\"}}";
      return;
    case ItemKind::Video:
      out += ",\"type\":\"https://w3id.org/xapi/video/activity-type/video\",\"extensions\":{"
             "\"https://w3id.org/xapi/video/extensions/length\":";
      append_u(out, 60 + item * 7);
      out += "}}}";
      return;
    default: break;
  }
  out += ",\"type\":\"http://adlnet.gov/expapi/activities/cmi.interaction\",\"interactionType\":\"";
  switch (kind) {
    case ItemKind::Choice:
      out += "choice\",\"correctResponsesPattern\":[\"golf[,]tetris\"],\"choices\":[";
      for (size_t k = 0; k < 4; k++) {
        if (k) out += ',';
        out += "{\"id\":\"";
        out += kChoices[k];
        out += "\",\"description\":";
        append_lang(out, kChoices[k]);
        out += '}';
      }
      out += ']';
      break;
    case ItemKind::FillIn:
      out += "fill-in\",\"correctResponsesPattern\":[\"";
      out += kWords[item % 12];
      out += "\"]";
      break;
    case ItemKind::LongFillIn:
      out += "long-fill-in\",\"correctResponsesPattern\":[\"{case_matters=false}";
      out += kWords[item % 12];
      out += " is the answer\"]";
      break;
    case ItemKind::Likert:
      out += "likert\",\"correctResponsesPattern\":[\"likert_3\"],\"scale\":[";
      for (size_t k = 0; k < 5; k++) {
        if (k) out += ',';
        out += "{\"id\":\"";
        out += kLikert[k];
        out += "\",\"description\":";
        append_lang(out, k < 2 ? "Disagree" : k == 2 ? "Neutral" : "Agree");
        out += '}';
      }
      out += ']';
      break;
    case ItemKind::TrueFalse:
      out += "true-false\",\"correctResponsesPattern\":[\"true\"]";
      break;
    case ItemKind::Numeric:
      out += "numeric\",\"correctResponsesPattern\":[\"4[:]6\"]";
      break;
    case ItemKind::Sequencing:
      out += "sequencing\",\"correctResponsesPattern\":[\"tetris[,]golf[,]chess\"],\"choices\":[";
      for (size_t k = 0; k < 3; k++) {
        if (k) out += ',';
        out += "{\"id\":\"";
        out += kChoices[k == 2 ? 4 : k];
        out += "\",\"description\":";
        append_lang(out, kChoices[k == 2 ? 4 : k]);
        out += '}';
      }
      out += ']';
      break;
    case ItemKind::Matching:
      out += "matching\",\"correctResponsesPattern\":[\"ben[.]3[,]chris[.]2\"],\"source\":["
             "{\"id\":\"ben\",\"description\":{\"en-US\":\"Ben\"}},"
             "{\"id\":\"chris\",\"description\":{\"en-US\":\"Chris\"}}],\"target\":["
             "{\"id\":\"2\",\"description\":{\"en-US\":\"Swimming\"}},"
             "{\"id\":\"3\",\"description\":{\"en-US\":\"Fencing\"}}]";
      break;
    default: break;
  }
  (void)rng;
  out += "}}";
}

void StatementGenerator::append_statement(uint64_t i, std::string& out) const {
  const StatementFacts f = facts(i);
  Rng rng(mix64(options_.seed + 0x5bd1e995ull * (i + 1)));
  const uint32_t item = f.activity % options_.activities_per_course;
  const ItemKind kind = item_kind(item);
  const uint32_t course = f.activity / options_.activities_per_course;
  const Verb& verb = kVerbs[f.verb];

  out += "{\"id\":\"";
  out += statement_id(i);
  out += "\",\"actor\":";
  if (f.group_actor) append_group(f.group, out);
  else append_agent(f.learner, out);
  out += ",\"verb\":{\"id\":\"";
  out += verb.id;
  out += "\",\"display\":";
  append_lang(out, verb.display);
  out += "},\"object\":";
  append_activity(f.activity, rng.next(), out);

  // Result: what a real activity provider reports for this kind of verb.
  const std::string_view v = verb.display;
  const bool scored = v == "answered" || v == "completed" || v == "passed" || v == "failed" ||
                      v == "scored" || v == "mastered";
  if (scored || v == "progressed" || rng.below(2) == 0) {
    out += ",\"result\":{";
    if (scored) {
      uint32_t raw = rng.below(101);
      out += "\"score\":{\"scaled\":";
      append_double(raw / 100.0, out);
      out += ",\"raw\":";
      append_u(out, raw);
      out += ",\"min\":0,\"max\":100},\"success\":";
      out += raw >= 60 ? "true" : "false";
      out += ",\"completion\":true,";
      if (v == "answered" && is_interaction(kind)) {
        out += "\"response\":\"";
        switch (kind) {
          case ItemKind::Choice: out += raw >= 60 ? "golf[,]tetris" : "facebook"; break;
          case ItemKind::Likert: out += kLikert[raw % 5]; break;
          case ItemKind::TrueFalse: out += raw >= 60 ? "true" : "false"; break;
          case ItemKind::Numeric: append_u(out, raw % 10); break;
          case ItemKind::Sequencing: out += "tetris[,]golf[,]chess"; break;
          case ItemKind::Matching: out += "ben[.]3[,]chris[.]2"; break;
          default: out += kWords[raw % 12]; break;
        }
        out += "\",";
      }
    } else if (v == "progressed") {
      out += "\"extensions\":{\"https://w3id.org/xapi/cmi5/result/extensions/progress\":";
      append_u(out, rng.below(101));
      out += "},";
    }
    out += "\"duration\":\"";
    append_duration(5 + rng.unit() * 900, out);
    out += "\"}";
  }

  // Context: the registration, the course hierarchy, who taught, and provider extensions.
  out += ",\"context\":{\"registration\":\"";
  out += registration(f.registration);
  out += "\",\"contextActivities\":{\"parent\":[{\"id\":\"";
  out += course_id(course);
  out += "\",\"objectType\":\"Activity\"}],\"grouping\":[{\"id\":\"https://courses.example.com/"
         "programs/";
  append_u(out, course % 5);
  out += "\"}],\"category\":[{\"id\":\"https://w3id.org/xapi/cmi5/context/categories/moveon\"}]}";
  if (rng.below(5) == 0) {
    out += ",\"instructor\":";
    append_agent(uint32_t(mix64(options_.seed * 19 + course) % options_.learners), out);
  }
  out += ",\"platform\":\"Bench LMS 4.2\",\"language\":\"en-US\",\"extensions\":{"
         "\"https://example.com/xapi/extensions/session\":\"";
  append_uuid(rng.next(), rng.next(), out);
  out += "\",\"https://example.com/xapi/extensions/attempt\":";
  append_u(out, 1 + rng.below(3));
  out += ",\"https://example.com/xapi/extensions/browser\":{\"name\":\"Firefox\",\"version\":\"";
  append_u(out, 110 + rng.below(15));
  out += "\"}}}";

  const int64_t t = options_.first_timestamp_micros +
                    int64_t(i) * options_.timestamp_step_micros +
                    int64_t(rng.below(uint32_t(options_.timestamp_step_micros / 1000))) * 1000;
  out += ",\"timestamp\":\"";
  out += format_timestamp(t);
  out += "\"}";
}

std::string StatementGenerator::statement(uint64_t i) const {
  std::string out;
  out.reserve(1400);
  append_statement(i, out);
  return out;
}

std::string StatementGenerator::batch(uint64_t first, uint32_t count) const {
  std::string out;
  out.reserve(size_t(count) * 1400 + 2);
  out.push_back('[');
  for (uint32_t k = 0; k < count; k++) {
    if (k) out.push_back(',');
    append_statement(first + k, out);
  }
  out.push_back(']');
  return out;
}

}  // namespace scribe::bench
