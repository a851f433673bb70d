// json::Document / json::Node: the same rules, errors and serialization as json::parse and
// json::Value, read off simdjson's tape.
#include "common/json_dom.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace scribe::json {
namespace {

const std::vector<std::string> kTexts = {
    R"({"z":1,"a":[true,false,null,"x",-7,2.5],"m":{"b":{},"a":[]},"s":"caf\u00e9"})",
    R"([1e20,-0.0,0.1,18446744073709551615,9223372036854775807,-9223372036854775808,1.0])",
    R"({"esc":"quote\" back\\ nl\n tab\t ctl\u0001 slash\/ uni\u2028"})",
    R"("just a string")", "null", "17", R"({"deep":[[[{"x":[{}]}]]]})",
};

TEST(JsonDom, SerializesExactlyAsTheValueTreeDoes) {
  for (const std::string& text : kTexts) {
    auto doc = Document::parse(text);
    ASSERT_TRUE(doc.ok()) << text;
    auto value = parse(text);
    ASSERT_TRUE(value.ok()) << text;
    EXPECT_EQ(serialize(doc->root()), serialize(*value)) << text;
    EXPECT_TRUE(doc->root().to_value() == *value) << text;
  }
}

TEST(JsonDom, ReadsLikeAValue) {
  auto doc = Document::parse(R"({"a":{"b":"c"},"n":3,"d":2.5,"u":18446744073709551615,"l":[1,2,3],"t":true})");
  ASSERT_TRUE(doc.ok());
  const Node& root = doc->root();
  EXPECT_TRUE(root.is_object());
  EXPECT_EQ(root.as_object().size(), 6u);
  EXPECT_EQ(root.get("a")->get_string("b"), "c");
  EXPECT_TRUE(root.get("n")->is_int());
  EXPECT_EQ(root.get("n")->as_int(), 3);
  EXPECT_EQ(root.get("d")->kind(), Kind::Double);
  EXPECT_EQ(root.get("u")->kind(), Kind::Double) << "past int64, as json::Value reads it";
  EXPECT_DOUBLE_EQ(root.get("u")->as_double(), 18446744073709551615.0);
  EXPECT_TRUE(root.get("t")->as_bool());
  EXPECT_FALSE(root.get("missing"));
  EXPECT_FALSE(root.get("a")->get("b")->get("c")) << "get on a string answers nothing";
  EXPECT_EQ(root.get_string("n"), "") << "not a string";
  int64_t sum = 0;
  size_t count = 0;
  for (Node e : root.get("l")->as_array()) sum += e.as_int(), count++;
  EXPECT_EQ(sum, 6);
  EXPECT_EQ(count, root.get("l")->as_array().size());
  std::string keys;
  for (const auto& [key, value] : root.as_object()) keys += std::string(key) + (value ? "," : "!");
  EXPECT_EQ(keys, "a,n,d,u,l,t,");
}

TEST(JsonDom, RejectsWhatJsonParseRejectsWithTheSameMessage) {
  std::vector<std::string> bad = {
      R"({"a":1,"a":2})", R"({"x":{"k":1,"j":2,"k":3}})", "[1,2", "{\"a\":\"\xff\"}", "",
      std::string(200, '[') + std::string(200, ']'),
  };
  // A large object (past the direct comparison) with its duplicate late.
  std::string large = "{";
  for (int i = 0; i < 40; i++) large += "\"k" + std::to_string(i) + "\":" + std::to_string(i) + ",";
  large += "\"k7\":0}";
  bad.push_back(large);
  for (const std::string& text : bad) {
    auto doc = Document::parse(text);
    auto value = parse(text);
    ASSERT_FALSE(doc.ok()) << text;
    ASSERT_FALSE(value.ok()) << text;
    EXPECT_EQ(doc.error().describe(), value.error().describe()) << text;
  }
  EXPECT_TRUE(Document::parse(std::string(129, '[') + std::string(129, ']')).ok()) << "depth 128 below the root";
  EXPECT_FALSE(Document::parse(std::string(130, '[') + std::string(130, ']')).ok()) << "one past limits.json_depth_max";
}

TEST(JsonDom, DocumentsParsedInsideOthersStayValid) {
  auto outer = Document::parse(R"({"name":"outer","list":[1,2]})");
  ASSERT_TRUE(outer.ok());
  {
    auto inner = Document::parse(R"({"name":"inner"})");
    ASSERT_TRUE(inner.ok());
    EXPECT_EQ(inner->root().get_string("name"), "inner");
  }
  auto third = Document::parse(R"({"name":"third, reusing the inner parser"})");
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(outer->root().get_string("name"), "outer");
  Document moved = std::move(*outer);
  EXPECT_EQ(serialize(moved.root()), R"({"name":"outer","list":[1,2]})");
}

}  // namespace
}  // namespace scribe::json
