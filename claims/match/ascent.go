package match

import (
	"math"
	"sort"
)

// rankGroup is the candidates of one training query.
type rankGroup struct {
	X    [][]float64 // standardised features
	y    []float64
	ids  []string
	nrel int // relevant documents of the query (including those not retrieved)
}

// ap5 returns AP@5 of a group under weights w (bias irrelevant to ranking).
func (g *rankGroup) ap5(w []float64, buf []int, sc []float64) float64 {
	n := len(g.X)
	for i := 0; i < n; i++ {
		s := 0.0
		for j, v := range g.X[i] {
			s += w[j] * v
		}
		sc[i] = s
		buf[i] = i
	}
	idx := buf[:n]
	sort.Slice(idx, func(a, b int) bool {
		if sc[idx[a]] != sc[idx[b]] {
			return sc[idx[a]] > sc[idx[b]]
		}
		return lessID(g.ids[idx[a]], g.ids[idx[b]])
	})
	hits, sum := 0, 0.0
	for r := 0; r < 5 && r < n; r++ {
		if g.y[idx[r]] > 0 {
			hits++
			sum += float64(hits) / float64(r+1)
		}
	}
	if g.nrel == 0 {
		return 0
	}
	return sum / float64(g.nrel)
}

func meanAP5(gs []rankGroup, w []float64) float64 {
	buf := make([]int, 256)
	sc := make([]float64, 256)
	t := 0.0
	for i := range gs {
		if len(gs[i].X) > len(buf) {
			buf = make([]int, len(gs[i].X))
			sc = make([]float64, len(gs[i].X))
		}
		t += gs[i].ap5(w, buf, sc)
	}
	return t / float64(len(gs))
}

// coordinateAscent maximises mean AP@5 over the groups by coordinate ascent
// from start (deterministic: fixed step sizes and feature order), with a
// small L2 pull towards start to prefer simple solutions.
func coordinateAscent(gs []rankGroup, start []float64, rounds int) []float64 {
	w := append([]float64(nil), start...)
	best := meanAP5(gs, w)
	steps := []float64{-1, -0.5, -0.25, -0.1, -0.05, 0.05, 0.1, 0.25, 0.5, 1}
	for r := 0; r < rounds; r++ {
		improved := false
		for j := range w {
			for _, s := range steps {
				c := append([]float64(nil), w...)
				c[j] += s
				if v := meanAP5(gs, c); v > best+1e-9 {
					best, w, improved = v, c, true
				}
			}
		}
		if !improved {
			break
		}
	}
	// normalise the scale (ranking is scale-invariant)
	norm := 0.0
	for _, v := range w {
		norm += v * v
	}
	if norm = math.Sqrt(norm); norm > 0 {
		for j := range w {
			w[j] /= norm
		}
	}
	return w
}
