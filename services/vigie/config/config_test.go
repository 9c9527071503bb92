package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func writeFile(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "vigie.yaml")
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func env(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestDefaults(t *testing.T) {
	c := Default()
	if c.Data != "./vigie-data" || c.HTTP.Addr != "127.0.0.1:8080" || c.Index.Backend != "bleve" {
		t.Fatalf("unexpected defaults: data=%q http=%q index=%q", c.Data, c.HTTP.Addr, c.Index.Backend)
	}
	if c.NATS.DuplicateWindow.D() != 2*time.Minute || c.Fetch.MaxBodyBytes != 10<<20 || c.Matcher.AutoThreshold != 0.875 {
		t.Fatalf("unexpected defaults: %+v", c)
	}
}

func TestLoad(t *testing.T) {
	tests := []struct {
		name    string
		yaml    string
		env     map[string]string
		check   func(t *testing.T, c Config)
		wantErr string
	}{
		{
			name: "issue example",
			yaml: `
sources:
  - name: Jornal de Notícias
    id: jn-porto
    kind: feed
    url: https://www.jn.pt/rss
    localities: [PT-1312]
    interval: 10m
  - name: Le Télégramme à Brest
    url: https://example.org/feed
factchecks:
  - path/to/vclaims.tsv
`,
			check: func(t *testing.T, c Config) {
				if len(c.Sources) != 2 || c.Sources[0].ID != "jn-porto" || c.Sources[0].Localities[0] != "PT-1312" || c.Sources[0].Interval.D() != 10*time.Minute {
					t.Fatalf("sources: %+v", c.Sources)
				}
				if c.Sources[1].ID != "le-telegramme-a-brest" || c.Sources[1].Kind != "feed" || c.Sources[1].Interval.D() != 10*time.Minute {
					t.Fatalf("defaulted source: %+v", c.Sources[1])
				}
				if len(c.FactChecks) != 1 {
					t.Fatalf("factchecks: %v", c.FactChecks)
				}
			},
		},
		{
			name: "environment overrides file",
			yaml: "fetch:\n  allow_private_networks: false\nnats:\n  duplicate_window: 1m\n",
			env:  map[string]string{"VIGIE_FETCH_ALLOW_PRIVATE_NETWORKS": "true", "VIGIE_NATS_URL": "nats://a:4222, nats://b:4222", "VIGIE_NATS_DUPLICATE_WINDOW": "5s"},
			check: func(t *testing.T, c Config) {
				if !c.Fetch.AllowPrivateNetworks || len(c.NATS.URL) != 2 || c.NATS.URL[1] != "nats://b:4222" || c.NATS.DuplicateWindow.D() != 5*time.Second {
					t.Fatalf("env not applied: %+v %+v", c.Fetch, c.NATS)
				}
			},
		},
		{name: "unknown key named", yaml: "fetch:\n  allow_privat_networks: true\n", wantErr: "allow_privat_networks"},
		{name: "bad env value", env: map[string]string{"VIGIE_FETCH_TIMEOUT": "soon"}, wantErr: "VIGIE_FETCH_TIMEOUT"},
		{name: "bad source id", yaml: "sources:\n  - id: Bad.ID\n    url: http://x\n", wantErr: "Bad.ID"},
		{name: "duplicate source id", yaml: "sources:\n  - {id: a, url: http://x}\n  - {id: a, url: http://y}\n", wantErr: "duplicate id"},
		{name: "source without url", yaml: "sources:\n  - {name: A}\n", wantErr: "url is required"},
		{name: "unknown backend", env: map[string]string{"VIGIE_INDEX_BACKEND": "solr"}, wantErr: "index.backend"},
		{name: "negative disk reserve", yaml: "data_min_free_bytes: -1\n", wantErr: "data_min_free_bytes"},
		{
			name: "disk reserve from the environment",
			env:  map[string]string{"VIGIE_DATA_MIN_FREE_BYTES": "1048576"},
			check: func(t *testing.T, c Config) {
				if c.DataMinFree != 1<<20 {
					t.Fatalf("data_min_free_bytes = %d, want 1 MiB", c.DataMinFree)
				}
			},
		},
		{name: "empty file", yaml: "\n", check: func(t *testing.T, c Config) {
			if c.HTTP.Addr != Default().HTTP.Addr {
				t.Fatal("empty file changed defaults")
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := ""
			if tt.yaml != "" {
				path = writeFile(t, tt.yaml)
			}
			c, err := Load(path, env(tt.env))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, c)
		})
	}
}

func TestSlug(t *testing.T) {
	for in, want := range map[string]string{"Jornal de Notícias": "jornal-de-noticias", "  Åre Tidning!! ": "are-tidning", "الجزيرة": "", "Le Monde — À la une": "le-monde-a-la-une"} {
		if got := Slug(in); got != want {
			t.Errorf("Slug(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestConfigurationDoc checks that docs/configuration.md is what the code generates.
func TestConfigurationDoc(t *testing.T) {
	b, err := os.ReadFile("../../../docs/configuration.md")
	if err != nil {
		t.Fatalf("read docs/configuration.md: %v (regenerate with: go run ./services/vigie config docs > docs/configuration.md)", err)
	}
	if string(b) != Markdown() {
		t.Fatal("docs/configuration.md is stale: run `go run ./services/vigie config docs > docs/configuration.md`")
	}
	for _, k := range Keys() {
		if k.Doc == "" {
			t.Errorf("key %s has no doc tag", k.Path)
		}
	}
}
