#include "cli/commands.hpp"

#include "web/http_server.hpp"
#include "web/io_pool.hpp"

#include <cstdio>

namespace tokenswap::cli {

int run_serve(arguments) {
  web::io_pool pool(web::default_thread_count());
  web::http_server server(pool, {}, [](web::request, web::request_info) -> net::awaitable<web::response> {
    co_return web::make_error_response(404, "not_found", "no such route");
  });
  if (auto ec = server.listen("127.0.0.1", 5000)) {
    std::fprintf(stderr, "tokenswap: %s\n", ec.message().c_str());
    return 1;
  }
  server.start();
  pool.run();
  return 0;
}

} // namespace tokenswap::cli
