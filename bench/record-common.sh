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
