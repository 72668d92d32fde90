#!/usr/bin/env bash
# Run a throw-away Oxigraph server (PyPI package `oxigraph`) on 127.0.0.1 with its data in DIR.
#
#   oxigraph.sh start DIR PORT    start `oxigraph serve --location DIR/db`, wait until /query answers
#   oxigraph.sh stop DIR          SIGTERM (then SIGKILL after 10 s)
#   oxigraph.sh kill DIR          SIGKILL (crash simulation); restart with `start`
#   oxigraph.sh status DIR        exit 0 if running
#
# The binary is looked up as $OXIGRAPH_BIN, then next to the Python running the tests
# (.venv/bin/oxigraph), then on PATH.  Note: `oxigraph serve` accepts anonymous updates;
# never bind it to anything but 127.0.0.1.
set -euo pipefail
cmd=${1:?usage: oxigraph.sh start|stop|kill|status DIR [PORT]}
dir=${2:?DIR missing}
here=$(cd "$(dirname "$0")/../.." && pwd)
bin=${OXIGRAPH_BIN:-}
[[ -n "$bin" ]] || { [[ -x "$here/.venv/bin/oxigraph" ]] && bin="$here/.venv/bin/oxigraph"; } || true
[[ -n "$bin" ]] || bin=$(command -v oxigraph || true)
pidfile="$dir/oxigraph.pid"

# alive = the pid exists and is not a zombie (a killed server whose parent has exited may
# linger as a zombie in containers whose PID 1 does not reap; kill -0 would still succeed)
running() {
  [[ -f "$pidfile" ]] || return 1
  local pid; pid=$(cat "$pidfile")
  [[ -r "/proc/$pid/stat" ]] || return 1
  [[ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != "Z" ]]
}

case "$cmd" in
start)
  port=${3:?PORT missing}
  [[ -n "$bin" ]] || { echo "oxigraph not found: pip install oxigraph" >&2; exit 3; }
  mkdir -p "$dir/db"
  if running; then echo "already running (pid $(cat "$pidfile"))" >&2; exit 0; fi
  "$bin" serve --location "$dir/db" --bind "127.0.0.1:$port" >>"$dir/oxigraph.log" 2>&1 &
  echo $! > "$pidfile"
  # up to 120 s: after a SIGKILL (tests/remote) the store recovers its write-ahead log first, which
  # took over 30 s on a loaded 2-core machine
  for _ in $(seq 1 480); do
    if ! running; then echo "oxigraph exited during start; see $dir/oxigraph.log" >&2; tail -5 "$dir/oxigraph.log" >&2; exit 1; fi
    if curl -fs -o /dev/null "http://127.0.0.1:$port/query?query=ASK%7B%7D"; then cat "$pidfile"; exit 0; fi
    sleep 0.25
  done
  echo "oxigraph did not answer on 127.0.0.1:$port in time" >&2; exit 1 ;;
stop)
  running || exit 0
  pid=$(cat "$pidfile"); kill -TERM "$pid"
  for _ in $(seq 1 40); do running || { rm -f "$pidfile"; exit 0; }; sleep 0.25; done
  kill -KILL "$pid" 2>/dev/null || true; rm -f "$pidfile" ;;
kill)
  running && kill -KILL "$(cat "$pidfile")" || true
  for _ in $(seq 1 20); do running || break; sleep 0.2; done
  rm -f "$pidfile" ;;
status) running ;;
*) echo "unknown command $cmd" >&2; exit 2 ;;
esac
