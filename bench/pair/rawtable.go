package main

import (
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
)

// tablesFromRaw prints the tables of a file written with -raw again, so that a run's
// figures can be looked at in the current table's layout without running it again.
func tablesFromRaw(path string, cases []*benchCase, out io.Writer) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return err
	}
	if len(rows) == 0 || len(rows[0]) != 10 {
		return fmt.Errorf("%s: not a -raw file of this version", path)
	}
	byName := map[string]*benchCase{}
	for _, c := range cases {
		byName[c.name] = c
	}
	type key struct {
		procs int
		name  string
	}
	results := map[key]*caseResult{}
	var order []key
	for _, row := range rows[1:] {
		procs, err1 := strconv.Atoi(row[0])
		ops, err2 := strconv.Atoi(row[4])
		var nums [4]float64
		var err3 error
		for i := range nums {
			if nums[i], err3 = strconv.ParseFloat(row[5+i], 64); err3 != nil {
				break
			}
		}
		c := byName[row[1]]
		if err1 != nil || err2 != nil || err3 != nil || c == nil {
			return fmt.Errorf("%s: bad row %q", path, row)
		}
		arm := slices.IndexFunc(c.arms, func(a arm) bool { return a.name == row[2] })
		if arm < 0 {
			return fmt.Errorf("%s: case %q has no variant %q", path, row[1], row[2])
		}
		k := key{procs, c.name}
		r := results[k]
		if r == nil {
			r = &caseResult{c: c, ops: make([]int, len(c.arms)), samples: make([][]sample, len(c.arms))}
			results[k] = r
			order = append(order, k)
		}
		r.ops[arm] = ops
		after, _ := strconv.Atoi(row[9])
		r.samples[arm] = append(r.samples[arm], sample{cpu: nums[0], gc: nums[1], allocs: nums[2], bytes: nums[3], after: after})
	}
	for i := 0; i < len(order); {
		procs := order[i].procs
		var rs []caseResult
		for ; i < len(order) && order[i].procs == procs; i++ {
			rs = append(rs, *results[order[i]])
		}
		fmt.Fprintf(out, "\n## GOMAXPROCS=%d\n\n", procs)
		writeTable(out, rs)
		fmt.Fprintln(out)
		writeNoise(out, rs)
	}
	return nil
}
