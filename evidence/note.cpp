#include "evidence/note.h"

#include <openssl/evp.h>
#include <openssl/pem.h>

#include <charconv>
#include <cstdio>

#include "common/base64.h"
#include "evidence/sha256.h"

namespace scribe::evidence {

namespace {

constexpr uint8_t kEd25519Type = 0x01;
constexpr std::string_view kSignaturePrefix = "\xE2\x80\x94 ";  // U+2014 EM DASH, space

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct CtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};

Error bad_key(std::string message) { return Error{400, "key", std::move(message)}; }

std::string_view bytes_of(const void* data, size_t size) {
  return {static_cast<const char*>(data), size};
}

bool verify_ed25519(const Ed25519PublicKey& key, std::string_view message, std::string_view signature) {
  std::unique_ptr<EVP_PKEY, PkeyFree> pkey(
      EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, key.data(), key.size()));
  std::unique_ptr<EVP_MD_CTX, CtxFree> ctx(EVP_MD_CTX_new());
  if (!pkey || !ctx || signature.size() != 64) return false;
  return EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, pkey.get()) == 1 &&
         EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                          reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1;
}

}  // namespace

uint32_t note_key_id(std::string_view name, const Ed25519PublicKey& key) {
  Sha256 h;
  const Hash digest = h.update(name).update(uint8_t{'\n'}).update(kEd25519Type).update(key.data(), key.size()).finish();
  return uint32_t(digest[0]) << 24 | uint32_t(digest[1]) << 16 | uint32_t(digest[2]) << 8 | digest[3];
}

bool valid_key_name(std::string_view name) {
  if (name.empty()) return false;
  for (unsigned char c : name)
    if (c <= 0x20 || c >= 0x7F || c == '+') return false;
  return true;
}

std::string format_vkey(std::string_view name, const Ed25519PublicKey& key) {
  char id[9];
  std::snprintf(id, sizeof id, "%08x", note_key_id(name, key));
  std::string material(1, char(kEd25519Type));
  material.append(bytes_of(key.data(), key.size()));
  return std::string(name) + "+" + id + "+" + base64_encode(material);
}

Result<Ed25519Key> Ed25519Key::generate() {
  Ed25519Key k;
  k.key_ = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
  if (!k.key_) return Error{500, "", "cannot generate an Ed25519 key"};
  size_t n = k.public_key_.size();
  if (EVP_PKEY_get_raw_public_key(k.key_, k.public_key_.data(), &n) != 1 || n != 32)
    return Error{500, "", "cannot read the Ed25519 public key"};
  return k;
}

Result<Ed25519Key> Ed25519Key::from_pem(std::string_view pem) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(pem.data(), int(pem.size())));
  Ed25519Key k;
  k.key_ = bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr;
  if (!k.key_ || EVP_PKEY_get_id(k.key_) != EVP_PKEY_ED25519) return bad_key("not an Ed25519 private key in PEM");
  size_t n = k.public_key_.size();
  if (EVP_PKEY_get_raw_public_key(k.key_, k.public_key_.data(), &n) != 1 || n != 32)
    return bad_key("cannot read the Ed25519 public key");
  return k;
}

Ed25519Key::Ed25519Key(Ed25519Key&& o) noexcept : key_(o.key_), public_key_(o.public_key_) { o.key_ = nullptr; }

Ed25519Key& Ed25519Key::operator=(Ed25519Key&& o) noexcept {
  std::swap(key_, o.key_);
  std::swap(public_key_, o.public_key_);
  return *this;
}

Ed25519Key::~Ed25519Key() { EVP_PKEY_free(key_); }

std::string Ed25519Key::pem() const {
  std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PrivateKey(bio.get(), key_, nullptr, nullptr, 0, nullptr, nullptr) != 1) return {};
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, size_t(n));
}

std::array<uint8_t, 64> Ed25519Key::sign(std::string_view message) const {
  std::array<uint8_t, 64> sig{};
  std::unique_ptr<EVP_MD_CTX, CtxFree> ctx(EVP_MD_CTX_new());
  size_t n = sig.size();
  // Ed25519 signing cannot fail on a valid key; a failure here is a broken OpenSSL.
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key_) != 1 ||
      EVP_DigestSign(ctx.get(), sig.data(), &n, reinterpret_cast<const unsigned char*>(message.data()),
                     message.size()) != 1 || n != sig.size())
    std::abort();
  return sig;
}

