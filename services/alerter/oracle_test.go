package alerter

import (
	"encoding/json"
	"net/http"
	"os"
	"strconv"
	"testing"
	"time"

	"vigie/pipeline/specs"
)

// TestIndependentVerifierAgainstOfficialVector checks the test's own
// signature check (the oracle of the end-to-end tests) against the
// Standard Webhooks known-answer vector: it must accept it at that time and
// reject it when one byte of the body changes or the clock is 6 minutes off.
func TestIndependentVerifierAgainstOfficialVector(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile(specs.Path("standard-webhooks", "vectors.json"))
	if err != nil {
		t.Fatal(err)
	}
	var raw struct {
		Official []map[string]any `json:"official"`
		Derived  []struct {
			Name      string `json:"name"`
			Secret    string `json:"secret"`
			MsgID     string `json:"msg_id"`
			Timestamp int64  `json:"timestamp"`
			Payload   string `json:"payload"`
			Header    string `json:"webhook_signature_header"`
			Valid     bool   `json:"valid_ignoring_timestamp_tolerance"`
		} `json:"derived"`
	}
	if err := json.Unmarshal(b, &raw); err != nil || len(raw.Official) == 0 {
		t.Fatalf("no official vector: %v", err)
	}
	for _, v := range raw.Official {
		name := v["name"].(string)
		t.Run(name, func(t *testing.T) {
			h := http.Header{}
			ts := int64(v["timestamp"].(float64))
			h.Set("webhook-id", v["msg_id"].(string))
			h.Set("webhook-timestamp", strconv.FormatInt(ts, 10))
			h.Set("webhook-signature", v["expected_signature"].(string))
			body := []byte(v["payload"].(string))
			secret := v["secret"].(string)
			at := time.Unix(ts, 0)
			if !verifyIndependently(secret, h, body, at) {
				t.Fatal("official vector rejected")
			}
			changed := append([]byte(nil), body...)
			changed[len(changed)-2]++
			if verifyIndependently(secret, h, changed, at) {
				t.Error("a changed body accepted")
			}
			if verifyIndependently(secret, h, body, at.Add(6*time.Minute)) {
				t.Error("a stale timestamp accepted")
			}
		})
	}
	// The vectors derived from the spec: several signatures in one header,
	// wrong, partial and one-bit-off signatures, a re-serialised body, a
	// different timestamp.
	if len(raw.Derived) == 0 {
		t.Fatal("no derived vectors")
	}
	for _, v := range raw.Derived {
		t.Run(v.Name, func(t *testing.T) {
			h := http.Header{}
			h.Set("webhook-id", v.MsgID)
			h.Set("webhook-timestamp", strconv.FormatInt(v.Timestamp, 10))
			h.Set("webhook-signature", v.Header)
			if got := verifyIndependently(v.Secret, h, []byte(v.Payload), time.Unix(v.Timestamp, 0)); got != v.Valid {
				t.Errorf("verified %v, want %v", got, v.Valid)
			}
		})
	}
}
