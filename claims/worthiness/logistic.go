package worthiness

import "math"

// sparse is one example: feature indices (sorted, unique) and values.
type sparse struct {
	idx []int
	val []float64
	y   float64 // 0 or 1
}

// fitLogistic minimises 0.5*||w||² + C*Σ logloss over the examples (the
// intercept, index dim, is not penalised) with L-BFGS and a backtracking
// line search. Deterministic: no randomness, fixed iteration order.
func fitLogistic(xs []sparse, dim int, C float64, maxIter int) []float64 {
	n := dim + 1 // last = intercept
	w := make([]float64, n)
	fg := func(w []float64, g []float64) float64 {
		for j := range g {
			g[j] = 0
		}
		f := 0.0
		for _, x := range xs {
			z := w[dim]
			for k, j := range x.idx {
				z += w[j] * x.val[k]
			}
			// logloss for y in {0,1}: log(1+e^z) - y z, stable
			var l float64
			if z > 0 {
				l = z + math.Log1p(math.Exp(-z)) - x.y*z
			} else {
				l = math.Log1p(math.Exp(z)) - x.y*z
			}
			f += C * l
			p := 1 / (1 + math.Exp(-z))
			d := C * (p - x.y)
			for k, j := range x.idx {
				g[j] += d * x.val[k]
			}
			g[dim] += d
		}
		for j := 0; j < dim; j++ {
			f += 0.5 * w[j] * w[j]
			g[j] += w[j]
		}
		return f
	}
	const m = 10
	var S, Y [][]float64
	g := make([]float64, n)
	f := fg(w, g)
	for it := 0; it < maxIter; it++ {
		// two-loop recursion
		q := append([]float64(nil), g...)
		alpha := make([]float64, len(S))
		for i := len(S) - 1; i >= 0; i-- {
			rho := 1 / dot(Y[i], S[i])
			alpha[i] = rho * dot(S[i], q)
			axpy(-alpha[i], Y[i], q)
		}
		if k := len(S); k > 0 {
			gamma := dot(S[k-1], Y[k-1]) / dot(Y[k-1], Y[k-1])
			for j := range q {
				q[j] *= gamma
			}
		} else {
			gn := math.Sqrt(dot(g, g))
			if gn > 0 {
				for j := range q {
					q[j] /= gn
				}
			}
		}
		for i := range S {
			rho := 1 / dot(Y[i], S[i])
			b := rho * dot(Y[i], q)
			axpy(alpha[i]-b, S[i], q)
		}
		// direction d = -q
		gd := -dot(g, q)
		if gd >= 0 { // not a descent direction: reset memory
			S, Y = nil, nil
			q = append([]float64(nil), g...)
			gd = -dot(g, q)
		}
		step := 1.0
		wn := make([]float64, n)
		gn := make([]float64, n)
		var fn float64
		for ls := 0; ls < 40; ls++ {
			for j := range w {
				wn[j] = w[j] - step*q[j]
			}
			fn = fg(wn, gn)
			if fn <= f+1e-4*step*gd {
				break
			}
			step /= 2
		}
		s := make([]float64, n)
		y := make([]float64, n)
		for j := range w {
			s[j] = wn[j] - w[j]
			y[j] = gn[j] - g[j]
		}
		if dot(s, y) > 1e-12 {
			S = append(S, s)
			Y = append(Y, y)
			if len(S) > m {
				S, Y = S[1:], Y[1:]
			}
		}
		rel := (f - fn) / math.Max(math.Abs(f), 1)
		w, g, f = wn, gn, fn
		if rel < 1e-9 {
			break
		}
	}
	return w
}

func dot(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

func axpy(a float64, x, y []float64) {
	for i := range x {
		y[i] += a * x[i]
	}
}
