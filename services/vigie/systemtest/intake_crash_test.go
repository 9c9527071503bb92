package systemtest

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"vigie/pipeline/bus"
	"vigie/pipeline/bus/bustest"
	"vigie/pipeline/codec"
	"vigie/services/ingester"
	"vigie/services/vigie/app/apptest"
)

// signTip signs a tip as a Standard Webhooks sender does, on crypto/hmac
// directly: v1,base64(HMAC-SHA256(key, id.timestamp.body)).
func signTip(t *testing.T, secret, id string, ts int64, body []byte) string {
	t.Helper()
	key, err := base64.StdEncoding.DecodeString(secret[len("whsec_"):])
	if err != nil {
		t.Fatal(err)
	}
	m := hmac.New(sha256.New, key)
	fmt.Fprintf(m, "%s.%d.", id, ts)
	m.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// TestIntakeKillAfterAccepted posts a signed tip to `vigie serve`, kills the
// process with SIGKILL as soon as the 202 arrives, restarts it, and checks
// that the tip is on ITEMS once, that its reporter entry survived outside
// the stream, and that the claims engine processed it (a CLAIMS message for
// its item id).
func TestIntakeKillAfterAccepted(t *testing.T) {
	t.Parallel()
	bin := buildBinary(t)
	dir := t.TempDir()
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		t.Fatal(err)
	}
	secret := "whsec_" + base64.StdEncoding.EncodeToString(key)
	secretPath := filepath.Join(dir, "intake.secret")
	if err := os.WriteFile(secretPath, []byte(secret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfgPath := filepath.Join(dir, "vigie.yaml")
	cfg := fmt.Sprintf("log:\n  level: warn\nintake:\n  secret_file: %s\n", secretPath)
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(dir, "data")

	cmd, ep := serveProcess(t, bin, data, cfgPath)
	const reporter = "Joana Example +351 912 000 111"
	body := []byte(`{"text":"O presidente da câmara afirmou que o desemprego caiu 40% no Porto em 2025.","url":"https://example.pt/noticia/1?utm_source=whatsapp","reporter":"` + reporter + `","locality":"PT-1312","language":"pt"}`)
	webhookID := "msg_crash_1"
	ts := time.Now().Unix()
	req, err := http.NewRequest(http.MethodPost, "http://"+ep.HTTPAddr+"/api/v1/intake", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("webhook-id", webhookID)
	req.Header.Set("webhook-timestamp", strconv.FormatInt(ts, 10))
	req.Header.Set("webhook-signature", signTip(t, secret, webhookID, ts, body))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	answer, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("POST /api/v1/intake: %d %s (is the intake mounted in serve, with intake.secret_file?)", resp.StatusCode, answer)
	}
	// Kill at once: nothing after the 202 may be needed for the tip to survive.
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_, _ = cmd.Process.Wait()

	var accepted struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(answer, &accepted); err != nil {
		t.Fatalf("202 body %q: %v", answer, err)
	}
	if want := ingester.ItemID(ingester.TiplineSourceID, webhookID, ""); accepted.ID != want {
		t.Fatalf("202 id %q, want %q", accepted.ID, want)
	}

	_, ep = serveProcess(t, bin, data, cfgPath)
	js := connectEndpoint(t, ep)
	bustest.Eventually(t, 60*time.Second, "the tip's claims on CLAIMS", func() bool {
		for _, m := range apptest.AllMsgs(t, js, bus.StreamClaims) {
			ic, err := codec.DecodeItemClaims(m.Data)
			if err == nil && ic.ItemID == accepted.ID {
				return true
			}
		}
		return false
	})

	found := 0
	var ref string
	for _, m := range apptest.AllMsgs(t, js, bus.StreamItems) {
		if bytes.Contains(m.Data, []byte("Joana")) || bytes.Contains(m.Data, []byte("912 000 111")) {
			t.Errorf("ITEMS seq %d carries the reporter's identity", m.Sequence)
		}
		it, err := codec.DecodeItem(m.Data)
		if err != nil {
			t.Fatal(err)
		}
		if it.ID == accepted.ID {
			found++
			ref = it.ReporterRef
		}
	}
	if found != 1 {
		t.Fatalf("the tip is on ITEMS %d times, want 1", found)
	}
	kv, err := js.KeyValue(context.Background(), ingester.BucketReporters)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := ingester.NewReporterStore(kv).Reporter(context.Background(), ref)
	if err != nil {
		t.Fatalf("reporter entry %q after the crash: %v", ref, err)
	}
	if rep.Reporter != reporter || rep.ItemID != accepted.ID {
		t.Fatalf("reporter entry %+v", rep)
	}
}
