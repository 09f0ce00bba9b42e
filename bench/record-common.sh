# Shared by the bench/record-*.sh recorders (sourced, not run).

# Prints a record's "## Machine" section: processors, CPU model, the JDK the launcher uses, and
# the load before and after the run. Usage: machine_section "$(uptime before)" "$(uptime after)"
machine_section() {
  echo "## Machine"
  echo
  echo '```'
  echo '$ nproc'; nproc
  echo "\$ lscpu | grep 'Model name'"; lscpu | grep 'Model name'
  echo '$ java -version'; "$(./dmvpn java 2>/dev/null | head -n 1)/bin/java" -version 2>&1
  echo '```'
  echo
  echo "\`uptime\` before: \`$1\`; after: \`$2\`."
}

# The commit a record ran on, and how many tracked files differed from it.
commit_state() {
  echo "\`$(git rev-parse --short HEAD)\` ($(git status --porcelain --untracked-files=no | wc -l | tr -d ' ') tracked files changed)"
}

# Prints a run's summary (the markdown it printed on stdout, as it is) and its console (stderr)
# in a code block. Usage: summary_and_console SUMMARY-FILE CONSOLE-FILE
summary_and_console() {
  echo "## Summary printed by the run (verbatim)"
  echo
  cat "$1"
  echo
  echo "## Console (verbatim)"
  echo
  echo '```'
  cat "$2"
  echo '```'
}

# Prints what bench/load-sampler.sh saw during a run. Usage: load_section SAMPLES-FILE SECONDS [NOTE]
load_section() {
  echo "Load during the run, every $2 s: the three processes that used the most CPU over one second (\`bench/load-sampler.sh\`, from \`top\`${3:+; $3}):"
  echo
  echo '```'
  cat "$1"
  echo '```'
}

# Records one './dmvpn SUBCOMMAND' run that prints a markdown summary on stdout (ratio, scaling)
# in results/NAME-<UTC time>.md: the exact command, its exit status, the commit, the machine, the
# load before, after and during it (bench/load-sampler.sh every 30 s), the summary and the console
# verbatim. Refuses to start while another benchmark runs. Exits with the run's status.
# Usage: record_runner RECORDER NAME SUBCOMMAND DESCRIPTION [arguments...]
record_runner() {
  local recorder=$1 name=$2 subcommand=$3 description=$4; shift 4
  if pgrep -f 'benchmarks.jar' >/dev/null; then
    echo "$recorder: another benchmark run is active; two runs on this machine spoil each other." >&2; exit 2
  fi
  ./dmvpn build >&2
  local start summary console samples before after sampler out status=0
  start=$(date -u +%Y%m%dT%H%M%SZ)
  summary=$(mktemp); console=$(mktemp); samples=$(mktemp)
  before=$(uptime)
  bench/load-sampler.sh "$samples" 30 & sampler=$!
  ./dmvpn "$subcommand" "$@" > "$summary" 2> "$console" || status=$?
  kill "$sampler" 2>/dev/null || true
  after=$(uptime)
  out="results/$name-$start.md"
  {
    echo "# $name (run $start)"
    echo
    echo "$description"
    echo
    echo "Written by \`bench/$recorder.sh\` from the run's own output; no figure typed in."
    echo
    echo "## Command"
    echo
    echo '```'
    echo "./dmvpn $subcommand$([ $# -eq 0 ] || printf ' %q' "$@")"
    echo '```'
    echo
    echo "at commit $(commit_state), exit status $status."
    echo
    machine_section "$before" "$after"
    echo
    load_section "$samples" 30
    echo
    summary_and_console "$summary" "$console"
  } > "$out"
  rm -f "$summary" "$console" "$samples"
  echo "$recorder: wrote $out (exit status $status)"
  exit $status
}
