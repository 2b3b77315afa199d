// Command benchtable runs Go benchmarks several times and prints a table of
// medians, with each row's ratio to a baseline row measured in the same run.
//
//	go run ./scripts/benchtable [-count 5] [-bench REGEXP] [packages...]
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

var line = regexp.MustCompile(`^(Benchmark\S+?)(-\d+)?\s+\d+\s+(.*)$`)

func main() {
	count := flag.Int("count", 5, "runs per benchmark")
	bench := flag.String("bench", ".", "benchmark regexp")
	benchtime := flag.String("benchtime", "1s", "go test -benchtime")
	flag.Parse()
	pkgs := flag.Args()
	if len(pkgs) == 0 {
		pkgs = []string{"./circuits/...", "./prover/..."}
	}
	args := append([]string{"test", "-p", "1", "-run", "^$", "-bench", *bench, "-benchtime", *benchtime,
		"-count", strconv.Itoa(*count)}, pkgs...)
	cmd := exec.Command("go", args...)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		fail(err)
	}
	if err := cmd.Start(); err != nil {
		fail(err)
	}
	samples := map[string]map[string][]float64{} // pkg/bench → unit → values
	var order []string
	pkg := ""
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if p, ok := strings.CutPrefix(sc.Text(), "pkg: "); ok {
			pkg = p[strings.LastIndex(p, "/")+1:]
			continue
		}
		m := line.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		name := pkg + "/" + m[1]
		if samples[name] == nil {
			samples[name] = map[string][]float64{}
			order = append(order, name)
		}
		f := strings.Fields(m[3])
		for i := 0; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err == nil {
				samples[name][f[i+1]] = append(samples[name][f[i+1]], v)
			}
		}
	}
	if err := cmd.Wait(); err != nil {
		fail(fmt.Errorf("go test: %w", err))
	}
	fmt.Printf("\n%-44s %12s %6s  %s\n", "benchmark (median of runs)", "time", "runs", "other metrics")
	fmt.Println(strings.Repeat("-", 96))
	for _, name := range order {
		s := samples[name]
		ns := median(s["ns/op"])
		var extra []string
		for unit, vs := range s {
			if unit != "ns/op" {
				extra = append(extra, fmt.Sprintf("%s=%s", unit, strconv.FormatFloat(median(vs), 'f', -1, 64)))
			}
		}
		sort.Strings(extra)
		if base := baselineFor(name, samples); base > 0 {
			extra = append(extra, fmt.Sprintf("ratio-to-baseline=%.2f", ns/base))
		}
		fmt.Printf("%-44s %12s %6d  %s\n", strings.Replace(name, "/Benchmark", " ", 1), dur(ns), len(s["ns/op"]), strings.Join(extra, " "))
	}
}

// baselineFor pairs a row with its baseline measured in the same package,
// the first that ran: Verify ↔ VerifyV1Baseline or GnarkVerifyBaseline,
// Prove ↔ ProveV1Baseline (the frozen policy circuit v1) or SolveBaseline.
func baselineFor(name string, samples map[string]map[string][]float64) float64 {
	pkg, bench, _ := strings.Cut(name, "/")
	pairs := map[string][]string{
		"BenchmarkVerify": {"BenchmarkVerifyV1Baseline", "BenchmarkGnarkVerifyBaseline"},
		"BenchmarkProve":  {"BenchmarkProveV1Baseline", "BenchmarkSolveBaseline"},
	}
	for _, b := range pairs[bench] {
		if samples[pkg+"/"+b] != nil {
			return median(samples[pkg+"/"+b]["ns/op"])
		}
	}
	return 0
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func dur(ns float64) string {
	switch {
	case ns >= 1e9:
		return fmt.Sprintf("%.3f s", ns/1e9)
	case ns >= 1e6:
		return fmt.Sprintf("%.2f ms", ns/1e6)
	case ns >= 1e3:
		return fmt.Sprintf("%.1f µs", ns/1e3)
	}
	return fmt.Sprintf("%.0f ns", ns)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "benchtable:", err)
	os.Exit(1)
}
