package main

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"go.uber.org/zap"

	"vigie/claims"
	"vigie/pipeline/source"
)

// demoFS holds the demo's sample feeds (real feeds, see demo/SOURCE.txt)
// and its fictional fact-checks.
//
//go:embed demo/*.rss demo/*.xml demo/factchecks.tsv demo/gazetteer-pt.csv demo/SOURCE.txt
var demoFS embed.FS

// demoFeed is one bundled sample feed.
type demoFeed struct {
	file, id, name, lang string
	localities           []string
}

var demoFeeds = []demoFeed{
	{"jn-porto.rss", "demo-jn-porto", "Jornal de Notícias (sample, 2018)", "pt", []string{"PT-1312"}},
	{"uol-noticias.rss", "demo-uol-noticias", "UOL Notícias (sample, 2018)", "pt", []string{"BR-3550308"}},
	{"reporterre.xml", "demo-reporterre", "Reporterre (sample)", "fr", []string{"FR-75056"}},
	{"huffpost-canada.xml", "demo-huffpost-canada", "HuffPost Canada (sample)", "en", nil},
}

// demoServer serves the sample feeds on a loopback port only Vigie's
// fetcher is allowed to reach.
type demoServer struct {
	addr  string
	srv   *http.Server
	feeds []demoFeed
}

func startDemo(log *zap.Logger) (*demoServer, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("start demo feed server: %w", err)
	}
	mux := http.NewServeMux()
	for _, f := range demoFeeds {
		b, err := demoFS.ReadFile("demo/" + f.file)
		if err != nil {
			_ = ln.Close()
			return nil, fmt.Errorf("read demo feed %s: %w", f.file, err)
		}
		mux.HandleFunc("GET /"+f.file, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/xml")
			http.ServeContent(w, r, f.file, time.Time{}, bytes.NewReader(b))
		})
	}
	d := &demoServer{addr: ln.Addr().String(), srv: &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}, feeds: demoFeeds}
	go func() {
		if err := d.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("demo feed server stopped", zap.Error(err))
		}
	}()
	return d, nil
}

// originDemo marks the demo's sources, removed when Vigie runs without --demo.
const originDemo = "demo"

func (d *demoServer) sources() []source.Source {
	out := make([]source.Source, 0, len(d.feeds))
	for _, f := range d.feeds {
		out = append(out, source.Source{
			ID: f.id, Name: f.name, Kind: source.KindFeed, URL: "http://" + d.addr + "/" + f.file,
			Language: f.lang, Localities: f.localities, Interval: 5 * time.Minute, Origin: originDemo,
		})
	}
	return out
}

// loadDemoFactChecks adds the demo's fictional fact-checks to store.
func loadDemoFactChecks(store *claims.Store) int {
	b, err := demoFS.ReadFile("demo/factchecks.tsv")
	if err != nil {
		return 0
	}
	fcs, err := claims.LoadTSV(bytes.NewReader(b))
	if err != nil {
		return 0
	}
	store.Add(fcs...)
	return len(fcs)
}

func (d *demoServer) close() { _ = d.srv.Close() }
