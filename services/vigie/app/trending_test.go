package app_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"vigie/claims"
	"vigie/pipeline/bus"
	"vigie/pipeline/bus/bustest"
	"vigie/pipeline/codec"
	"vigie/pipeline/subscription"
	"vigie/pipeline/webhook"
	"vigie/services/vigie/app"
	"vigie/services/vigie/app/apptest"
)

// TestRewordedFalseClaimTrends: one false claim (fact-checked) reworded by
// three outlets of Paris, then repeated once more by one of them: the
// matcher puts the four claims in one cluster counted in four items from
// three sources, and Paris's subscription gets one trending alert for that
// cluster (not one per outlet, not another for the repeat).
func TestRewordedFalseClaimTrends(t *testing.T) {
	t.Parallel()
	cfg := apptest.Config(t, t.TempDir())
	cfg.Alerts.AllowPrivateNetworks = true // the receiver is on loopback
	cfg.Alerts.TrendingItems, cfg.Alerts.TrendingSources = 3, 3
	fc := claims.FactCheck{ID: "desk-grant", Text: "The council pays families a €1,000 back-to-school grant for every child.",
		Title: "No, there is no €1,000 back-to-school grant", Rating: claims.RatingFalse, TextualRating: "False",
		Publisher: "Fact Desk", URL: "https://factdesk.example/grant", Language: "en"}
	a := apptest.Start(t, cfg, app.Options{FactChecks: []claims.FactCheck{fc}})
	ctx := context.Background()

	var mu sync.Mutex
	var got []claims.Alert
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var m struct {
			Data claims.Alert `json:"data"`
		}
		b, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(b, &m); err == nil {
			mu.Lock()
			got = append(got, m.Data)
			mu.Unlock()
		}
	}))
	t.Cleanup(srv.Close)
	secret, err := webhook.NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	sub := subscription.Subscription{Name: "Paris", Owner: "paris", Localities: []string{"FR-75056"},
		Triggers: []claims.AlertKind{claims.AlertFlagged, claims.AlertTrending, claims.AlertVerdict},
		Webhooks: []subscription.Webhook{{ID: subscription.NewWebhookID(), URL: srv.URL + "/hook", Secrets: []string{secret}, Enabled: true, IncludeUnreviewed: true}}}
	sub.EarlyWarning = true // the false claim's matches are automatic, not yet confirmed
	sub.Feed.IncludeUnreviewed = true
	if _, err := a.Subscriptions().Create(ctx, sub); err != nil {
		t.Fatal(err)
	}

	items := []struct{ id, source, text string }{
		{"post-grant", "daily-post", "A viral post claims the council will pay families a €1,000 back-to-school grant for every child."},
		{"news-grant", "evening-news", "Families will receive a €1,000 back-to-school grant per child from the council, according to a widely shared message."},
		{"radio-grant", "city-radio", "Council back-to-school grant: €1000 for each child, says a post shared thousands of times."},
		{"post-grant-2", "daily-post", "The council's €1,000 back-to-school grant for every child is being shared again by readers."},
	}
	for _, it := range items {
		data, _ := codec.EncodeItem(claims.Item{ID: it.id, SourceID: it.source, SourceName: it.source, Language: "en",
			URL: "https://" + it.source + ".example/" + it.id, Text: it.text, Localities: []string{"FR-75056"}})
		if _, err := a.Bus().Publish(ctx, bus.ItemSubject("feed", it.source), data, it.id, nil); err != nil {
			t.Fatal(err)
		}
		// One at a time, as outlets publish: each is counted before the next.
		bustest.Eventually(t, 60*time.Second, it.id+" indexed", func() bool {
			return apptest.Claims(t, a.HTTPAddr(), "filter="+url.QueryEscape(`item_id = "`+it.id+`"`)).Total > 0
		})
	}
	hits := apptest.Claims(t, a.HTTPAddr(), "filter="+url.QueryEscape(`item_id IN ["post-grant", "news-grant", "radio-grant", "post-grant-2"]`)+"&limit=10").Hits
	if len(hits) != len(items) {
		t.Fatalf("%d claims, want one per item: %+v", len(hits), hits)
	}
	cluster := hits[0].ClusterID
	sources := map[string]bool{}
	for _, h := range hits {
		if h.ClusterID != cluster || cluster == "" {
			t.Fatalf("claims in clusters %q and %q, want one", cluster, h.ClusterID)
		}
		sources[h.Source] = true
		if h.ItemID == "post-grant-2" && (h.ClusterItems != 4 || h.ClusterSources != 3) {
			t.Errorf("the last claim carries %d items from %d sources, want 4 from 3", h.ClusterItems, h.ClusterSources)
		}
	}
	if len(sources) != 3 {
		t.Errorf("%d sources, want 3", len(sources))
	}

	bustest.Eventually(t, 60*time.Second, "a trending alert delivered", func() bool {
		mu.Lock()
		defer mu.Unlock()
		for _, al := range got {
			if al.Kind == claims.AlertTrending {
				return true
			}
		}
		return false
	})
	bustest.Eventually(t, 30*time.Second, "the alerter idle", func() bool {
		return apptest.ConsumerIdle(t, a.Bus().JS, bus.StreamClaims, bus.ConsumerAlerter) &&
			apptest.ConsumerIdle(t, a.Bus().JS, bus.StreamDeliveries, bus.ConsumerDeliveries)
	})
	mu.Lock()
	defer mu.Unlock()
	trending := map[string]claims.Alert{}
	for _, al := range got {
		if al.Kind == claims.AlertTrending {
			trending[al.ID] = al
		}
	}
	if len(trending) != 1 {
		t.Fatalf("%d trending alerts, want 1: %+v", len(trending), trending)
	}
	for _, al := range trending {
		if al.ClusterID != cluster || al.Locality != "FR-75056" {
			t.Errorf("trending alert %+v, want cluster %s in FR-75056", al, cluster)
		}
	}
}
