// Direct HTTPS: TLS 1.2+ with modern ciphers only, and the server keeps serving after clients
// that cannot or will not speak it.
#include "test_socket.hpp"
#include "test_stack.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include <openssl/ssl.h>

namespace tokenswap::testing {
namespace {

namespace ssl = net::ssl;

// A self-signed P-256 certificate for 127.0.0.1, made with OpenSSL's command line.
class certificate {
public:
  certificate() : dir_(std::filesystem::temp_directory_path() / "tokenswap-tls-test") {
    std::filesystem::create_directories(dir_);
    auto command = "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
                   "-days 1 -subj /CN=127.0.0.1 -keyout " +
                   key() + " -out " + cert() + " 2>/dev/null";
    made_ = std::system(command.c_str()) == 0;
  }
  ~certificate() { std::filesystem::remove_all(dir_); }

  bool made() const { return made_; }
  std::string cert() const { return (dir_ / "cert.pem").string(); }
  std::string key() const { return (dir_ / "key.pem").string(); }

private:
  std::filesystem::path dir_;
  bool made_ = false;
};

// GET /health over TLS limited to the given versions; the status, or 0 when no handshake.
unsigned health_over_tls(unsigned short port, int min_version, int max_version,
                         const char* ciphers = "DEFAULT") {
  ssl::context context(ssl::context::tls_client);
  SSL_CTX_set_min_proto_version(context.native_handle(), min_version);
  SSL_CTX_set_max_proto_version(context.native_handle(), max_version);
  SSL_CTX_set_security_level(context.native_handle(), 0);
  SSL_CTX_set_cipher_list(context.native_handle(), ciphers);
  context.set_verify_mode(ssl::verify_none);
  net::io_context io;
  beast::ssl_stream<tcp::socket> stream(io, context);
  beast::error_code ec;
  stream.next_layer().connect({net::ip::make_address("127.0.0.1"), port}, ec);
  stream.handshake(ssl::stream_base::client, ec);
  if (ec) {
    return 0;
  }
  web::request req{http::verb::get, "/health", 11};
  req.set(http::field::host, "127.0.0.1");
  http::write(stream, req, ec);
  beast::flat_buffer buffer;
  web::response res;
  http::read(stream, buffer, res, ec);
  return ec ? 0 : res.result_int();
}

TEST(DirectTls, ServesOverTls12And13AndRefusesOlderVersionsAndPlainHttp) {
  certificate cert;
  if (!cert.made()) {
    GTEST_SKIP() << "the openssl command could not make a certificate";
  }
  test_stack world([&](core::config& c) {
    c.tls_cert_file = cert.cert();
    c.tls_key_file = cert.key();
  });

  EXPECT_EQ(health_over_tls(world.port(), TLS1_3_VERSION, TLS1_3_VERSION), 200u);
  EXPECT_EQ(health_over_tls(world.port(), TLS1_2_VERSION, TLS1_2_VERSION), 200u);
  EXPECT_EQ(health_over_tls(world.port(), TLS1_VERSION, TLS1_1_VERSION), 0u);
  // No forward secrecy or no AEAD: refused.
  EXPECT_EQ(health_over_tls(world.port(), TLS1_2_VERSION, TLS1_2_VERSION,
                            "AES128-GCM-SHA256:ECDHE-ECDSA-AES128-SHA"),
            0u);

  test_socket plain(world.port());
  plain.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_FALSE(plain.read_answer(std::chrono::seconds(2)));
  EXPECT_EQ(health_over_tls(world.port(), TLS1_2_VERSION, TLS1_3_VERSION), 200u);
}

} // namespace
} // namespace tokenswap::testing
