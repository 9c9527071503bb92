package claims

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"

	"vigie/claims/match"
	"vigie/claims/text"
)

func readRows(t *testing.T, p string) [][]string {
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	var out [][]string
	for i, l := range strings.Split(string(b), "\n") {
		if i == 0 || l == "" {
			continue
		}
		out = append(out, strings.Split(l, "\t"))
	}
	return out
}

type sk struct {
	fp    uint64
	stems []string
	grams map[string]bool
	ms    []text.Mention
	txt   string
}

func mk(s string) sk {
	c := match.Clean(s)
	st := text.AnalyzerFor("en").Stems(c)
	slices.Sort(st)
	st = slices.Compact(st)
	g := map[string]bool{}
	f := " " + strings.Join(strings.Fields(text.Fold(c)), " ") + " "
	r := []rune(f)
	for i := 0; i+4 <= len(r); i++ {
		g[string(r[i:i+4])] = true
	}
	return sk{fp: Fingerprint(s, "en"), stems: st, grams: g, ms: text.Mentions(c, "en"), txt: c}
}

func dice(a, b []string) float64 {
	n := 0
	for _, x := range a {
		if _, ok := slices.BinarySearch(b, x); ok {
			n++
		}
	}
	if len(a)+len(b) == 0 {
		return 0
	}
	return 2 * float64(n) / float64(len(a)+len(b))
}
func overlap(a, b []string) float64 {
	n := 0
	for _, x := range a {
		if _, ok := slices.BinarySearch(b, x); ok {
			n++
		}
	}
	m := min(len(a), len(b))
	if m == 0 {
		return 0
	}
	return float64(n) / float64(m)
}
func cos(a, b map[string]bool) float64 {
	n := 0
	for k := range a {
		if b[k] {
			n++
		}
	}
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	return float64(n) / math.Sqrt(float64(len(a)*len(b)))
}

func TestScratchCluster(t *testing.T) {
	dir := os.Getenv("SCRATCH_DIR")
	if dir == "" {
		t.Skip()
	}
	split := os.Getenv("SPLIT")
	qs := readRows(t, dir+"/"+split+"/queries.tsv")
	gold := map[string]map[string]bool{}
	for _, r := range readRows(t, "/dev/null") {
		_ = r
	}
	b, _ := os.ReadFile(dir + "/" + split + "/qrels.tsv")
	for _, l := range strings.Split(string(b), "\n") {
		f := strings.Fields(l)
		if len(f) == 4 {
			if gold[f[0]] == nil {
				gold[f[0]] = map[string]bool{}
			}
			gold[f[0]][f[2]] = true
		}
	}
	df := map[string]int{}
	vc := readRows(t, dir+"/vclaims.tsv")
	for _, r := range vc {
		st := text.AnalyzerFor("en").Stems(r[1] + " " + r[2])
		slices.Sort(st)
		for _, x := range slices.Compact(st) {
			df[x]++
		}
	}
	idf := func(x string) float64 { return math.Log(float64(len(vc)+1) / float64(df[x]+1)) }
	widf := func(a, b []string) float64 {
		var n, na, nb float64
		for _, x := range a {
			w := idf(x)
			na += w
			if _, ok := slices.BinarySearch(b, x); ok {
				n += w
			}
		}
		for _, x := range b {
			nb += idf(x)
		}
		if na+nb == 0 {
			return 0
		}
		return 2 * n / (na + nb)
	}
	wcos := func(a, b []string) float64 {
		var n, na, nb float64
		for _, x := range a {
			w := idf(x)
			na += w * w
			if _, ok := slices.BinarySearch(b, x); ok {
				n += w * w
			}
		}
		for _, x := range b {
			nb += idf(x) * idf(x)
		}
		if na == 0 || nb == 0 {
			return 0
		}
		return n / math.Sqrt(na*nb)
	}
	var ids []string
	sks := map[string]sk{}
	for _, q := range qs {
		if gold[q[0]] != nil {
			ids = append(ids, q[0])
			sks[q[0]] = mk(q[1])
		}
	}
	type pair struct {
		a, b string
		pos  bool
	}
	var pos, neg []pair
	for i := range ids {
		for j := i + 1; j < len(ids); j++ {
			share := false
			for g := range gold[ids[i]] {
				if gold[ids[j]][g] {
					share = true
				}
			}
			if share {
				pos = append(pos, pair{ids[i], ids[j], true})
			} else {
				neg = append(neg, pair{ids[i], ids[j], false})
			}
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	rng.Shuffle(len(neg), func(i, j int) { neg[i], neg[j] = neg[j], neg[i] })
	fmt.Println("pos", len(pos), "neg", len(neg))
	measures := map[string]func(a, b sk) float64{
		"simhash": func(a, b sk) float64 { return 1 - float64(Distance(a.fp, b.fp))/64 },
		"dice":    func(a, b sk) float64 { return dice(a.stems, b.stems) },
		"overlap": func(a, b sk) float64 { return overlap(a.stems, b.stems) },
		"char4":   func(a, b sk) float64 { return cos(a.grams, b.grams) },
		"mix":     func(a, b sk) float64 { return (dice(a.stems, b.stems) + cos(a.grams, b.grams)) / 2 },
		"widf":    func(a, b sk) float64 { return widf(a.stems, b.stems) },
		"wcos":    func(a, b sk) float64 { return wcos(a.stems, b.stems) },
		"wmix":    func(a, b sk) float64 { return (wcos(a.stems, b.stems) + cos(a.grams, b.grams)) / 2 },
	}
	names := []string{"simhash", "dice", "char4", "mix", "widf", "wcos", "wmix"}
	for _, name := range names {
		f := measures[name]
		var ps, ns []float64
		for _, p := range pos {
			ps = append(ps, f(sks[p.a], sks[p.b]))
		}
		for _, p := range neg {
			ns = append(ns, f(sks[p.a], sks[p.b]))
		}
		sort.Float64s(ns)
		// thresholds at negatives' quantiles: FPR 1e-2, 1e-3, 1e-4
		for _, fpr := range []float64{1e-2, 1e-3, 1e-4, 0} {
			k := int(float64(len(ns)) * (1 - fpr))
			if k >= len(ns) {
				k = len(ns) - 1
			}
			th := ns[k]
			tp := 0
			for _, v := range ps {
				if v > th {
					tp++
				}
			}
			fp := 0
			for _, v := range ns {
				if v > th {
					fp++
				}
			}
			fmt.Printf("%-8s fpr<=%g th %.3f recall %.3f (tp %d fp %d)\n", name, fpr, th, float64(tp)/float64(len(ps)), tp, fp)
		}
	}
	if os.Getenv("SHOW") != "" {
		for _, p := range pos[:min(40, len(pos))] {
			a, b := sks[p.a], sks[p.b]
			fmt.Printf("%.2f %.2f %d\n  %s\n  %s\n", dice(a.stems, b.stems), cos(a.grams, b.grams), Distance(a.fp, b.fp), a.txt, b.txt)
		}
	}
}
