#!/usr/bin/env bash
# samples/YamlExperiment: train experiment.yaml with the CLI against a local OpenAI-compatible judge server.
#   bash samples/YamlExperiment/run.sh
# AUDIOTHINKER=audiothinker uses an installed tool instead of the repository's CLI.
set -euo pipefail
cd "$(dirname "$0")/../.."
port=18080   # the baseUrl in experiment.yaml
logs=runs/samples/yaml-experiment
mkdir -p "$logs"
# A fresh verdict cache, so that every verdict of this run comes from the endpoint.
rm -rf "$logs/judge-cache"

dotnet build samples/YamlExperiment/RuleJudgeServer -nologo -v q
if [ -z "${AUDIOTHINKER:-}" ]; then
  dotnet build src/AudioThinker.Cli -nologo -v q
  cli=(dotnet src/AudioThinker.Cli/bin/Debug/net10.0/audiothinker.dll)
else
  cli=("$AUDIOTHINKER")
fi

# The server stops by itself after 10 minutes at most; the trap stops it as soon as training ends.
dotnet samples/YamlExperiment/RuleJudgeServer/bin/Debug/net10.0/RuleJudgeServer.dll --port "$port" --exit-after-seconds 600 >"$logs/judge-server.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then break; fi
  kill -0 "$server" 2>/dev/null || { cat "$logs/judge-server.log"; echo "judge server exited" >&2; exit 1; }
  sleep 0.5
done

config=samples/YamlExperiment/experiment.yaml
# 1. Score a file of rollouts with the experiment's rewards: R_c and R_t come from the endpoint.
"${cli[@]}" score --config "$config" --input samples/YamlExperiment/rollouts.jsonl --output "$logs/scored.jsonl"
# 2. Train: warm-up, GRPO (the judge is asked about every think response) and evaluation.
"${cli[@]}" train --config "$config"

kill "$server"; wait "$server" || true
trap - EXIT
cat "$logs/judge-server.log"
# The run must have asked the endpoint: a judge that was never called means the YAML did not switch it on.
grep -Eq "stopped: [1-9][0-9]* requests answered, 0 rejected" "$logs/judge-server.log" || { echo "the judge endpoint was not used (or rejected requests)" >&2; exit 1; }
