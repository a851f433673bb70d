// C2SP signed notes (c2sp.org/signed-note) with Ed25519 signatures (RFC 8032, through
// OpenSSL), and their verifier keys ("vkeys"). A note is text ending in a newline, a blank
// line, then signature lines `— <key name> base64(key id(4) ‖ signature(64))`.
// Key id = the first 4 bytes, big-endian, of SHA-256(key name ‖ 0x0A ‖ 0x01 ‖ public key).
// Guarantees: sign() output opens with verify() under the signer's vkey, and with any C2SP
// implementation (golang.org/x/mod/sumdb/note); verify() accepts a note only when a
// signature line carries this key's name and id and its signature verifies over the text.
// Private keys never leave the signer (no accessor, never logged).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"

struct evp_pkey_st;

namespace scribe::evidence {

using Ed25519PublicKey = std::array<uint8_t, 32>;

uint32_t note_key_id(std::string_view name, const Ed25519PublicKey& key);
// `<name>+<8 hex digits of key id>+base64(0x01 ‖ public key)`.
std::string format_vkey(std::string_view name, const Ed25519PublicKey& key);
// Whether a key name is valid here: non-empty printable ASCII without space or '+' (stricter
// than C2SP, which allows any Unicode but spaces; an origin is a host and path).
bool valid_key_name(std::string_view name);

class Ed25519Key {
 public:
  // A new random key pair.
  static Result<Ed25519Key> generate();
  // From a PKCS#8 PEM private key (what pem() writes).
  static Result<Ed25519Key> from_pem(std::string_view pem);
  Ed25519Key(Ed25519Key&&) noexcept;
  Ed25519Key& operator=(Ed25519Key&&) noexcept;
  ~Ed25519Key();

  std::string pem() const;  // PKCS#8 PEM of the private key: for the key file only
  const Ed25519PublicKey& public_key() const { return public_key_; }
  std::array<uint8_t, 64> sign(std::string_view message) const;

 private:
  Ed25519Key() = default;
  evp_pkey_st* key_ = nullptr;
  Ed25519PublicKey public_key_{};
};

// The text of a signed note: everything up to the blank line before its signatures (the
// whole note when it has none). Does not verify anything.
std::string_view note_text(std::string_view note);

// Signs `text` (which must end in a newline) as key `name`: text, blank line, signature line.
std::string sign_note(const Ed25519Key& key, std::string_view name, std::string_view text);

class NoteVerifier {
 public:
  static Result<NoteVerifier> from_vkey(std::string_view vkey);
  const std::string& name() const { return name_; }
  uint32_t key_id() const { return key_id_; }
  const Ed25519PublicKey& public_key() const { return public_key_; }

  // The note's text when a signature by this key verifies over it; otherwise an error that
  // says why (malformed note, no signature by this key, or a signature that does not verify).
  Result<std::string> verify(std::string_view note) const;

 private:
  std::string name_;
  uint32_t key_id_ = 0;
  Ed25519PublicKey public_key_{};
};

}  // namespace scribe::evidence
