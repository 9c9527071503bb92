package review_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"go.uber.org/zap"

	"vigie/claims"
	"vigie/pipeline/bus"
	"vigie/pipeline/publish"
	"vigie/pipeline/review"
)

func Example() {
	dir, _ := os.MkdirTemp("", "review-example")
	defer os.RemoveAll(dir)
	srv, _ := server.NewServer(&server.Options{Host: "127.0.0.1", Port: -1, JetStream: true, StoreDir: dir, NoLog: true, NoSigs: true})
	go srv.Start()
	srv.ReadyForConnections(10 * time.Second)
	defer srv.Shutdown()

	ctx := context.Background()
	b, err := bus.Connect(ctx, bus.ConnectConfig{URLs: []string{srv.ClientURL()}}, bus.DefaultTopology(), zap.NewNop())
	if err != nil {
		fmt.Println(err)
		return
	}
	defer b.Close()
	if err := b.Apply(ctx); err != nil {
		fmt.Println(err)
		return
	}
	w, err := review.New(ctx, b, review.Config{Site: review.Site{Publisher: publish.Party{Name: "La Vigie"},
		BaseURL: "https://news.example"}}, zap.NewNop())
	if err != nil {
		fmt.Println(err)
		return
	}
	fanny := claims.Actor{Name: "fanny", Role: claims.RoleFactChecker}
	edith := claims.Actor{Name: "edith", Role: claims.RoleEditor}
	const claim = "9f86d081884c7d65"

	_, rev, _ := w.Get(ctx, claim) // a claim nobody touched: new, revision 0
	r, _ := w.SetStatus(ctx, fanny, claim, rev, claims.StatusInProgress)
	r, _ = w.DraftVerdict(ctx, fanny, claim, r.Revision, claims.VerdictInput{
		ClaimReviewed: "The library closes in January.", Rating: claims.RatingFalse, Language: "en",
		Summary: "The council voted to keep it open.", Sources: []string{"https://town.example/minutes"},
		Localities: []string{"FR-75056"},
	})
	r, _ = w.SubmitVerdict(ctx, fanny, claim, r.Revision)
	if _, err := w.PublishVerdict(ctx, fanny, claim, r.Revision); errors.Is(err, review.ErrForbidden) {
		fmt.Println("a fact-checker may not publish")
	}
	pub, _ := w.PublishVerdict(ctx, edith, claim, r.Revision)
	fmt.Println(pub.State.Status, "version", pub.Verdict.Version, review.Site{BaseURL: "https://news.example"}.Publish(pub.Verdict).URL)

	// A second editor still holding the old revision is told what changed.
	_, err = w.AddNote(ctx, edith, claim, r.Revision, "looks good")
	var ce *review.ConflictError
	if errors.As(err, &ce) {
		fmt.Println("conflict; now at revision", ce.Revision == pub.Revision, "changed:", ce.Diff[0].Field, ce.Diff[0].Saw, "→", ce.Diff[0].Now)
	}
	hist, _ := w.History(ctx, claim)
	for _, e := range hist {
		fmt.Println(e.Actor.Name, e.Action, e.Before.Status, "→", e.After.Status)
	}
	// Output:
	// a fact-checker may not publish
	// published version 1 https://news.example/verdicts/9f86d081884c7d65
	// conflict; now at revision true changed: status awaiting_approval → published
	// fanny status new → in_progress
	// fanny verdict_draft in_progress → draft
	// fanny verdict_submit draft → awaiting_approval
	// edith verdict_publish awaiting_approval → published
}
