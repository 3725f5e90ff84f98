# Sourced as the first line of a Makefile recipe (`. .ci/phase.sh NAME`): prints
# when the phase starts and, however the recipe ends, how long it took, so a
# user watching a long first build sees where the time goes.
__phase_name="$1"
__phase_t0=$(date +%s)
echo "== ${__phase_name}: started $(date -u +%H:%M:%SZ)"
__phase_end() {
  local rc=$?
  local took=$(( $(date +%s) - __phase_t0 ))
  if [ "$rc" = 0 ]; then
    echo "== ${__phase_name}: done in ${took} s"
  else
    echo "== ${__phase_name}: failed (exit ${rc}) after ${took} s"
  fi
}
trap __phase_end EXIT