std::string_view note_text(std::string_view note) {
  const size_t blank = note.rfind("\n\n");
  return blank == std::string_view::npos ? note : note.substr(0, blank + 1);
}

std::string sign_note(const Ed25519Key& key, std::string_view name, std::string_view text) {
  const uint32_t id = note_key_id(name, key.public_key());
  const auto sig = key.sign(text);
  std::string blob{char(id >> 24), char(id >> 16), char(id >> 8), char(id)};
  blob.append(bytes_of(sig.data(), sig.size()));
  std::string note(text);
  note += "\n";
  note += kSignaturePrefix;
  note += name;
  note += " ";
  note += base64_encode(blob);
  note += "\n";
  return note;
}

Result<NoteVerifier> NoteVerifier::from_vkey(std::string_view vkey) {
  while (!vkey.empty() && (vkey.back() == '\n' || vkey.back() == '\r' || vkey.back() == ' ')) vkey.remove_suffix(1);
  const size_t a = vkey.find('+');
  const size_t b = a == std::string_view::npos ? a : vkey.find('+', a + 1);
  if (b == std::string_view::npos) return bad_key("a vkey is <name>+<hex key id>+<base64 key>");
  NoteVerifier v;
  v.name_ = std::string(vkey.substr(0, a));
  if (!valid_key_name(v.name_)) return bad_key("the vkey's name is not a valid key name");
  const std::string_view hex = vkey.substr(a + 1, b - a - 1);
  auto r = std::from_chars(hex.data(), hex.data() + hex.size(), v.key_id_, 16);
  if (hex.size() != 8 || r.ec != std::errc() || r.ptr != hex.data() + hex.size())
    return bad_key("the vkey's key id is not 8 hex digits");
  auto material = base64_decode(vkey.substr(b + 1));
  if (!material || material->size() != 33 || uint8_t((*material)[0]) != kEd25519Type)
    return bad_key("the vkey is not an Ed25519 key (type 0x01 and 32 bytes)");
  std::copy(material->begin() + 1, material->end(), v.public_key_.begin());
  if (note_key_id(v.name_, v.public_key_) != v.key_id_) return bad_key("the vkey's key id does not match its key");
  return v;
}

Result<std::string> NoteVerifier::verify(std::string_view note) const {
  auto malformed = [](const char* why) { return Error{400, "note", std::string("malformed signed note: ") + why}; };
  for (unsigned char c : note)
    if (c < 0x20 && c != '\n') return malformed("control character");
  // The text ends at the last blank line; signature lines follow it.
  const std::string_view text = note_text(note);
  if (text.size() == note.size() || note.back() != '\n') return malformed("no signatures");
  std::string_view rest = note.substr(text.size() + 1);
  bool signed_by_us = false;
  while (!rest.empty()) {
    const size_t eol = rest.find('\n');
    const std::string_view line = rest.substr(0, eol);
    rest.remove_prefix(eol + 1);
    if (!line.starts_with(kSignaturePrefix)) return malformed("a signature line must start with an em dash");
    const std::string_view body = line.substr(kSignaturePrefix.size());
    const size_t space = body.find(' ');
    if (space == std::string_view::npos) return malformed("a signature line needs a name and a signature");
    const std::string_view name = body.substr(0, space);
    auto blob = base64_decode(body.substr(space + 1));
    if (!blob || blob->size() < 5) return malformed("a signature is not base64 of key id and signature");
    const uint32_t id = uint32_t(uint8_t((*blob)[0])) << 24 | uint32_t(uint8_t((*blob)[1])) << 16 |
                        uint32_t(uint8_t((*blob)[2])) << 8 | uint8_t((*blob)[3]);
    if (name != name_ || id != key_id_) continue;  // another key's: ignored, as the spec says
    if (!verify_ed25519(public_key_, text, std::string_view(*blob).substr(4)))
      return Error{400, "note", "the signature by " + name_ + " does not verify: the note was changed or forged"};
    signed_by_us = true;
  }
  if (!signed_by_us) return Error{400, "note", "the note has no signature by " + name_};
  return std::string(text);
}

}  // namespace scribe::evidence
