package alerter

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"vigie/claims"
	"vigie/pipeline/subscription"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// TestWebhookPayloadGolden pins the body of an alert.raised webhook of a flagged alert built
// from testdata/flagged-paris.json (the shape docs/alerts.md documents).
func TestWebhookPayloadGolden(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 27, 9, 0, 5, 0, time.UTC)
	s := &Service{opts: withDefaults(Options{BaseURL: "https://verif.example.org", Now: func() time.Time { return now }})}
	ic := loadClaims(t, "flagged-paris.json")
	c := ic.Claims[0]
	if _, ok := flaggedMatch(c); !ok {
		t.Fatal("fixture claim has no flagged automatic match")
	}
	sub := subscription.Subscription{ID: "sub_paris", Name: "Paris", Owner: "paris", Localities: []string{paris},
		EarlyWarning: true}.Normalize()
	subs := []subscription.Subscription{sub}
	st := state{}
	s.addMember(subs, &st, ic, c, matchInfos(c), paris, []string{paris}, 1, false, s.eventTime(ic))
	st.ID = alertID(claims.AlertFlagged, flaggedSubject(c), paris)
	s.revise(subs, &st, false)
	if len(st.Targets) != 1 || st.Targets[0].Subscription != sub.ID {
		t.Fatalf("targets %+v, want the early warning subscription", st.Targets)
	}
	rec := s.recordFor(sub, st, st.Targets[0].Status)
	msg, err := rec.Message()
	if err != nil {
		t.Fatal(err)
	}
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, msg.Body, "", "  "); err != nil {
		t.Fatal(err)
	}
	pretty.WriteByte('\n')
	path := filepath.Join("testdata", "golden", "flagged-payload.json")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, pretty.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(pretty.Bytes(), want) {
		t.Errorf("payload differs from %s (run with -update if intended):\n%s", path, pretty.Bytes())
	}
	if msg.ID != rec.ID+"_r1" || msg.Type != "alert.raised" {
		t.Errorf("message id %q type %q, want the alert id at revision 1 and alert.raised", msg.ID, msg.Type)
	}
}
