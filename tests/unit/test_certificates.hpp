// A throwaway CA and a server certificate it signs, made with OpenSSL at test time.
#pragma once

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>
#include <unistd.h>

namespace tokenswap::testing {

struct test_pki {
  std::string ca_pem;
  std::string server_certificate_pem;
  std::string server_key_pem;
};

namespace detail {

using key_ptr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using cert_ptr = std::unique_ptr<X509, decltype(&X509_free)>;

inline key_ptr make_key() {
  char curve[] = "P-256";
  return key_ptr(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", curve), EVP_PKEY_free);
}

inline void add_extension(X509* subject, X509* issuer, int nid, const char* value) {
  X509V3_CTX context;
  X509V3_set_ctx(&context, issuer, subject, nullptr, nullptr, 0);
  X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, &context, nid, value);
  if (extension == nullptr) {
    throw std::runtime_error("bad test certificate extension");
  }
  X509_add_ext(subject, extension, -1);
  X509_EXTENSION_free(extension);
}

inline cert_ptr make_certificate(const char* common_name, EVP_PKEY* key, long serial) {
  cert_ptr made(X509_new(), X509_free);
  X509_set_version(made.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(made.get()), serial);
  X509_gmtime_adj(X509_getm_notBefore(made.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(made.get()), 24 * 3600);
  X509_set_pubkey(made.get(), key);
  X509_NAME* name = X509_get_subject_name(made.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(common_name), -1, -1, 0);
  return made;
}

template <typename Write> std::string to_pem(Write write) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
  write(bio.get());
  char* data = nullptr;
  long size = BIO_ctrl(bio.get(), BIO_CTRL_INFO, 0, static_cast<void*>(&data));
  return std::string(data, static_cast<std::size_t>(size));
}

} // namespace detail

// alt_names in OpenSSL's syntax, for example "IP:127.0.0.1,DNS:localhost".
inline test_pki make_test_pki(const char* alt_names) {
  auto ca_key = detail::make_key();
  auto ca = detail::make_certificate("tokenswap test CA", ca_key.get(), 1);
  X509_set_issuer_name(ca.get(), X509_get_subject_name(ca.get()));
  detail::add_extension(ca.get(), ca.get(), NID_basic_constraints, "critical,CA:TRUE");
  detail::add_extension(ca.get(), ca.get(), NID_key_usage, "critical,keyCertSign,cRLSign");
  detail::add_extension(ca.get(), ca.get(), NID_subject_key_identifier, "hash");
  X509_sign(ca.get(), ca_key.get(), EVP_sha256());

  auto server_key = detail::make_key();
  auto server = detail::make_certificate("tokenswap test server", server_key.get(), 2);
  X509_set_issuer_name(server.get(), X509_get_subject_name(ca.get()));
  detail::add_extension(server.get(), ca.get(), NID_basic_constraints, "critical,CA:FALSE");
  detail::add_extension(server.get(), ca.get(), NID_ext_key_usage, "serverAuth");
  detail::add_extension(server.get(), ca.get(), NID_subject_alt_name, alt_names);
  detail::add_extension(server.get(), ca.get(), NID_authority_key_identifier, "keyid");
  X509_sign(server.get(), ca_key.get(), EVP_sha256());

  test_pki pki;
  pki.ca_pem = detail::to_pem([&](BIO* out) { PEM_write_bio_X509(out, ca.get()); });
  pki.server_certificate_pem =
      detail::to_pem([&](BIO* out) { PEM_write_bio_X509(out, server.get()); });
  pki.server_key_pem = detail::to_pem([&](BIO* out) {
    PEM_write_bio_PrivateKey(out, server_key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  });
  return pki;
}

// A file removed when the object goes.
class temp_file {
public:
  explicit temp_file(const std::string& content)
      : path_(std::filesystem::temp_directory_path() /
              ("tokenswap-test-" + std::to_string(::getpid()) + "-" +
               std::to_string(reinterpret_cast<std::uintptr_t>(this)) + ".pem")) {
    std::ofstream(path_) << content;
  }
  ~temp_file() { std::filesystem::remove(path_); }
  temp_file(const temp_file&) = delete;
  temp_file& operator=(const temp_file&) = delete;
  std::string path() const { return path_.string(); }

private:
  std::filesystem::path path_;
};

} // namespace tokenswap::testing
