# Sourced by the bench scripts, after they set $work: the processes a script
# starts, killed when it exits only if each is still the process it started.
# pid_max is 32768 on these machines, so a process id recorded minutes ago may
# name somebody else's process by the time the script exits (a bench's clean-up
# once killed a concurrent test run's storage server that way).

# own PID: remember PID with its start time. Works from subshells, as $(start ...) does.
own() {
  local started
  started=$(process_start_time "$1") && echo "$1 $started" >>"$work/own-processes"
  return 0
}

# process_start_time PID: field 22 of /proc/PID/stat (after the command name, which may hold spaces).
process_start_time() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  # shellcheck disable=SC2086
  set -- $stat
  echo "${20}"
}

# kill_own SIGNAL: signal every remembered process that is still the one started.
kill_own() {
  local pid started
  [ -f "$work/own-processes" ] || return 0
  while read -r pid started; do
    [ "$(process_start_time "$pid")" = "$started" ] && kill "-$1" "$pid" 2>/dev/null
  done <"$work/own-processes"
  return 0
}
