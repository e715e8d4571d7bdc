#!/usr/bin/env bash
# Runs one gb run as N shards on Kubernetes (an Indexed Job, gb-shards.yaml) and merges their results.
#
#   deploy/kubernetes/run.sh [-s SHARDS] [-i IMAGE] [-n NAMESPACE] [-d DELAY] [-o DIR] [-f RULE]... -- GB_ARGS... URL
#   e.g. deploy/kubernetes/run.sh -s 4 -i registry.example/gb:0.1.0 -f 'p99>250ms' -- -k -c 400 -n 400000 http://api.prod/
#
#   -s SHARDS     pods, one shard each (default 3)
#   -i IMAGE      the image built by the Dockerfile at the repo's root (default gb:0.1.0)
#   -n NAMESPACE  where the Job runs (default: kubectl's current one)
#   -d DELAY      seconds from now to the common --start-at: long enough to pull the image and
#                 schedule every pod (default 60)
#   -o DIR        where the pods' logs, their JSON results and merged.json go (default gb-results)
#   -f RULE       a --fail-if rule for the merged result (repeatable): the script's exit status is gb merge's
#   -p URL        every shard pushes live metrics to Prometheus remote write at URL (--out prometheus=URL)
#                 under one run id, gb-<start time>, that the script prints (deploy/grafana/gb.json shows it)
#   --render      print the filled-in manifest and exit (nothing is applied)
#   --extract LOG print the JSON result a pod's log carries between its marker lines, and exit
#
# Needs bash 3.2 or later (macOS's): an array that may be empty is expanded as ${a[@]+"${a[@]}"},
# since bash before 4.4 calls "${a[@]}" of an empty array unbound under set -u.
# Needs kubectl, and gb on this machine for the merge (GB=... to name it; in the repo: GB='npx gb').
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
manifest="$here/gb-shards.yaml"
job=gb-shards
shards=3
image=gb:0.1.0
namespace=()
delay=60
out=gb-results
rules=()
prometheus=""
mode=run
gb_cmd="${GB:-gb}"
BEGIN_MARK='----- BEGIN gb result -----'
END_MARK='----- END gb result -----'

die() { echo "run.sh: $*" >&2; exit 2; }

# The JSON between the marker lines of one pod's log (the report and any stderr lines come before).
extract() {
  awk -v begin="$BEGIN_MARK" -v end="$END_MARK" '$0 == end { inside = 0 } inside { print } $0 == begin { inside = 1 }' "$1"
}

# The manifest with N, START_AT, GB_ARGS and the image filled in. awk prints the values as given
# (sed and awk's sub() would read & and \ in them as their own syntax).
render() {
  local quoted="" arg
  # Shell-quote each argument so the pod's `eval "set -- $GB_ARGS"` gets them back whole, then
  # escape for a double-quoted YAML string.
  for arg in "${gb_args[@]}"; do quoted+="'${arg//\'/\'\\\'\'}' "; done
  quoted="${quoted% }"
  quoted="${quoted//\\/\\\\}"
  quoted="${quoted//\"/\\\"}"
  SHARDS="$shards" START_AT="$start_at" IMAGE="$image" GB_ARGS_YAML="$quoted" awk '
    function upto(line, key) { return substr(line, 1, index(line, key) + length(key) - 1) }
    /# gb:shards$/ { match($0, /^ *[a-z]+: /); $0 = substr($0, 1, RLENGTH) ENVIRON["SHARDS"] " # gb:shards" }
    /^ *image: / { $0 = upto($0, "image: ") ENVIRON["IMAGE"] }
    /name: SHARDS, value: / { $0 = upto($0, "value: ") "\"" ENVIRON["SHARDS"] "\" }" }
    /name: START_AT, value: / { $0 = upto($0, "value: ") "\"" ENVIRON["START_AT"] "\" }" }
    /name: GB_ARGS, value: / { $0 = upto($0, "value: ") "\"" ENVIRON["GB_ARGS_YAML"] "\" }" }
    { print }
  ' "$manifest"
}

