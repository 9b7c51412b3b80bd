#!/bin/bash
# --metrics and --metrics-file against the real consumers, in a private
# network namespace: promtool accepts the output of every mode; a real
# node_exporter, started here on a loopback port with its textfile
# collector on the folder tcpstat writes, serves tcpstat's series with the
# values -S prints for the same sockets; 5,000 TIME_WAIT ports give at most
# --metrics-top + 1 series; a reader during 200 rewrites never sees half a
# file; -w rewrites it until SIGTERM; the README's queries and alert rules
# pass promtool.
. "$(dirname "$0")/../lib.sh"
: "${TCPSTAT:?}" "${SOCKFIXTURE:?}" "${TWPOP:?}"
for tool in promtool prometheus-node-exporter curl; do
	command -v "$tool" >/dev/null ||
		{ echo "FAIL: $tool is needed (./build.sh test installs it)" >&2; exit 1; }
done
netns_enter "$@"

T=$TMPDIR_TEST
# The sockets of this test only: sockfixture's (9997-9999 and their
# clients) and twpop's (9990, 9991 and their clients); not node_exporter's
# port 9100 nor curl's connections to it.
SEL=(-p 9990-9999)

"$SOCKFIXTURE" >"$T/fixture.out" &
fixture=$!
track_pid "$fixture"
wait_for_line "$T/fixture.out" '^ready$' || exit 1
start=$(date +%s%N)
"$TWPOP" 5000 20000 >"$T/twpop.out" || { echo "FAIL: twpop" >&2; exit 1; }
made_ms=$(( ($(date +%s%N) - start) / 1000000 ))
"$TWPOP" --queue 3 >"$T/queue.out" &
track_pid $!
wait_for_line "$T/queue.out" '^ready 3$' || exit 1
echo "# 5000 TIME_WAIT sockets made in $made_ms ms"

# promtool_ok NAME FILE: promtool check metrics accepts FILE, and says nothing.
promtool_ok() {
	local out rc
	out=$(promtool check metrics <"$2" 2>&1)
	rc=$?
	check "promtool accepts: $1" "0:" "$rc:$out"
}

# by_state FILE: "STATE COUNT" per state, upper case, from tcpstat_sockets
# summed over family (label order as it comes: node_exporter sorts them).
by_state() {
	awk '/^tcpstat_sockets\{/ {
		if (match($0, /state="[a-z_0-9]+"/)) sum[toupper(substr($0, RSTART + 7, RLENGTH - 8))] += $NF
	} END { for (s in sum) print s, sum[s] }' "$1" | sort
}

# ---- node_exporter reads what --metrics-file wrote --------------------------
mkdir "$T/textfile"
prometheus-node-exporter --web.listen-address=127.0.0.1:9100 --collector.disable-defaults \
	--collector.textfile --collector.textfile.directory="$T/textfile" \
	--web.disable-exporter-metrics >"$T/node_exporter.log" 2>&1 &
track_pid $!
for _ in $(seq 1 100); do
	curl -sf -o /dev/null http://127.0.0.1:9100/metrics && break
	sleep 0.1
done
"$TCPSTAT" --metrics-file "$T/textfile/tcpstat.prom" "${SEL[@]}"
check "--metrics-file: exit 0" 0 $?
"$TCPSTAT" -S "${SEL[@]}" >"$T/summary"
curl -sf http://127.0.0.1:9100/metrics >"$T/scrape"
check "node_exporter: /metrics fetched" 0 $?
check "node_exporter: the textfile read without error" "node_textfile_scrape_error 0" \
	"$(grep '^node_textfile_scrape_error' "$T/scrape")"
check "node_exporter: tcpstat's families, each with HELP and TYPE" "7 7" \
	"$(grep -c '^# HELP tcpstat_' "$T/scrape") $(grep -c '^# TYPE tcpstat_' "$T/scrape")"
check "node_exporter: tcpstat_sockets per state = tcpstat -S" \
	"$(awk '$1 != "TOTAL" { print $1, $2 }' "$T/summary" | sort)" "$(by_state "$T/scrape")"
