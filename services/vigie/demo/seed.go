package demo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"vigie/claims"
	"vigie/pipeline/review"
	"vigie/pipeline/subscription"
)

// The demo's seeded content: one published, clearly fictional verdict
// about Porto and one subscription of the Porto municipality.
const (
	// verdictID is the sample verdict's id (and its claim's id).
	verdictID = "demo-pt-1312-tempestade"
	// subscriptionID is the demo municipality's subscription.
	subscriptionID = "sub_demoporto"
	// municipality is the demo municipality: Porto (DICO code 1312).
	municipality = "PT-1312"
	// subscriber owns the demo subscription: the subscriber account
	// account.DemoUsers creates.
	subscriber = "demo-subscriber"
)

// The demo's actors, named after the accounts account.DemoUsers creates,
// so the audit log of the sample verdict reads like a real one.
var (
	factChecker = claims.Actor{Name: "demo-factchecker", Role: claims.RoleFactChecker}
	editor      = claims.Actor{Name: "demo-editor", Role: claims.RoleEditor}
)

// seedDeps is what seed writes to.
type seedDeps struct {
	// Review publishes the sample verdict (required).
	Review *review.Workflow
	// Subscriptions is the alerter's store (alerter.Service.Subscriptions);
	// nil when this process runs no alerter: no subscription is seeded.
	Subscriptions *subscription.Store
	// Locality is the demo municipality (default PT-1312, Porto).
	Locality string
	// Owner owns the demo subscription (default demo-subscriber).
	Owner string
	// BaseURL is the site's public root, for the links printed to Out.
	BaseURL string
	// Out, when set, receives the demo's links: the verdict page, the
	// public feeds and the municipality's private feed (its token is
	// issued anew at each start, as the demo passwords are).
	Out io.Writer
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// verdictInput is the sample verdict: Portuguese, about Porto, rated
// false, and marked fictional in its title, summary, claimant and links.
func verdictInput(locality string) claims.VerdictInput {
	return claims.VerdictInput{
		ClaimReviewed: "Uma tempestade com ventos de 150 km/hora deixou todo o Porto sem eletricidade esta quarta-feira.",
		Title:         "DEMO (fictício): a tempestade de 150 km/h não deixou o Porto sem eletricidade",
		Rating:        claims.RatingFalse, TextualRating: "Falso",
		Summary: "DEMONSTRAÇÃO — esta verificação é fictícia: foi criada para mostrar o Vigie e não descreve factos reais.\n\n" +
			"A publicação afirma que uma tempestade deixou toda a cidade do Porto sem eletricidade. " +
			"Na notícia original, a tempestade Eleanor atingiu o Reino Unido, a Irlanda, a França, a Suíça e a Alemanha; " +
			"nenhum corte geral de eletricidade no Porto foi noticiado.",
		Sources:     []string{"https://example.org/demo/tempestade-porto"},
		Claimant:    "Publicação viral (fictícia, demonstração)",
		Appearances: []string{"https://example.org/demo/publicacao-viral-tempestade"},
		Localities:  []string{locality},
		Language:    "pt",
	}
}

// seed puts the demo's sample content in place, idempotently across
// restarts: first the municipality's subscription (so that the alerter,
// which reads subscriptions when it handles the verdict, raises the
// verdict alert for it), then the sample verdict, taken from wherever an
// earlier start left it to published. A verdict already published — or
// dismissed, corrected or retracted by a demo user — is left as it is.
func seed(ctx context.Context, d seedDeps) error {
	if d.Review == nil {
		return errors.New("seed demo: no review workflow")
	}
	if d.Locality == "" {
		d.Locality = municipality
	}
	if d.Owner == "" {
		d.Owner = subscriber
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	var token string
	if d.Subscriptions != nil {
		var err error
		if token, err = seedSubscription(ctx, d); err != nil {
			return err
		}
	}
	if err := seedVerdict(ctx, d); err != nil {
		return err
	}
	if d.Out != nil {
		base := strings.TrimRight(d.BaseURL, "/")
		fmt.Fprintf(d.Out, "Demo verdict (fictional): %s/verdicts/%s\n", base, verdictID)
		fmt.Fprintf(d.Out, "Demo public feeds: %s/feeds/verdicts.atom, .rss, .json (filter: ?locality=%s)\n", base, d.Locality)
		if token != "" {
			fmt.Fprintf(d.Out, "Demo municipality %s (user %s) alert feed: %s/feeds/alerts/%s.atom?token=%s\n",
				d.Locality, d.Owner, base, subscriptionID, token)
		}
	}
	return nil
}

// seedSubscription creates the demo subscription when it is missing
// and issues a new feed token, returned to be printed once.
func seedSubscription(ctx context.Context, d seedDeps) (string, error) {
	_, err := d.Subscriptions.Get(ctx, subscriptionID)
	if errors.Is(err, subscription.ErrNotFound) {
		_, err = d.Subscriptions.Create(ctx, subscription.Subscription{
			ID: subscriptionID, Name: "Porto — demo municipality (fictional)", Owner: d.Owner,
			Localities: []string{d.Locality}, MinSeverity: claims.MinSeverity,
			Triggers: []claims.AlertKind{claims.AlertFlagged, claims.AlertTrending, claims.AlertVerdict},
			// The demo opts in to early warning (unconfirmed automatic matches), so the
			// sample feeds' flagged claims show beside the verdict alert.
			EarlyWarning: true, Feed: subscription.Feed{IncludeUnreviewed: true}, CAP: subscription.CAP{Enabled: true},
		})
		if errors.Is(err, subscription.ErrExists) {
			err = nil // another process seeded it meanwhile
		}
	}
	if err != nil {
		return "", fmt.Errorf("seed demo subscription: %w", err)
	}
	var token string
	_, err = d.Subscriptions.Modify(ctx, subscriptionID, func(s *subscription.Subscription) error {
		token = s.RotateToken(d.Now())
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("seed demo subscription feed token: %w", err)
	}
	return token, nil
}

// seedVerdict moves the sample claim one step at a time towards a
// published verdict, re-reading its state before each step, so a start
// interrupted half-way resumes where it stopped.
func seedVerdict(ctx context.Context, d seedDeps) error {
	w := d.Review
	for range 8 {
		st, rev, err := w.Get(ctx, verdictID)
		if err != nil {
			return fmt.Errorf("seed demo verdict: %w", err)
		}
		switch st.Status {
		case claims.StatusPublished, claims.StatusDismissed, claims.StatusDuplicate:
			return nil
		case claims.StatusNew:
			_, err = w.SetStatus(ctx, factChecker, verdictID, rev, claims.StatusTriage)
		case claims.StatusTriage, claims.StatusInProgress:
			_, err = w.DraftVerdict(ctx, factChecker, verdictID, rev, verdictInput(d.Locality))
		case claims.StatusDraft:
			_, err = w.SubmitVerdict(ctx, factChecker, verdictID, rev)
		case claims.StatusAwaitingApproval:
			_, err = w.PublishVerdict(ctx, editor, verdictID, rev)
		default:
			return fmt.Errorf("seed demo verdict: claim %s in unexpected status %q", verdictID, st.Status)
		}
		if err != nil && !errors.Is(err, review.ErrConflict) {
			return fmt.Errorf("seed demo verdict: %w", err)
		}
	}
	return fmt.Errorf("seed demo verdict: claim %s not published after 8 steps", verdictID)
}
