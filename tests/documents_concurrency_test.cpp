// ETag preconditions on the document resources (Communication 3.1, and 2.0's 4.1.4): every
// combination of If-Match / If-None-Match / neither, for PUT, POST and DELETE, onto an existing
// and a missing document, for State and the profiles, in 1.0.3 and 2.0. A refused request
// leaves the document as it was; an accepted one changes it.
#include <string>

#include "tests/documents_fixture.h"

namespace scribe::xapi::testing {
namespace {

enum class Pre { None, MatchCurrent, MatchOther, MatchStar, NoneMatchStar, NoneMatchCurrent, NoneMatchOther };

const char* name_of(Pre p) {
  switch (p) {
    case Pre::None: return "no header";
    case Pre::MatchCurrent: return "If-Match current";
    case Pre::MatchOther: return "If-Match other";
    case Pre::MatchStar: return "If-Match *";
    case Pre::NoneMatchStar: return "If-None-Match *";
    case Pre::NoneMatchCurrent: return "If-None-Match current";
    case Pre::NoneMatchOther: return "If-None-Match other";
  }
  return "?";
}

struct Resource {
  std::string path;
  bool is_state;
};

// What the spec (and the conformance suites) ask for.
int expected_status(const std::string& method, Pre pre, bool exists, bool is_state, bool v1) {
  switch (pre) {
    case Pre::MatchCurrent:
    case Pre::MatchStar:
      if (!exists) return 412;
      break;
    case Pre::MatchOther: return 412;
    case Pre::NoneMatchStar:
    case Pre::NoneMatchCurrent:
      if (exists) return 412;
      break;
    case Pre::NoneMatchOther:
    case Pre::None: break;
  }
  if (method == "PUT" && pre == Pre::None) {
    bool header_required = !v1 || !is_state;  // 1.0.3 exempts State; 2.0 does not
    if (header_required && exists) return 409;
    if (header_required && v1) return 400;  // the 1.0.3 suite's rule for new profile docs
  }
  return 204;
}

class DocumentsConcurrencyTest : public DocumentsApiTest {
 protected:
  Query query_for(const Resource& r, const std::string& id) {
    return r.is_state ? state(id) : activity_profile(id);
  }

  void check(const Resource& res, const std::string& method, Pre pre, bool exists,
             const char* version) {
    static int counter = 0;
    const std::string id = "doc-" + std::to_string(++counter);
    const Query q = query_for(res, id);
    const std::string original = R"({"v":"original","keep":1})";
    std::string etag = "\"0000000000000000000000000000000000000000\"";
    if (exists) {
      ASSERT_EQ(send("PUT", res.path, q, original, {{"if-none-match", "*"}}, version).status, 204);
      etag = etag_of(res.path, q, version);
    }
    Headers h;
    switch (pre) {
      case Pre::None: break;
      case Pre::MatchCurrent: h = {{"if-match", etag}}; break;
      case Pre::MatchOther: h = {{"if-match", "\"1234\""}}; break;
      case Pre::MatchStar: h = {{"if-match", "*"}}; break;
      case Pre::NoneMatchStar: h = {{"if-none-match", "*"}}; break;
      case Pre::NoneMatchCurrent: h = {{"if-none-match", etag}}; break;
      case Pre::NoneMatchOther: h = {{"if-none-match", "\"1234\""}}; break;
    }
    const std::string body = method == "DELETE" ? "" : R"({"v":"new"})";
    HttpResponse r = send(method, res.path, q, body, h, version);
    const bool v1 = std::string(version) == kV1;
    const int want = expected_status(method, pre, exists, res.is_state, v1);
    SCOPED_TRACE(std::string(version) + " " + res.path + " " + method + " with " + name_of(pre) +
                 (exists ? " onto an existing document" : " onto a missing document"));
    ASSERT_EQ(r.status, want) << r.body;
    if (want >= 400) {
      EXPECT_FALSE(r.body.empty());
    }

    HttpResponse after = send("GET", res.path, q, "", {}, version);
    if (want != 204 && exists) {  // unchanged
      EXPECT_EQ(after.body, original);
    } else if (want != 204) {
      EXPECT_EQ(after.status, 404);
    } else if (method == "DELETE") {
      EXPECT_EQ(after.status, 404);
    } else if (method == "POST" && exists) {
      EXPECT_EQ(body_json(after), parse(R"({"v":"new","keep":1})"));
    } else {
      EXPECT_EQ(after.body, R"({"v":"new"})");
    }
  }
};

TEST_F(DocumentsConcurrencyTest, EveryPreconditionCombinationForEveryMethodAndVersion) {
  const Resource resources[] = {{"/activities/state", true}, {"/activities/profile", false}};
  const Pre pres[] = {Pre::None,          Pre::MatchCurrent,     Pre::MatchOther,    Pre::MatchStar,
                      Pre::NoneMatchStar, Pre::NoneMatchCurrent, Pre::NoneMatchOther};
  for (const char* version : {kV1, kV2})
    for (const auto& res : resources)
      for (const char* method : {"PUT", "POST", "DELETE"})
        for (Pre pre : pres)
          for (bool exists : {true, false}) check(res, method, pre, exists, version);
}

TEST_F(DocumentsConcurrencyTest, AgentProfileFollowsTheProfileRules) {
  const std::string path = "/agents/profile";
  ASSERT_EQ(send("PUT", path, agent_profile("p"), "{}", {}, kV1).status, 400);
  ASSERT_EQ(send("PUT", path, agent_profile("p"), "{}", {}, kV2).status, 204);
  EXPECT_EQ(send("PUT", path, agent_profile("p"), "{}", {}, kV1).status, 409);
  EXPECT_EQ(send("PUT", path, agent_profile("p"), "{}", {}, kV2).status, 409);
  std::string etag = etag_of(path, agent_profile("p"));
  EXPECT_EQ(send("PUT", path, agent_profile("p"), R"({"b":1})", {{"if-match", etag}}).status, 204);
  EXPECT_EQ(send("PUT", path, agent_profile("p"), R"({"c":1})", {{"if-match", etag}}).status, 412);
}

TEST_F(DocumentsConcurrencyTest, IfMatchAcceptsWeakTagsAndLists) {
  const std::string path = "/activities/profile";
  ASSERT_EQ(send("PUT", path, activity_profile("p"), "{}", {{"if-none-match", "*"}}).status, 204);
  std::string etag = etag_of(path, activity_profile("p"));
  EXPECT_EQ(send("POST", path, activity_profile("p"), R"({"a":1})",
                 {{"if-match", "\"abc\", W/" + etag}}).status, 204);
}

TEST_F(DocumentsConcurrencyTest, ConflictMessageTellsTheClientWhatToDo) {
  const std::string path = "/activities/profile";
  ASSERT_EQ(send("PUT", path, activity_profile("p"), "{}", {{"if-none-match", "*"}}).status, 204);
  HttpResponse r = send("PUT", path, activity_profile("p"), "{}");
  ASSERT_EQ(r.status, 409);
  EXPECT_NE(r.body.find("If-Match"), std::string::npos);
}

TEST_F(DocumentsConcurrencyTest, EtagChangesWithContent) {
  const std::string path = "/activities/state";
  ASSERT_EQ(send("PUT", path, state("s"), R"({"a":1})").status, 204);
  std::string first = etag_of(path, state("s"));
  ASSERT_EQ(send("POST", path, state("s"), R"({"b":1})").status, 204);
  EXPECT_NE(first, etag_of(path, state("s")));
}

}  // namespace
}  // namespace scribe::xapi::testing