check "node_exporter: tcpstat_sockets in all = -S's TOTAL" \
	"$(awk '$1 == "TOTAL" { print $2 }' "$T/summary")" \
	"$(awk '/^tcpstat_sockets\{/ { n += $NF } END { print n }' "$T/scrape")"
check "node_exporter: 22 tcpstat_sockets series, zeros included" 22 \
	"$(grep -c '^tcpstat_sockets{' "$T/scrape")"
check "node_exporter: the held accept queue and its backlog" \
	'tcpstat_listen_queue_length{addr="127.0.0.1",port="9991"} 3
tcpstat_listen_queue_max_length{addr="127.0.0.1",port="9991"} 8' \
	"$(grep -E '^tcpstat_listen_queue_(max_)?length\{addr="127\.0\.0\.1",port="9991"\}' "$T/scrape")"
# Every listener, as -O shows its Recv-Q and Send-Q.
check "node_exporter: every listener's queue and backlog" \
	"$("$TCPSTAT" -l "${SEL[@]}" -H -O local-addr,local-port,recv-q,send-q | sort)" \
	"$(awk -F'[{}",= ]+' '/^tcpstat_listen_queue_length\{/ { q[$3 " " $5] = $NF }
		/^tcpstat_listen_queue_max_length\{/ { m[$3 " " $5] = $NF }
		END { for (k in q) print k, q[k], m[k] }' "$T/scrape" | sort)"
check "node_exporter: TIME_WAIT in 10 ports and \"other\"" 11 \
	"$(grep -c '^tcpstat_time_wait_sockets{' "$T/scrape")"
check "node_exporter: build_info" "1" \
	"$(grep -cE '^tcpstat_build_info\{backend="netlink",version="[^"]+"\} 1$' "$T/scrape")"

# ---- cardinality: 5,000 TIME_WAIT ports ------------------------------------
tw=$("$TCPSTAT" -c -s time-wait "${SEL[@]}")
# twpop's 5,000 and sockfixture's two, which may have expired (60 s after the
# fixture began) when the machine is slow.
check "5000 TIME_WAIT ports (and up to sockfixture's two)" "yes" \
	"$( ((tw >= 5000 && tw <= 5002)) && echo yes || echo "no: $tw")"
for top in 10 3 0 1000; do
	"$TCPSTAT" --metrics --metrics-top "$top" "${SEL[@]}" >"$T/top$top"
	series=$(grep -c '^tcpstat_time_wait_sockets{' "$T/top$top")
	check "--metrics-top $top: $((top + 1)) TIME_WAIT series" "$((top + 1))" "$series"
	check "--metrics-top $top: the series add up to every TIME_WAIT socket" "$tw" \
		"$(awk '/^tcpstat_time_wait_sockets\{/ { n += $NF } END { print n }' "$T/top$top")"
	promtool_ok "--metrics-top $top" "$T/top$top"
done
check "longest TIME_WAIT left: within 60 s" "yes" \
	"$(awk '/^tcpstat_time_wait_longest_remaining_seconds / { print ($2 > 50 && $2 <= 60) ? "yes" : "no " $2 }' "$T/top10")"

# ---- promtool: every mode ---------------------------------------------------
i=0
for args in "" "-B netlink" "-B proc" "-p 9999" "-4 -s time-wait" "-6 -l" "--src ::1" \
	"--pid $fixture" "-p 4444"; do
	i=$((i + 1))
	# shellcheck disable=SC2086  # the arguments are a word list
	"$TCPSTAT" --metrics $args >"$T/mode$i"
	check "--metrics $args: exit 0" 0 $?
	promtool_ok "--metrics $args" "$T/mode$i"
done
check "-B proc: no max_length (/proc has no backlog)" 0 "$(grep -c max_length "$T/mode3")"
check "-B proc: build_info says proc" 1 "$(grep -c 'backend="proc"} 1$' "$T/mode3")"
check "-p 4444 (nothing): all zeros" "0" \
	"$(awk '/^tcpstat_sockets\{/ { n += $NF } END { print n }' "$T/mode9")"
check "--pid: only the fixture's sockets (no TIME_WAIT, which no process holds)" 0 \
	"$(grep '^tcpstat_sockets{.*time_wait' "$T/mode8" | awk '{ n += $NF } END { print n }')"
"$TCPSTAT" --metrics-file "$T/one.prom" "${SEL[@]}" >"$T/one.out"
promtool_ok "--metrics-file" "$T/one.prom"
check "--metrics-file: nothing on stdout" "" "$(cat "$T/one.out")"
check "--metrics-file: mode 0644 (umask 022)" "644" "$(umask 022; rm -f "$T/one.prom"; "$TCPSTAT" --metrics-file "$T/one.prom"; stat -c %a "$T/one.prom")"

# -w with --metrics on stdout: a block per round, each an exposition.
"$TCPSTAT" --metrics -w 0.2 "${SEL[@]}" >"$T/watch.out" &
w=$!
track_pid "$w"
sleep 1
kill -INT "$w"
wait "$w"
check "-w --metrics: exit 0 on SIGINT" 0 $?
mkdir "$T/blocks"
awk -v dir="$T/blocks" '/^=== / { n++; next } { print > (dir "/" n) }' "$T/watch.out"
blocks=$(find "$T/blocks" -type f | wc -l)
check "-w --metrics: several rounds" "yes" "$([ "$blocks" -ge 4 ] && echo yes || echo "no ($blocks)")"
# The last round may have been cut short by the signal.
for n in $(seq 1 $((blocks - 1))); do
	promtool_ok "-w --metrics, round $n" "$T/blocks/$n"
done

# -w with --metrics-file: the file replaced every round, nothing printed.
mkdir "$T/w"
"$TCPSTAT" --metrics-file "$T/w/tcpstat.prom" -w 0.1 "${SEL[@]}" >"$T/w.out" 2>&1 &
w=$!
track_pid "$w"
sleep 0.5
mtime1=$(stat -c %y "$T/w/tcpstat.prom")
sleep 0.5
mtime2=$(stat -c %y "$T/w/tcpstat.prom")
kill -TERM "$w"
wait "$w"
check "-w --metrics-file: exit 0 on SIGTERM" 0 $?
check "-w --metrics-file: rewritten (a new file each round)" "yes" \
	"$([ -n "$mtime1" ] && [ "$mtime1" != "$mtime2" ] && echo yes || echo "no ($mtime1)")"
check "-w --metrics-file: nothing printed" "" "$(cat "$T/w.out")"
check "-w --metrics-file: no temporary file left" "tcpstat.prom" "$(ls -A "$T/w")"
promtool_ok "-w --metrics-file" "$T/w/tcpstat.prom"

# ---- atomicity: a reader during 200 rewrites ---------------------------------
mkdir "$T/a"
F=$T/a/tcpstat.prom
"$TCPSTAT" --metrics-file "$F" --metrics-top 1000 "${SEL[@]}"
size=$(stat -c %s "$F")
echo "# the file rewritten: $size bytes"
# A whole file starts with the first family and ends with build_info's
# line, with the seven TYPE lines between; anything else is half a file.
# awk opens the file once, so it reads one version of it, whole or not.
reader() {
	local deadline=$((SECONDS + 90)) reads=0 bad=0 verdict
	while [ ! -e "$T/a.stop" ] && [ "$SECONDS" -lt "$deadline" ]; do
		reads=$((reads + 1))
		verdict=$(awk 'NR == 1 { ok = /^# HELP tcpstat_sockets / } /^# TYPE / { t++ }
			{ last = $0 }
			END { print (ok && t == 7 && last ~ /^tcpstat_build_info\{.*\} 1$/) ? "ok" : "bad" }' \
			"$F" 2>/dev/null)
		[ "$verdict" = ok ] || bad=$((bad + 1))
	done
	echo "$reads $bad" >"$T/a.result"
}
reader &
r=$!
track_pid "$r"
start=$(date +%s%N)
wfail=0
for _ in $(seq 1 200); do
	"$TCPSTAT" --metrics-file "$F" --metrics-top 1000 "${SEL[@]}" || wfail=$((wfail + 1))
done
took=$(( ($(date +%s%N) - start) / 1000000 ))
touch "$T/a.stop"
wait "$r"
read -r reads bad <"$T/a.result"
echo "# 200 rewrites in $took ms; the reader read the file $reads times"
check "atomicity: 200 rewrites, all written" 0 "$wfail"
check "atomicity: the reader read it often meanwhile" "yes" \
	"$([ "$reads" -ge 50 ] && echo yes || echo "no ($reads)")"
check "atomicity: never half a file" 0 "$bad"
check "atomicity: no temporary file left" "tcpstat.prom" "$(ls -A "$T/a")"

# ---- -i: RTT and retransmission histograms per listening port ---------------
# 5 connections to a listener on 9993, accepted and held; the server sides'
# local port is 9993 (a listener there), the clients' ephemeral: "other".
python3 -c '
import socket, time
l = socket.socket(); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
l.bind(("127.0.0.1", 9993)); l.listen(16)
c = [socket.create_connection(("127.0.0.1", 9993)) for _ in range(5)]
a = [l.accept()[0] for _ in range(5)]
for s in c: s.sendall(b"x")
print("ready", flush=True)
time.sleep(60)' >"$T/conns.out" &
track_pid $!
wait_for_line "$T/conns.out" '^ready$' || exit 1
"$TCPSTAT" --metrics -i -p 9993 >"$T/hist"
promtool_ok "--metrics -i -p 9993" "$T/hist"
check "-i: both histograms, with HELP and TYPE" "2 2" \
	"$(grep -c '^# TYPE tcpstat_connection_[a-z_]* histogram$' "$T/hist") $(grep -c '^# HELP tcpstat_connection_' "$T/hist")"
check "-i: RTT count under 9993 = the 5 connections accepted there" \
	'tcpstat_connection_rtt_seconds_count{port="9993"} 5
tcpstat_connection_rtt_seconds_count{port="other"} 5' \
	"$(grep '^tcpstat_connection_rtt_seconds_count' "$T/hist")"
check "-i: retransmissions count the same 5 and 5" \
	'tcpstat_connection_retransmissions_count{port="9993"} 5
tcpstat_connection_retransmissions_count{port="other"} 5' \
	"$(grep '^tcpstat_connection_retransmissions_count' "$T/hist")"
check "-i: the +Inf bucket is the count" 5 \
	"$(awk -F' ' '/^tcpstat_connection_rtt_seconds_bucket\{port="9993",le="\+Inf"\}/ { print $2 }' "$T/hist")"
check "-i: buckets cumulative (never decreasing)" "ok" \
	"$(awk '/_bucket\{/ { k = $1; sub(/,le=.*/, "", k); if (k == prev && $2 < last) bad = 1; prev = k; last = $2 }
		END { print bad ? "bad" : "ok" }' "$T/hist")"
check "-i: loopback RTTs under 2.5 s, all 10" 10 \
	"$(awk '/^tcpstat_connection_rtt_seconds_bucket\{.*le="2.5"\}/ { n += $2 } END { print n }' "$T/hist")"
check "-i: as many connections as -s established shows" \
	"$("$TCPSTAT" -c -s established -p 9993)" \
	"$(awk '/^tcpstat_connection_rtt_seconds_count/ { n += $2 } END { print n }' "$T/hist")"
"$TCPSTAT" --metrics -i --metrics-top 0 "${SEL[@]}" >"$T/hist0"
promtool_ok "--metrics -i --metrics-top 0" "$T/hist0"
check "-i --metrics-top 0: only port=\"other\"" "1 1" \
	"$(grep -c '^tcpstat_connection_rtt_seconds_count' "$T/hist0") $(grep -c '^tcpstat_connection_rtt_seconds_count{port="other"}' "$T/hist0")"

# ---- namespaces: a netns label on every series ------------------------------
# Another namespace, unnamed, with a listener on 9994 (and a process to name it).
unshare -n -- python3 -c '
import socket, time
l = socket.socket(); l.bind(("127.0.0.1", 9994)); l.listen(4)
print("ready", flush=True)
time.sleep(60)' >"$T/other.out" &
other=$!
track_pid "$other"
wait_for_line "$T/other.out" '^ready$' || exit 1
# The labels as JSON has them (the table shows odd bytes escaped).
own=$("$TCPSTAT" --all-netns -j -l -p 9993 | jq -r .netns)
theirs=$("$TCPSTAT" --all-netns -j -l -p 9994 | jq -r .netns)
echo "# the test's namespace: $own; the other: $theirs"
for args in "--all-netns" "--all-netns -i" "--all-netns -i ${SEL[*]}" "--netns-pid $other" \
	"-N /proc/$other/ns/net -i" "--all-netns -B proc"; do
	# shellcheck disable=SC2086  # the arguments are a word list
	"$TCPSTAT" --metrics $args >"$T/ns.out"
	check "--metrics $args: exit 0" 0 $?
	promtool_ok "--metrics $args" "$T/ns.out"
	check "--metrics $args: every series but the run's has a netns label" "" \
		"$(grep -v '^#' "$T/ns.out" | grep -v '^tcpstat_scrape_duration_seconds \|^tcpstat_build_info{' |
			grep -v '^[a-z_]*{netns="[^"]*"' | head -3)"
done
"$TCPSTAT" --metrics -i --all-netns "${SEL[@]}" >"$T/all"
check "--all-netns -i: 9993's 5 connections under the test's namespace ($own)" \
	"tcpstat_connection_rtt_seconds_count{netns=\"$own\",port=\"9993\"} 5" \
	"$(grep "^tcpstat_connection_rtt_seconds_count{netns=\"$own\",port=\"9993\"}" "$T/all")"
check "--all-netns: the other namespace's listener ($theirs), and only there" \
	"tcpstat_listen_queue_length{netns=\"$theirs\",addr=\"127.0.0.1\",port=\"9994\"} 0" \
	"$(grep '^tcpstat_listen_queue_length{.*port="9994"' "$T/all")"
total=$(awk '$1 == "TOTAL" { print $2 }' <("$TCPSTAT" -S "${SEL[@]}"))
check "--all-netns: the test's namespace's sockets = -S's TOTAL ($total)" "$total" \
	"$(awk -v ns="netns=\"$own\"" 'index($0, "tcpstat_sockets{" ns) == 1 { n += $NF } END { print n + 0 }' "$T/all")"
check "--all-netns: each family's TYPE once" \
	"$(grep -c '^# TYPE' "$T/hist")" "$(grep -c '^# TYPE' "$T/all")"
check "--metrics --sort: refused, exit 2" 2 \
	"$("$TCPSTAT" --metrics --sort state >/dev/null 2>&1; echo $?)"

# ---- the README's queries and alert rules ------------------------------------
repo=$(cd "$(dirname "$0")/../.." && pwd)
rules=$repo/doc/prometheus/tcpstat.rules.yml
out=$(promtool check rules "$rules" 2>&1)
rc=$?
check "promtool check rules: doc/prometheus/tcpstat.rules.yml" "0" "$rc"
[ "$rc" = 0 ] || sed 's/^/#   /' <<<"$out"
check "the rules file as the README shows it" "yes" \
	"$(grep -qF -- "$(sed 's/^./    &/' "$rules")" "$repo/README.md" && echo yes || echo no)"
# The two PromQL queries of the README, as recording rules for promtool to parse.
{
	echo "groups:"
	echo "  - name: readme"
	echo "    rules:"
	grep -E '^    (sum by \(instance\) \(tcpstat|tcpstat_listen_queue_length / |histogram_quantile\(0\.99, sum by \(instance, port, le\) \(tcpstat)' "$repo/README.md" |
		sed -E "s/^ +(.*)$/      - record: readme:query\n        expr: '\1'/"
} >"$T/queries.yml"
check "the README's three queries" 3 "$(grep -c 'record:' "$T/queries.yml")"
out=$(promtool check rules "$T/queries.yml" 2>&1)
rc=$?
check "promtool parses the README's queries" "0" "$rc"
[ "$rc" = 0 ] || sed 's/^/#   /' <<<"$out"
finish
