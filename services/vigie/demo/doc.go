// Package demo is `vigie serve --demo`: Vigie started with bundled sample
// content so that a newcomer sees a filled review queue within seconds.
// It serves four real sample feeds (see SOURCE.txt) from a loopback
// server, adds fictional fact-checks and a Portuguese gazetteer, lets the
// read-only claims API answer without a token, creates demo accounts, and
// seeds one published, clearly fictional verdict and a municipality's
// subscription.
//
// It uses the application package like any embedder: it prepares
// app.Options, calls app.Start, then seeds. Nothing of the demo ships in
// the application's wiring.
package demo