while [ $# -gt 0 ]; do
  case "$1" in
    -s) shards="${2:?-s needs a number}"; shift 2 ;;
    -i) image="${2:?-i needs an image}"; shift 2 ;;
    -n) namespace=(-n "${2:?-n needs a namespace}"); shift 2 ;;
    -d) delay="${2:?-d needs seconds}"; shift 2 ;;
    -o) out="${2:?-o needs a directory}"; shift 2 ;;
    -f) rules+=(--fail-if "${2:?-f needs a rule}"); shift 2 ;;
    -p) prometheus="${2:?-p needs a remote-write URL}"; shift 2 ;;
    --render) mode=render; shift ;;
    --extract) extract "${2:?--extract needs a log file}"; exit 0 ;;
    --) shift; break ;;
    *) die "unknown option '$1' (gb's own arguments go after --)" ;;
  esac
done
gb_args=("$@")
[[ "$shards" =~ ^[1-9][0-9]*$ ]] || die "-s $shards: expected a number of shards, at least 1"
[[ "$delay" =~ ^[0-9]+$ ]] || die "-d $delay: expected whole seconds"
[ ${#gb_args[@]} -gt 0 ] || die "give gb's arguments and the URL after --, e.g. -- -k -c 300 -n 300000 http://svc/"

# Node (which gb needs anyway), not date: GNU date's -d and macOS date's -r are different options.
command -v node >/dev/null || die "node is not installed (gb needs it)"
start_at="$(node -p 'new Date(Date.now() + process.argv[1] * 1000).toISOString().slice(0, 19) + "Z"' "$delay")"
if [ -n "$prometheus" ]; then
  # One run id for every shard, so that one PromQL sum is the whole run.
  run_id="gb-${start_at//[-:]/}"
  gb_args=(--out "prometheus=$prometheus" --run-id "$run_id" "${gb_args[@]}")
  [ "$mode" = render ] || echo "run.sh: live metrics to $prometheus under run_id=\"$run_id\"" >&2
fi
if [ "$mode" = render ]; then render; exit 0; fi

command -v kubectl >/dev/null || die "kubectl is not installed"
mkdir -p "$out"
kubectl ${namespace[@]+"${namespace[@]}"} delete job "$job" --ignore-not-found >/dev/null
render | kubectl ${namespace[@]+"${namespace[@]}"} apply -f -
echo "run.sh: $shards shards start at $start_at; waiting for the Job" >&2
# Until the Job is Complete or Failed (backoffLimit 0: one failed pod fails it), an hour past the start at most.
deadline=$(( $(date +%s) + delay + 3600 ))
while :; do
  state="$(kubectl ${namespace[@]+"${namespace[@]}"} get job "$job" -o jsonpath='{.status.conditions[?(@.status=="True")].type}')"
  case "$state" in
    *Complete*) break ;;
    *Failed*) echo "run.sh: the Job failed; merging what the pods left (gb merge names any missing shard)" >&2; break ;;
  esac
  [ "$(date +%s)" -lt "$deadline" ] || { echo "run.sh: gave up waiting for the Job; merging what the pods left" >&2; break; }
  sleep 5
done

files=()
for pod in $(kubectl ${namespace[@]+"${namespace[@]}"} get pods -l "job-name=$job" -o jsonpath='{range .items[*]}{.metadata.name}{"\n"}{end}'); do
  kubectl ${namespace[@]+"${namespace[@]}"} logs "$pod" > "$out/$pod.log" || true
  extract "$out/$pod.log" > "$out/$pod.json"
  if [ -s "$out/$pod.json" ]; then files+=("$out/$pod.json"); else echo "run.sh: no result in $pod's log ($out/$pod.log)" >&2; fi
done
[ ${#files[@]} -gt 0 ] || die "no pod left a result"
# gb merge refuses a missing or duplicated shard; its exit status (0, 1 for a broken rule, 2) is the script's.
$gb_cmd merge "${files[@]}" --report --json "$out/merged.json" ${rules[@]+"${rules[@]}"}
