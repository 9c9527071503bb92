package match

// lessID orders ids naturally: ids made only of ASCII digits compare as
// numbers (shorter first, then lexically, ignoring leading zeros), and come
// before other ids, which compare lexically. The lower id is taken as the
// earlier fact-check of a claim when two score the same.
func lessID(a, b string) bool {
	da, db := allDigits(a), allDigits(b)
	switch {
	case da && db:
		a, b = trimLeadingZeros(a), trimLeadingZeros(b)
		if len(a) != len(b) {
			return len(a) < len(b)
		}
		return a < b
	case da != db:
		return da
	}
	return a < b
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func trimLeadingZeros(s string) string {
	for len(s) > 1 && s[0] == '0' {
		s = s[1:]
	}
	return s
}

// groupDuplicates reorders results so that documents whose claim text has
// the same terms (duplicates in the store) sit together at the best rank of
// their group, the earliest id (lessID) first: the canonical fact-check of a
// repeated claim comes before its copies.
func groupDuplicates(res []Result, keys []string) {
	if len(res) < 2 {
		return
	}
	first := map[string]int{} // key → index of the group's first (best) result
	type grp struct{ members []int }
	groups := map[string]*grp{}
	var order []string
	for i, k := range keys {
		if k == "" {
			k = "\x00" + res[i].ID
		}
		if _, ok := first[k]; !ok {
			first[k] = i
			groups[k] = &grp{}
			order = append(order, k)
		}
		groups[k].members = append(groups[k].members, i)
	}
	if len(order) == len(res) {
		return
	}
	out := make([]Result, 0, len(res))
	for _, k := range order {
		ms := groups[k].members
		// best score of the group goes to the earliest id
		best := res[ms[0]].Score
		sorted := make([]int, len(ms))
		copy(sorted, ms)
		for i := 1; i < len(sorted); i++ {
			for j := i; j > 0 && lessID(res[sorted[j]].ID, res[sorted[j-1]].ID); j-- {
				sorted[j], sorted[j-1] = sorted[j-1], sorted[j]
			}
		}
		for _, m := range sorted {
			r := res[m]
			if r.Score < best {
				r.Score = best // copies of one claim score alike
			}
			out = append(out, r)
		}
	}
	copy(res, out)
}
