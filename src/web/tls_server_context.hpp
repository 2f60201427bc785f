#pragma once

#include <memory>
#include <string>

namespace boost::asio::ssl {
class context;
}

namespace tokenswap::web {

// A server TLS context for direct HTTPS: TLS 1.2 and 1.3 only, ECDHE key exchange with AEAD
// ciphers only (AES-GCM, ChaCha20-Poly1305), no renegotiation, no compression, the server's
// cipher order. Throws std::runtime_error naming the file that could not be used.
std::shared_ptr<boost::asio::ssl::context> make_tls_server_context(const std::string& cert_file,
                                                                   const std::string& key_file);

} // namespace tokenswap::web
