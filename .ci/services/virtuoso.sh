#!/usr/bin/env bash
# Run a throw-away Virtuoso (Debian virtuoso-opensource 7.2) on 127.0.0.1 with its data in DIR.
#
#   virtuoso.sh start DIR SQL_PORT HTTP_PORT   write DIR/virtuoso.ini, start, wait until /sparql answers
#   virtuoso.sh stop DIR                       stop (SIGTERM, then SIGKILL after 20 s)
#   virtuoso.sh kill DIR                       SIGKILL (crash simulation); restart with `start`
#   virtuoso.sh status DIR                     exit 0 if running
#
# The system service is never used: the ini is generated here (from the packaged one's
# essentials), every file lives under DIR, and both ports are bound to 127.0.0.1 only.
# A fresh database has the account dba/dba; the Digest-protected /sparql-auth and
# /sparql-graph-crud-auth accept it for updates.  Prints DIR/virtuoso.pid's pid on start.
set -euo pipefail
cmd=${1:?usage: virtuoso.sh start|stop|kill|status DIR [SQL_PORT HTTP_PORT]}
dir=${2:?DIR missing}
bin=${VIRTUOSO_BIN:-$(command -v virtuoso-t || true)}
pidfile="$dir/virtuoso.pid"

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
  sql_port=${3:?SQL_PORT missing}; http_port=${4:?HTTP_PORT missing}
  [[ -n "$bin" ]] || { echo "virtuoso-t not found: apt-get install virtuoso-opensource" >&2; exit 3; }
  mkdir -p "$dir"; dir=$(cd "$dir" && pwd); pidfile="$dir/virtuoso.pid"
  if running; then echo "already running (pid $(cat "$pidfile"))" >&2; exit 0; fi
  rm -f "$dir/virtuoso.lck"
  cat > "$dir/virtuoso.ini" <<INI
[Database]
DatabaseFile       = $dir/virtuoso.db
ErrorLogFile       = $dir/virtuoso.log
LockFile           = $dir/virtuoso.lck
TransactionFile    = $dir/virtuoso.trx
xa_persistent_file = $dir/virtuoso.pxa
ErrorLogLevel      = 7
FileExtend         = 200
MaxCheckpointRemap = 2000
Striping           = 0
TempStorage        = TempDatabase
[TempDatabase]
DatabaseFile       = $dir/virtuoso-temp.db
TransactionFile    = $dir/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping           = 0
[Parameters]
ServerPort           = 127.0.0.1:$sql_port
DisableUnixSocket    = 1
DisableTcpSocket     = 0
MaxClientConnections = 10
CheckpointInterval   = 60
CaseMode             = 2
DirsAllowed          = ., $dir
NumberOfBuffers      = ${VIRTUOSO_BUFFERS:-20000}
MaxDirtyBuffers      = ${VIRTUOSO_DIRTY_BUFFERS:-15000}
[HTTPServer]
ServerPort           = 127.0.0.1:$http_port
ServerRoot           = $dir
MaxClientConnections = 10
ServerThreads        = 10
Charset              = UTF-8
EnabledGzipContent   = 0
[SPARQL]
ResultSetMaxRows           = 10000
MaxQueryCostEstimationTime = 400
MaxQueryExecutionTime      = 60
INI
  ( cd "$dir" && exec "$bin" -f +configfile "$dir/virtuoso.ini" >>"$dir/stdout.log" 2>&1 ) &
  echo $! > "$pidfile"
  for _ in $(seq 1 ${VIRTUOSO_START_TIMEOUT:-90}); do
    if ! running; then echo "virtuoso exited during start; see $dir/virtuoso.log" >&2; tail -5 "$dir/virtuoso.log" >&2 || true; exit 1; fi
    if curl -fs -o /dev/null "http://127.0.0.1:$http_port/sparql?query=ASK%7B%7D"; then cat "$pidfile"; exit 0; fi
    sleep 0.5
  done
  echo "virtuoso did not answer on 127.0.0.1:$http_port in time; see $dir/virtuoso.log" >&2; exit 1 ;;
stop)
  running || exit 0
  pid=$(cat "$pidfile"); kill -TERM "$pid"
  for _ in $(seq 1 40); do running || { rm -f "$pidfile"; exit 0; }; sleep 0.5; done
  kill -KILL "$pid" 2>/dev/null || true; rm -f "$pidfile" ;;
kill)
  running && kill -KILL "$(cat "$pidfile")" || true
  for _ in $(seq 1 20); do running || break; sleep 0.2; done
  rm -f "$pidfile" ;;
status) running ;;
*) echo "unknown command $cmd" >&2; exit 2 ;;
esac
