package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"regexp"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/agentlens/agentlens/core/sdk"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "pairbench:", err)
		os.Exit(1)
	}
}

// run parses args, runs the selected cases at every GOMAXPROCS asked for and prints the
// tables to out.
func run(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("pairbench", flag.ContinueOnError)
	fs.SetOutput(out)
	var (
		cases  = fs.String("cases", "", "run only the cases whose name matches this regular expression (case-insensitive)")
		list   = fs.Bool("list", false, "list the cases and exit")
		quick  = fs.Bool("quick", false, "smoke test: 3 rounds of tiny batches (figures meaningless)")
		rounds = fs.Int("rounds", 80, "batches of each arm of each case")
		target = fs.Duration("batch", 15*time.Millisecond, "CPU time of a batch")
		procs  = fs.String("procs", "1,2", "comma-separated GOMAXPROCS settings")
		seed   = fs.Uint64("seed", 0, "seed of the batch order (0: from the clock)")
		raw    = fs.String("raw", "", "also write every batch's figures to this CSV file")
		table  = fs.String("table", "", "print the tables of a -raw file again and exit")
		prof   = fs.String("cpuprofile", "", "write a CPU profile of the run (every arm of the selected cases) to this file")
	)
	if err := fs.Parse(args); err != nil {
		return err
	}
	s := settings{rounds: *rounds, target: *target, probe: 20, maxOps: 1 << 16}
	if *quick {
		s = settings{rounds: 3, target: time.Millisecond, probe: 2, maxOps: 50}
	}
	if s.rounds < 1 {
		return errors.New("-rounds must be at least 1")
	}
	var ps []int
	for _, f := range strings.Split(*procs, ",") {
		p, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || p < 1 {
			return fmt.Errorf("-procs: bad GOMAXPROCS %q", f)
		}
		ps = append(ps, p)
	}
	match, err := regexp.Compile("(?i)" + *cases)
	if err != nil {
		return fmt.Errorf("-cases: %w", err)
	}
	if *seed == 0 {
		*seed = uint64(time.Now().UnixNano())
	}

	srv := newServer()
	defer srv.Close()
	dir, err := os.MkdirTemp("", "pairbench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	e := &env{url: srv.URL, storeDir: dir}
	all := append(append(e.openaiCases(), e.spanCases()...), e.frameworkCases()...)
	var selected []*benchCase
	for _, c := range all {
		if match.MatchString(c.name) {
			selected = append(selected, c)
		}
	}
	if *table != "" {
		return tablesFromRaw(*table, all, out)
	}
	if *list {
		for _, c := range all {
			fmt.Fprintln(out, c.name)
		}
		return nil
	}
	if len(selected) == 0 {
		return fmt.Errorf("no case matches %q (see -list)", *cases)
	}

	// A configuration of its own under everything, so that nothing configures tracing from
	// the environment (and opens ./agentlens.db) behind the untraced arms.
	restore, err := sdk.Override(sdk.WithLogger(discardLogger))
	if err != nil {
		return err
	}
	defer restore()

	rng := rand.New(rand.NewPCG(*seed, 0x9e3779b97f4a7c15))
	prev := runtime.GOMAXPROCS(0)
	defer runtime.GOMAXPROCS(prev)
	fmt.Fprintf(out, "pairbench %s, %s %s/%s, %d CPUs, %d rounds, batches of %v CPU, seed %d\n",
		time.Now().UTC().Format("2006-01-02 15:04 UTC"), runtime.Version(), runtime.GOOS, runtime.GOARCH,
		runtime.NumCPU(), s.rounds, s.target, *seed)
	var rawOut io.Writer
	if *raw != "" {
		f, err := os.Create(*raw)
		if err != nil {
			return err
		}
		defer f.Close()
		rawOut = f
		fmt.Fprintln(f, "gomaxprocs,case,variant,round,ops,cpu_ns_per_op,gc_ns_per_op,allocs_per_op,bytes_per_op,after_variant")
	}
	if *prof != "" {
		f, err := os.Create(*prof)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	start := time.Now()
	for _, p := range ps {
		runtime.GOMAXPROCS(p)
		t0 := time.Now()
		load0 := loadAverage()
		var results []caseResult
		for _, c := range selected {
			r, err := runCase(c, s, rng)
			e.removeStores()
			if err != nil {
				return err
			}
			results = append(results, r)
			if rawOut != nil {
				writeRaw(rawOut, p, r)
			}
		}
		fmt.Fprintf(out, "\n## GOMAXPROCS=%d (load average %s before, %s after; %v)\n\n", p, load0, loadAverage(),
			time.Since(t0).Round(time.Second))
		writeTable(out, results)
		fmt.Fprintln(out)
		writeNoise(out, results)
	}
	fmt.Fprintf(out, "\ntotal %v\n", time.Since(start).Round(time.Second))
	return nil
}

// loadAverage is the 1, 5 and 15 minute load averages, as uptime prints them.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}
