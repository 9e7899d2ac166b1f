# Plots of a bench/run.sh result: gnuplot -e "dir='DIR'" bench/plot.gp
# reads DIR/cost_v4.tsv, DIR/cost_v6.tsv, DIR/tput.tsv (written by
# xdpbench) and DIR/lookup4.tsv (lookup4), and writes DIR/cost_v4.png,
# DIR/cost_v6.png, DIR/lookup4.png, DIR/throughput.png.
# (run.sh sets do_v4/do_v6/do_lookup/do_tput to 0 for tables the run did
# not measure)
if (!exists("dir")) dir = "bench/results"
if (!exists("out")) out = dir
if (!exists("do_v4")) do_v4 = 1
if (!exists("do_v6")) do_v6 = 1
if (!exists("do_tput")) do_tput = 1
if (!exists("do_lookup")) do_lookup = 1

set terminal pngcairo size 900,560 font "sans,11"
set datafile separator "\t"
set grid ytics lc rgb "#dddddd"
set key top left
set logscale x 10
set format x "%.0s%c"
set xlabel "routes in the table (log scale)"
set ylabel "ns per packet, harness subtracted"
set yrange [0:*]
set autoscale xfix

if (do_v4) {
set output out."/cost_v4.png"
set title "IPv4: cost of the whole XDP program, random destinations"
plot dir."/cost_v4.tsv" using 1:2 with linespoints lw 2 pt 7 lc rgb "#1b9e77" title "xdpfwd (DIR-24-8)", \
     ""                 using 1:3 with linespoints lw 2 pt 5 lc rgb "#d95f02" title "bpf\\_fib\\_lookup ref (kernel FIB)", \
     ""                 using 1:4 with linespoints lw 2 pt 9 lc rgb "#7570b3" title "LPM trie + hash ref"
}

if (do_v6) {
set output out."/cost_v6.png"
set title "IPv6: cost of the whole XDP program, random destinations"
plot dir."/cost_v6.tsv" using 1:2 with linespoints lw 2 pt 7 lc rgb "#1b9e77" title "xdpfwd (range tables, plugin/lib/fib6.c)", \
     ""                 using 1:3 with linespoints lw 2 pt 5 lc rgb "#d95f02" title "bpf\\_fib\\_lookup ref (kernel FIB)", \
     ""                 using 1:4 with linespoints lw 2 pt 9 lc rgb "#7570b3" title "LPM trie + hash ref (= old xdpfwd IPv6 FIB)"
}

if (do_lookup) {
set output out."/lookup4.png"
set title "IPv4 lookup structures alone (lookup4): DIR-24-8 against Poptrie"
set ylabel "ns per lookup"
plot dir."/lookup4.tsv" using 1:2 with linespoints lw 2 pt 7 lc rgb "#1b9e77" title "DIR-24-8 (xdpfwd), dependent", \
     ""                 using 1:3 with linespoints lw 2 pt 5 lc rgb "#d95f02" title "Poptrie, 24-byte nodes, dependent", \
     ""                 using 1:4 with linespoints lw 2 pt 9 lc rgb "#7570b3" title "Poptrie, inline leaves, dependent", \
     ""                 using 1:5 with linespoints lw 1 dt 2 pt 7 lc rgb "#1b9e77" title "DIR-24-8, independent", \
     ""                 using 1:6 with linespoints lw 1 dt 2 pt 5 lc rgb "#d95f02" title "Poptrie, 24-byte nodes, independent", \
     ""                 using 1:7 with linespoints lw 1 dt 2 pt 9 lc rgb "#7570b3" title "Poptrie, inline leaves, independent"
set ylabel "ns per packet, harness subtracted"
}

if (do_tput) {
unset logscale x
set format x "%g"
set output out."/throughput.png"
set title "IPv4 forwarding on one CPU, live frames between veths"
set xlabel ""
set ylabel "Mpps"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set key below horizontal
set xtics nomirror
stats dir."/tput.tsv" using 2 nooutput
set xrange [-0.6:STATS_records - 0.4]
set yrange [0:*]
# 5 bars per cluster, gap 1: bar i sits at cluster + (i - 2) / 6
bar(i) = (i - 2) / 6.0
plot dir."/tput.tsv" using 2:xtic(1) lc rgb "#1b9e77" title "xdpfwd", \
     ""              using 3 lc rgb "#d95f02" title "bpf\\_fib\\_lookup ref", \
     ""              using 4 lc rgb "#7570b3" title "LPM trie ref", \
     ""              using 5 lc rgb "#e7298a" title "kernel forwarding", \
     ""              using 6 lc rgb "#bbbbbb" title "redirect only (ceiling)", \
     for [i=0:4] ""  using ($0 + bar(i)):(column(i + 2)):(sprintf("%.1f", column(i + 2))) \
                     with labels offset 0,0.7 font ",9" notitle
}
