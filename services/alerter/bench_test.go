package alerter

import (
	"context"
	"fmt"
	"testing"
	"time"

	"go.uber.org/zap"

	"vigie/claims"
	"vigie/pipeline/bus"
	"vigie/pipeline/bus/bustest"
	"vigie/pipeline/subscription"
)

// BenchmarkItemClaims measures the alerter's per-message path for the
// common case: an item of three clustered claims whose counters are
// updated with compare-and-set, checked against 200 subscriptions of other
// localities (no alert raised).
func BenchmarkItemClaims(b *testing.B) {
	b.ReportAllocs()
	bb := bustest.Bus(b, bustest.Server(b), bus.DefaultTopology())
	svc, err := New(bb, Options{BaseURL: "https://verif.example.org"}, zap.NewNop())
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	var subs []subscription.Subscription
	for i := range 200 {
		subs = append(subs, subscription.Subscription{ID: fmt.Sprintf("sub_%c%c", 'a'+i%26, 'a'+i/26), Localities: []string{porto},
			MinSeverity: 1, Triggers: claims.AlertKinds})
	}
	t0 := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	n := 0
	for b.Loop() {
		n++
		ic := claims.ItemClaims{ItemID: fmt.Sprint("itm_", n), SourceID: fmt.Sprint("src", n%50), Language: "fr",
			Localities: []string{paris}, Analyzed: t0}
		for c := range 3 {
			ic.Claims = append(ic.Claims, claims.Claim{ID: fmt.Sprint("c", n, "_", c), Text: "Une rumeur sur les ponts.",
				ClusterID: fmt.Sprint("cl_", (n*3+c)%500)})
		}
		if err := svc.itemClaims(ctx, subs, ic); err != nil {
			b.Fatal(err)
		}
	}
}
