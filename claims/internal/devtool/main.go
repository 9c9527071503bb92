// Command devtool is a scratch tool for development experiments (removed before delivery).
package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"

	"vigie/claims"
	"vigie/claims/eval"
	"vigie/claims/match"
	"vigie/claims/training"
)

const d = "/work/shared/datasets/claim-matching/checkthat2020-en/"

func main() {
	f, _ := os.Open(d + "vclaims.tsv")
	fcs, err := claims.LoadTSV(f)
	if err != nil {
		panic(err)
	}
	idx := match.NewIndex()
	for _, fc := range fcs {
		idx.Add(match.Doc{ID: fc.ID, Text: fc.Text, Title: fc.Title, Language: "en"})
	}
	for _, split := range splits() {
		qf, _ := os.Open(d + split + "/queries.tsv")
		qs, _ := eval.ReadQueries(qf)
		rf, _ := os.Open(d + split + "/qrels.tsv")
		qr, _ := eval.ReadQrels(rf)
		for _, st := range []string{"bm25", ""} {
			run, _, _ := eval.RunMatch(context.Background(), idx, qs, match.Options{Lang: "en", Stages: st}, 5)
			fmt.Printf("%s %-5s %+v\n", split, st, eval.Match(run, qr))
		}
	}
}

func init() {
	if len(os.Args) > 1 && os.Args[1] == "fail" {
		f, _ := os.Open(d + "vclaims.tsv")
		fcs, _ := claims.LoadTSV(f)
		idx := match.NewIndex()
		byID := map[string]claims.FactCheck{}
		for _, fc := range fcs {
			byID[fc.ID] = fc
			idx.Add(match.Doc{ID: fc.ID, Text: fc.Text, Title: fc.Title, Language: "en"})
		}
		qf, _ := os.Open(d + "dev/queries.tsv")
		qs, _ := eval.ReadQueries(qf)
		rf, _ := os.Open(d + "dev/qrels.tsv")
		qr, _ := eval.ReadQrels(rf)
		n := 0
		for _, q := range qs {
			rs := idx.Search(q.Text, match.Options{Lang: "en", Stages: "bm25", Limit: 3})
			if len(rs) > 0 && qr[q.ID][rs[0].ID] {
				continue
			}
			n++
			if n > 12 {
				break
			}
			fmt.Printf("Q %s\n  clean: %s\n", q.Text, match.Clean(q.Text))
			for g := range qr[q.ID] {
				fmt.Printf("  GOLD %s | %s\n", byID[g].Text, byID[g].Title)
			}
			for _, r := range rs {
				fmt.Printf("  GOT %.2f %s | %s\n", r.BM25, byID[r.ID].Text, byID[r.ID].Title)
			}
		}
		os.Exit(0)
	}
}

func splits() []string {
	if s := os.Getenv("SPLITS"); s != "" {
		return strings.Split(s, ",")
	}
	return []string{"train", "dev"}
}

func labeled(split string) ([]eval.Query, eval.Qrels, []match.LabeledQuery) {
	qf, _ := os.Open(d + split + "/queries.tsv")
	qs, _ := eval.ReadQueries(qf)
	rf, _ := os.Open(d + split + "/qrels.tsv")
	qr, _ := eval.ReadQrels(rf)
	var out []match.LabeledQuery
	for _, q := range qs {
		if qr[q.ID] != nil {
			out = append(out, match.LabeledQuery{Text: q.Text, Relevant: qr[q.ID]})
		}
	}
	return qs, qr, out
}

func init() {
	if len(os.Args) > 1 && os.Args[1] == "train" {
		f, _ := os.Open(d + "vclaims.tsv")
		fcs, _ := claims.LoadTSV(f)
		idx := match.NewIndex()
		for _, fc := range fcs {
			idx.Add(match.Doc{ID: fc.ID, Text: fc.Text, Title: fc.Title, Language: "en"})
		}
		_, _, tr := labeled("train")
		dqs, dqr, dv := labeled("dev")
		var emb match.Embedder
		if os.Getenv("LSA") != "" {
			emb = nil
		}
		m, err := match.Train(context.Background(), idx, tr, dv, match.TrainOptions{Lang: "en", Ascent: os.Getenv("ASCENT") != "", Embedder: emb, Candidates: atoi(os.Getenv("K"))})
		if err != nil {
			panic(err)
		}
		for i, n := range match.FeatureNames {
			fmt.Printf("%-14s %+.3f\n", n, m.Weights[i])
		}
		fmt.Printf("bias %+.3f platt %.3f %.3f\n", m.Bias, m.A, m.B)
		run, _, _ := eval.RunMatch(context.Background(), idx, dqs, match.Options{Lang: "en", Model: &m, Embedder: emb}, 5)
		fmt.Printf("dev model %+v\n", eval.Match(run, dqr))
		tqs, tqr, _ := labeled("train")
		run, _, _ = eval.RunMatch(context.Background(), idx, tqs, match.Options{Lang: "en", Model: &m, Embedder: emb}, 5)
		fmt.Printf("train model %+v\n", eval.Match(run, tqr))
		os.Exit(0)
	}
}

