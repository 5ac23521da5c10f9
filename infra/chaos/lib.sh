# Shared by the drills in infra/chaos (sourced, not run).

# free_port: a port free on 127.0.0.1 now
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# metric NAME PORT: the value of a metric (summed over its labels), or -1 when not served
metric() {
  { curl -fs "http://127.0.0.1:$2/metrics" 2>/dev/null || true; } \
    | awk -v m="$1" '$1 == m || index($1, m "{") == 1 { s += $2; found = 1 } END { print found ? s : -1 }'
}
