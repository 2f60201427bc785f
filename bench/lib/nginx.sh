# nginx configurations for the benchmark: the fast upstream standing in for Spotify's token
# endpoint, and nginx as a reverse proxy in front of it (the limit tokenswap is measured against).
# Every file nginx touches lives in the run's own folder.

# What Spotify answers a token request with, at the lengths its tokens have today; each answer
# holds a refresh token of its own (nginx's random request id), as each user's would.
spotify_answer() {
  local access refresh
  access="BQ$(printf 'a%.0s' {1..250})"
  refresh="AQ$(printf 'r%.0s' {1..97})\$request_id"
  printf '{"access_token":"%s","token_type":"Bearer","expires_in":3600,' "$access"
  printf '"refresh_token":"%s","scope":"user-read-private user-read-email"}' "$refresh"
}

# The lines every instance shares: its own pid, logs and temp folders, room for 2,048 clients
# (the open-file limit comes from the script), and connections kept alive for the whole run
# (nginx closes them after 1,000 requests by default).
nginx_common() {
  local dir="$1" name="$2" workers="$3"
  cat <<CONF
daemon off;
worker_processes $workers;
pid $dir/$name.pid;
error_log $dir/$name-error.log warn;
events { worker_connections 16384; }
CONF
}

nginx_http_common() {
  local dir="$1" name="$2"
  cat <<CONF
  client_body_temp_path $dir/$name-body;
  proxy_temp_path $dir/$name-proxy;
  fastcgi_temp_path $dir/$name-fastcgi;
  uwsgi_temp_path $dir/$name-uwsgi;
  scgi_temp_path $dir/$name-scgi;
  keepalive_requests 100000000;
  keepalive_timeout 600s;
CONF
}

# upstream_config DIR LISTEN STATUS_LISTEN [TLS_CERT TLS_KEY]: answers POST /api/token with a
# static Spotify-shaped body; stub_status on its own listener counts the connections it accepts.
upstream_config() {
  local dir="$1" listen="$2" status_listen="$3" cert="${4:-}" key="${5:-}"
  local tls=""
  [ -n "$cert" ] && tls="ssl; ssl_protocols TLSv1.2 TLSv1.3; ssl_certificate $cert;
    ssl_certificate_key $key"
  nginx_common "$dir" upstream 1
  cat <<CONF
http {
  access_log off;
$(nginx_http_common "$dir" upstream)
  server {
    listen $listen backlog=4096 $tls;
    location = /api/token {
      default_type application/json;
      return 200 '$(spotify_answer)';
    }
  }
  server {
    listen $status_listen;
    location / { stub_status; }
  }
}
CONF
}

# proxy_config DIR LISTEN UPSTREAM AUTHORIZATION: /exchange and /refresh go to the upstream's token
# endpoint over a pool of 32 kept-alive connections per worker, with the client's authorization
# added as tokenswap adds it; one access-log line per request, as tokenswap logs one.
proxy_config() {
  local dir="$1" listen="$2" upstream="$3" authorization="$4"
  nginx_common "$dir" proxy auto
  cat <<CONF
http {
  access_log /dev/null combined;
$(nginx_http_common "$dir" proxy)
  upstream accounts {
    server $upstream;
    keepalive 32;
    keepalive_requests 100000000;
    keepalive_timeout 600s;
  }
  server {
    listen $listen backlog=4096;
$(proxy_location /exchange "$authorization")
$(proxy_location /refresh "$authorization")
  }
}
CONF
}

proxy_location() {
  cat <<CONF
    location = $1 {
      proxy_pass http://accounts/api/token;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Authorization "$2";
    }
CONF
}

# start_nginx DIR NAME CONFIG_TEXT [NETNS]: starts nginx in the foreground of a background job and
# prints its master's pid.
start_nginx() {
  local dir="$1" name="$2" config="$3" netns="${4:-}"
  printf '%s\n' "$config" >"$dir/$name.conf"
  local run=()
  [ -n "$netns" ] && run=(ip netns exec "$netns")
  "${run[@]}" nginx -e "$dir/$name-error.log" -p "$dir" -c "$dir/$name.conf" \
    </dev/null >>"$dir/$name.out" 2>&1 &
  echo $!
}

# The connections an nginx has accepted and the requests it has served so far, from its
# stub_status (the read itself is one of each).
nginx_counters() {
  curl -fsS --max-time 5 "$1" | awk 'NR == 3 { print $1, $3 }'
}
