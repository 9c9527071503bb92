package main

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"vigie/pipeline/bus/bustest"
	"vigie/pipeline/fixtures"
	"vigie/pipeline/opml"
	"vigie/services/reviewer"
	"vigie/services/vigie/app"
	"vigie/services/vigie/app/apptest"
)

// opmlDir holds real OPML files (provenance in its SOURCE.txt).
var opmlDir = fixtures.Path("opml") + string(filepath.Separator)

func vigie(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), args, &out, &errb)
	if err != nil {
		t.Logf("vigie %s: %v\n%s", strings.Join(args, " "), err, errb.String())
	}
	return out.String(), err
}

func listJSON(t *testing.T, data string) []map[string]any {
	t.Helper()
	out, err := vigie(t, "sources", "list", "--data", data, "--json")
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		Sources []map[string]any `json:"sources"`
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("list --json: %v: %s", err, out)
	}
	return v.Sources
}

func TestSourcesCommands(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	if _, err := vigie(t, "sources", "add", "--data", data, "--name", "Jornal de Notícias", "--url", "https://www.jn.pt/rss", "--localities", "PT-1312", "--interval", "15m"); err != nil {
		t.Fatal(err)
	}
	if _, err := vigie(t, "sources", "add", "--data", data, "--name", "Jornal de Notícias", "--url", "https://x"); err == nil {
		t.Fatal("adding an existing id succeeded")
	}
	if _, err := vigie(t, "sources", "add", "--data", data, "--name", "Bad", "--url", "ftp://x"); err == nil {
		t.Fatal("adding a non-http url succeeded")
	}
	srcs := listJSON(t, data)
	if len(srcs) != 1 || srcs[0]["id"] != "jornal-de-noticias" || srcs[0]["origin"] != "api" {
		t.Fatalf("list: %v", srcs)
	}
	if _, err := vigie(t, "sources", "update", "jornal-de-noticias", "--data", data, "--url", "https://www.jn.pt/rss2"); err != nil {
		t.Fatal(err)
	}
	if srcs = listJSON(t, data); srcs[0]["url"] != "https://www.jn.pt/rss2" {
		t.Fatalf("update not applied: %v", srcs[0])
	}

	t.Run("malformed OPML imports nothing and names the line", func(t *testing.T) {
		_, err := vigie(t, "sources", "import", "--data", data, opmlDir+"awesome_rss_feeds_France.opml")
		if err == nil || !strings.Contains(err.Error(), "line 17") || !strings.Contains(err.Error(), "nothing imported") {
			t.Fatalf("error %v, want one naming line 17 and saying nothing was imported", err)
		}
		if n := len(listJSON(t, data)); n != 1 {
			t.Fatalf("%d sources after a failed import, want 1", n)
		}
	})
	t.Run("OPML import and export round trip", func(t *testing.T) {
		if _, err := vigie(t, "sources", "import", "--data", data, opmlDir+"awesome_rss_feeds_Spain.opml"); err != nil {
			t.Fatal(err)
		}
		srcs := listJSON(t, data)
		if len(srcs) < 5 {
			t.Fatalf("only %d sources after importing the Spain list", len(srcs))
		}
		out, err := vigie(t, "sources", "export", "--data", data)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out, `version="2.0"`) {
			t.Fatalf("export is not OPML 2.0: %.200s", out)
		}
		outs, err := opml.Parse(strings.NewReader(out))
		if err != nil {
			t.Fatalf("exported OPML does not parse: %v", err)
		}
		if len(outs) != len(srcs) {
			t.Fatalf("export has %d outlines, registry %d sources", len(outs), len(srcs))
		}
		found := false
		for _, o := range outs {
			if o.XMLURL == "https://www.jn.pt/rss2" && len(o.Localities) == 1 && o.Localities[0] == "PT-1312" {
				found = true
			}
		}
		if !found {
			t.Fatal("export lost the localities of a source")
		}
	})
	if _, err := vigie(t, "sources", "remove", "jornal-de-noticias", "--data", data); err != nil {
		t.Fatal(err)
	}
	if _, err := vigie(t, "sources", "remove", "jornal-de-noticias", "--data", data); err == nil {
		t.Fatal("removing an unknown source succeeded")
	}
}

// TestSourcesLiveAndAPI: a source added by the CLI while vigie serves is
// fetched at once and shown by GET /api/v1/sources; a refused one shows its error.
func TestSourcesLiveAndAPI(t *testing.T) {
	t.Parallel()
	feeds := apptest.FeedServer(t, "jn-porto.rss")
	data := t.TempDir()
	cfg := apptest.Config(t, data)
	cfg.Fetch.AllowPrivateNetworks = false // the private source below must be refused
	a := apptest.Start(t, cfg, app.Options{})
	if _, err := vigie(t, "sources", "add", "--data", data, "--id", "jn", "--url", feeds.URL+"/jn-porto.rss", "--allow-private", "true"); err != nil {
		t.Fatal(err)
	}
	if _, err := vigie(t, "sources", "add", "--data", data, "--id", "refused", "--url", feeds.URL+"/jn-porto.rss"); err != nil {
		t.Fatal(err)
	}
	var views []reviewer.SourceView
	bustest.Eventually(t, 20*time.Second, "both sources fetched", func() bool {
		resp := apptest.Get(t, a.HTTPAddr(), "/api/v1/sources")
		defer resp.Body.Close()
		var v struct {
			Sources []reviewer.SourceView `json:"sources"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&v); err != nil {
			t.Fatal(err)
		}
		views = v.Sources
		return len(views) == 2 && views[0].Status != "new" && views[1].Status != "new"
	})
	byID := map[string]reviewer.SourceView{}
	for _, v := range views {
		byID[v.ID] = v
	}
	if v := byID["jn"]; v.Status != "ok" || v.Items == 0 || v.LastFetch.IsZero() {
		t.Errorf("jn: %+v", v)
	}
	if v := byID["refused"]; v.Status != "error" || v.ErrorKind != "blocked" || !strings.Contains(v.LastError, "refused") {
		t.Errorf("refused: %+v", v)
	}
}
