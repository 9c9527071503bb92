package publisher

import (
	"encoding/json"
	"net/http"
	"testing"
)

func TestPublicAPI(t *testing.T) {
	t.Parallel()
	e := threeVerdicts(t)
	e.draft("draft1", porto())
	e.retract("fr1", "Retiré : la source était une parodie.")
	t.Run("list filtered", func(t *testing.T) {
		resp, body := e.get("/api/v1/verdicts/public?locality=PT-1312,FR-75056")
		if resp.StatusCode != http.StatusOK || resp.Header.Get("ETag") == "" {
			t.Fatalf("status %d, etag %q", resp.StatusCode, resp.Header.Get("ETag"))
		}
		var got struct{ Verdicts []PublicVerdict }
		if err := json.Unmarshal(body, &got); err != nil {
			t.Fatal(err)
		}
		if len(got.Verdicts) != 2 || got.Verdicts[0].ID != "fr1" || got.Verdicts[1].ID != "pt1" {
			t.Fatalf("verdicts %+v", got.Verdicts)
		}
		fr, pt := got.Verdicts[0], got.Verdicts[1]
		if !fr.Retracted || fr.RetractionNote == "" || fr.RetractedAt.IsZero() {
			t.Errorf("retraction not shown: %+v", fr)
		}
		if pt.Version != 2 || len(pt.Corrections) != 1 || pt.URL != testSite.PageURL("pt1") || pt.ShortPath != "/v/pt1" {
			t.Errorf("corrected verdict: %+v", pt)
		}
	})
	t.Run("limit", func(t *testing.T) {
		_, body := e.get("/api/v1/verdicts/public?limit=1")
		var got struct{ Verdicts []PublicVerdict }
		if err := json.Unmarshal(body, &got); err != nil || len(got.Verdicts) != 1 {
			t.Fatalf("%v, %d verdicts", err, len(got.Verdicts))
		}
	})
	for _, c := range []struct {
		name, path string
		status     int
	}{
		{"one", "/api/v1/verdicts/public/sv1", http.StatusOK},
		{"draft is not public", "/api/v1/verdicts/public/draft1", http.StatusNotFound},
		{"unknown", "/api/v1/verdicts/public/zz", http.StatusNotFound},
		{"bad limit", "/api/v1/verdicts/public?limit=0", http.StatusBadRequest},
		{"bad filter", "/api/v1/verdicts/public?rating=maybe", http.StatusBadRequest},
	} {
		t.Run(c.name, func(t *testing.T) {
			resp, body := e.get(c.path)
			if resp.StatusCode != c.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, c.status, body)
			}
			var v map[string]any
			if err := json.Unmarshal(body, &v); err != nil {
				t.Errorf("not JSON: %s", body)
			}
			if c.status != http.StatusOK && v["error"] == nil {
				t.Errorf("no error message: %s", body)
			}
		})
	}
}