func init() {
	if len(os.Args) > 1 && os.Args[1] == "recall" {
		f, _ := os.Open(d + "vclaims.tsv")
		fcs, _ := claims.LoadTSV(f)
		idx := match.NewIndex()
		for _, fc := range fcs {
			idx.Add(match.Doc{ID: fc.ID, Text: fc.Text, Title: fc.Title, Language: "en"})
		}
		for _, sp := range []string{"train", "dev"} {
			qs, qr, _ := labeled(sp)
			run, _, _ := eval.RunMatch(context.Background(), idx, qs, match.Options{Lang: "en", Stages: "bm25"}, 200)
			for _, k := range []int{1, 5, 10, 30, 100, 200} {
				hit, tot := 0, 0
				for _, q := range qs {
					if qr[q.ID] == nil {
						continue
					}
					tot++
					r := run[q.ID]
					if len(r) > k {
						r = r[:k]
					}
					for _, id := range r {
						if qr[q.ID][id] {
							hit++
							break
						}
					}
				}
				fmt.Printf("%s recall@%d %.3f\n", sp, k, float64(hit)/float64(tot))
			}
		}
		os.Exit(0)
	}
}

func init() {
	if len(os.Args) > 1 && os.Args[1] == "fail2" {
		f, _ := os.Open(d + "vclaims.tsv")
		fcs, _ := claims.LoadTSV(f)
		idx := match.NewIndex()
		byID := map[string]claims.FactCheck{}
		for _, fc := range fcs {
			byID[fc.ID] = fc
			idx.Add(match.Doc{ID: fc.ID, Text: fc.Text, Title: fc.Title, Language: "en"})
		}
		qs, qr, _ := labeled(os.Args[2])
		n := 0
		for _, q := range qs {
			rs := idx.Search(q.Text, match.Options{Lang: "en", Stages: "bm25", Limit: 30})
			if len(rs) == 0 || qr[q.ID][rs[0].ID] {
				continue
			}
			gi := -1
			for i, r := range rs {
				if qr[q.ID][r.ID] {
					gi = i
				}
			}
			if gi < 0 {
				continue
			}
			n++
			if n > 25 {
				break
			}
			fmt.Printf("Q %s\n", match.Clean(q.Text))
			for _, i := range []int{gi, 0} {
				r := rs[i]
				fmt.Printf("  %s #%d %s | %s\n    ", map[bool]string{true: "GOLD", false: "TOP "}[i == gi], i, byID[r.ID].Text, byID[r.ID].Title)
				for j, v := range r.Features[:11] {
					fmt.Printf("%s=%.2f ", match.FeatureNames[j][:5], v)
				}
				fmt.Println()
			}
		}
		os.Exit(0)
	}
}

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }

func init() {
	if len(os.Args) > 1 && os.Args[1] == "eval" {
		if err := eval.Command(context.Background(), os.Args[2:], os.Stdout, os.Stderr); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
}

func init() {
	if len(os.Args) > 1 && os.Args[1] == "trainc" {
		if err := training.Command(context.Background(), os.Args[2:], os.Stdout, os.Stderr); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
}

func init() {
	if len(os.Args) > 1 && os.Args[1] == "grid" {
		f, _ := os.Open(d + "vclaims.tsv")
		fcs, _ := claims.LoadTSV(f)
		tqs, tqr, _ := labeled("train")
		dqs, dqr, _ := labeled("dev")
		for _, k := range []float64{0.9, 1.2, 1.6} {
			for _, b := range []float64{0.5, 0.75, 0.9} {
				for _, wt := range []float64{0.3, 0.6, 1.0} {
					match.SetBM25(k, b, b, wt)
					idx := match.NewIndex()
					for _, fc := range fcs {
						idx.Add(match.Doc{ID: fc.ID, Text: fc.Text, Title: fc.Title, Language: "en"})
					}
					r1, _, _ := eval.RunMatch(context.Background(), idx, tqs, match.Options{Lang: "en", Stages: "bm25"}, 5)
					r2, _, _ := eval.RunMatch(context.Background(), idx, dqs, match.Options{Lang: "en", Stages: "bm25"}, 5)
					fmt.Printf("k1=%.1f b=%.2f wt=%.1f train %.4f dev %.4f\n", k, b, wt, eval.Match(r1, tqr).MAP5, eval.Match(r2, dqr).MAP5)
				}
			}
		}
		os.Exit(0)
	}
}

func init() {
	if len(os.Args) > 1 && os.Args[1] == "bm" {
		f, _ := os.Open(d + "vclaims.tsv")
		fcs, _ := claims.LoadTSV(f)
		tqs, tqr, _ := labeled("train")
		dqs, dqr, _ := labeled("dev")
		idx := match.NewIndex()
		for _, fc := range fcs {
			idx.Add(match.Doc{ID: fc.ID, Text: fc.Text, Title: fc.Title, Language: "en"})
		}
		r1, _, _ := eval.RunMatch(context.Background(), idx, tqs, match.Options{Lang: "en", Stages: "bm25"}, 5)
		r2, _, _ := eval.RunMatch(context.Background(), idx, dqs, match.Options{Lang: "en", Stages: "bm25"}, 5)
		fmt.Printf("train %.4f dev %.4f\n", eval.Match(r1, tqr).MAP5, eval.Match(r2, dqr).MAP5)
		os.Exit(0)
	}
}
