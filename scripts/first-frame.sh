#!/usr/bin/env bash
# P5: seconds from starting `regiedesk demo` until the screen shows case
# rows (a case number on the landing board), read from a tmux pane every
# 10 ms. Usage: scripts/first-frame.sh [path/to/regiedesk] [runs]
set -euo pipefail
bin=${1:-target/release/regiedesk}
runs=${2:-5}
socket=regiedesk-p5-$$
trap 'tmux -L "$socket" kill-server 2>/dev/null || true' EXIT
for run in $(seq "$runs"); do
    data=$(mktemp -d)
    start=$(date +%s.%N)
    XDG_DATA_HOME=$data XDG_CONFIG_HOME=$data tmux -L "$socket" new-session -d -x 200 -y 50 "$bin demo"
    until tmux -L "$socket" capture-pane -p 2>/dev/null | grep -q 'KST-'; do
        sleep 0.01
    done
    end=$(date +%s.%N)
    echo "run $run: $(echo "$end - $start" | bc) s"
    tmux -L "$socket" kill-server
    rm -rf "$data"
    sleep 0.5
done
