package demo

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
	"vigie/claims/locality"
	"vigie/pipeline/source"
)

// files holds the demo's sample feeds (real feeds, see SOURCE.txt), its
// fictional fact-checks and its Portuguese gazetteer.
//
//go:embed *.rss *.xml factchecks.tsv gazetteer-pt.csv SOURCE.txt
var files embed.FS

// feed is one bundled sample feed.
type feed struct {
	file, id, name, lang string
	localities           []string
}

var feeds = []feed{
	{"jn-porto.rss", "demo-jn-porto", "Jornal de Notícias (sample, 2018)", "pt", []string{"PT-1312"}},
	{"uol-noticias.rss", "demo-uol-noticias", "UOL Notícias (sample, 2018)", "pt", []string{"BR-3550308"}},
	{"reporterre.xml", "demo-reporterre", "Reporterre (sample)", "fr", []string{"FR-75056"}},
	{"huffpost-canada.xml", "demo-huffpost-canada", "HuffPost Canada (sample)", "en", nil},
}

// FeedFiles are the names of the bundled sample feeds: real feeds, which
// the tests and the benchmark also use as fixtures.
func FeedFiles() []string {
	out := make([]string, len(feeds))
	for i, f := range feeds {
		out[i] = f.file
	}
	return out
}

// Feed returns the bytes of a bundled sample feed (one of FeedFiles).
func Feed(name string) ([]byte, error) {
	b, err := files.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("demo feed %s: %w", name, err)
	}
	return b, nil
}

// feedServer serves the sample feeds on a loopback port only Vigie's
// fetcher is allowed to reach.
type feedServer struct {
	addr string
	srv  *http.Server
}

func startFeedServer(log *zap.Logger) (*feedServer, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("start demo feed server: %w", err)
	}
	mux := http.NewServeMux()
	for _, f := range feeds {
		b, err := Feed(f.file)
		if err != nil {
			_ = ln.Close()
			return nil, err
		}
		mux.HandleFunc("GET /"+f.file, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/xml")
			http.ServeContent(w, r, f.file, time.Time{}, bytes.NewReader(b))
		})
	}
	d := &feedServer{addr: ln.Addr().String(), srv: &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}}
	go func() {
		if err := d.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("demo feed server stopped", zap.Error(err))
		}
	}()
	return d, nil
}

// origin marks the demo's sources: a start without the demo removes them.
const origin = "demo"

// sources are the sample feeds as sources of the feed server.
func (d *feedServer) sources() []source.Source {
	out := make([]source.Source, 0, len(feeds))
	for _, f := range feeds {
		out = append(out, source.Source{
			ID: f.id, Name: f.name, Kind: source.KindFeed, URL: "http://" + d.addr + "/" + f.file,
			Language: f.lang, Localities: f.localities, Interval: 5 * time.Minute, Origin: origin,
		})
	}
	return out
}

func (d *feedServer) close() { _ = d.srv.Close() }

// factChecks are the demo's fictional fact-checks.
func factChecks() ([]claims.FactCheck, error) {
	b, err := files.ReadFile("factchecks.tsv")
	if err != nil {
		return nil, err
	}
	fcs, err := claims.LoadTSV(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("demo fact-checks: %w", err)
	}
	return fcs, nil
}

// localities are the demo's Portuguese gazetteer.
func localities() ([]locality.Locality, error) {
	b, err := files.ReadFile("gazetteer-pt.csv")
	if err != nil {
		return nil, err
	}
	locs, err := locality.ReadCSV(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("gazetteer gazetteer-pt.csv: %w", err)
	}
	return locs, nil
}
