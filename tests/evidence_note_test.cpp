// C2SP signed notes, vkeys, checkpoints and tlog-proofs (evidence/note.h, evidence/checkpoint.h):
// the signed-note spec's own example verifies under its vkey; notes this code signs verify and
// every alteration is caught with a message that says what; checkpoint and proof texts round-trip
// and malformed ones are refused.
#include "evidence/checkpoint.h"
#include "evidence/note.h"

#include <gtest/gtest.h>

#include <string>

#include "evidence/merkle.h"

namespace scribe::evidence {
namespace {

const std::string kEmDash = "\xE2\x80\x94";

TEST(SignedNoteTest, TheSpecExampleVerifiesUnderItsVkey) {
  auto v = NoteVerifier::from_vkey("example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k");
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_EQ(v->name(), "example.com/foo");
  EXPECT_EQ(v->key_id(), 0x530d903au);
  const std::string note = "This is an example message.\n\n" + kEmDash +
                           " example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsY"
                           "jOBH3mFXmRKuwHjG1Yu72IneyaQM=\n";
  auto text = v->verify(note);
  ASSERT_TRUE(text.ok()) << text.error().message;
  EXPECT_EQ(*text, "This is an example message.\n");
  std::string changed = note;
  changed[0] = 't';
  auto refused = v->verify(changed);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("does not verify"), std::string::npos);
}

TEST(SignedNoteTest, SignedNotesVerifyAndAlterationsAreCaught) {
  auto key = Ed25519Key::generate();
  ASSERT_TRUE(key.ok());
  const std::string name = "lrs.example.com/default";
  const std::string vkey = format_vkey(name, key->public_key());
  auto v = NoteVerifier::from_vkey(vkey);
  ASSERT_TRUE(v.ok()) << v.error().message;
  const std::string text = "lrs.example.com/default\n3\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n";
  const std::string note = sign_note(*key, name, text);
  EXPECT_EQ(*v->verify(note), text);
  EXPECT_TRUE(note.starts_with(text + "\n" + kEmDash + " " + name + " "));

  // Another key with the same name is not this key.
  auto other = Ed25519Key::generate();
  auto forged = v->verify(sign_note(*other, name, text));
  ASSERT_FALSE(forged.ok());
  EXPECT_NE(forged.error().message.find("no signature by " + name), std::string::npos);
  // The same key and id but a changed size line.
  std::string altered = note;
  altered[name.size() + 1] = '4';
  EXPECT_FALSE(v->verify(altered).ok());
  // Unknown signatures are ignored when ours verifies.
  const std::string cosigned = note + kEmDash + " witness.example AAAAAQAA\n";
  EXPECT_TRUE(v->verify(cosigned).ok());
  EXPECT_FALSE(v->verify(text).ok());  // no signatures at all
}

TEST(SignedNoteTest, PrivateKeysRoundTripThroughPem) {
  auto key = Ed25519Key::generate();
  ASSERT_TRUE(key.ok());
  auto again = Ed25519Key::from_pem(key->pem());
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(again->public_key(), key->public_key());
  EXPECT_FALSE(Ed25519Key::from_pem("not a key").ok());
}

TEST(SignedNoteTest, MalformedVkeysAreRefused) {
  auto key = Ed25519Key::generate();
  const std::string vkey = format_vkey("a.example/x", key->public_key());
  EXPECT_TRUE(NoteVerifier::from_vkey(vkey + "\n").ok());
  EXPECT_FALSE(NoteVerifier::from_vkey("a.example/x").ok());
  EXPECT_FALSE(NoteVerifier::from_vkey("b.example/x" + vkey.substr(11)).ok());  // id does not match
  EXPECT_FALSE(NoteVerifier::from_vkey("a.example/x+zz+AAAA").ok());
  EXPECT_FALSE(valid_key_name("has space"));
  EXPECT_FALSE(valid_key_name("a+b"));
  EXPECT_FALSE(valid_key_name(""));
  EXPECT_TRUE(valid_key_name("lrs.example.com/default"));
}

TEST(CheckpointTest, BodiesRoundTripAndMalformedOnesAreRefused) {
  Checkpoint c{"example.com/log", 20852163, leaf_hash("x"), {}};
  const std::string text = format_checkpoint(c);
  EXPECT_EQ(text, "example.com/log\n20852163\n" + hash_base64(c.root) + "\n");
  auto back = parse_checkpoint(text);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->origin, c.origin);
  EXPECT_EQ(back->size, c.size);
  EXPECT_EQ(back->root, c.root);
  EXPECT_FALSE(parse_checkpoint("example.com/log\n012\n" + hash_base64(c.root) + "\n").ok());
  EXPECT_FALSE(parse_checkpoint("example.com/log\n12\nAAAA\n").ok());
  EXPECT_FALSE(parse_checkpoint("example.com/log\n12\n").ok());
  EXPECT_FALSE(parse_checkpoint("example.com/log\n12\n" + hash_base64(c.root)).ok());
  EXPECT_TRUE(parse_checkpoint("example.com/log\n0\n" + hash_base64(empty_tree_hash()) + "\nextension\n").ok());
}

TEST(CheckpointTest, TlogProofsRoundTrip) {
  TlogProof p;
  p.extra = std::string("0123456789abcdef");
  p.index = 73894;
  p.path = {leaf_hash("a"), leaf_hash("b")};
  p.checkpoint = "example.com/log\n109482\n" + hash_base64(leaf_hash("r")) + "\n\n" + kEmDash + " example.com/log AAAA\n";
  const std::string text = format_tlog_proof(p);
  EXPECT_TRUE(text.starts_with("c2sp.org/tlog-proof@v1\nextra MDEyMzQ1Njc4OWFiY2RlZg==\nindex 73894\n"));
  auto back = parse_tlog_proof(text);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->extra, p.extra);
  EXPECT_EQ(back->index, p.index);
  EXPECT_EQ(back->path, p.path);
  EXPECT_EQ(back->checkpoint, p.checkpoint);
  p.extra.reset();
  p.path.clear();
  auto bare = parse_tlog_proof(format_tlog_proof(p));
  ASSERT_TRUE(bare.ok());
  EXPECT_FALSE(bare->extra.has_value());
  EXPECT_FALSE(parse_tlog_proof("c2sp.org/tlog-proof@v2\nindex 1\n\n").ok());
  EXPECT_FALSE(parse_tlog_proof("c2sp.org/tlog-proof@v1\nindex 01\n\n").ok());
}

}  // namespace
}  // namespace scribe::evidence
