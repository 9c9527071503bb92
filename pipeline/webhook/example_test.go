package webhook_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"time"

	"vigie/pipeline/webhook"
)

// verifyVigieWebhook is the standard-library-only check given to
// municipal staff in docs/alerts.md; keep the two identical.
func verifyVigieWebhook(secret string, h http.Header, body []byte, now time.Time) bool {
	id, ts, sigs := h.Get("webhook-id"), h.Get("webhook-timestamp"), h.Get("webhook-signature")
	unix, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || math.Abs(float64(now.Unix()-unix)) > 300 {
		return false // missing, malformed, too old or too far in the future
	}
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil {
		return false
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(id + "." + ts + "."))
	mac.Write(body)
	expected := base64.StdEncoding.EncodeToString(mac.Sum(nil))
	for _, sig := range strings.Split(sigs, " ") {
		version, value, _ := strings.Cut(sig, ",")
		if version == "v1" && hmac.Equal([]byte(value), []byte(expected)) {
			return true
		}
	}
	return false
}

// Example_receiver shows a receiver written from docs/alerts.md checking a
// delivery made by a Deliverer, and the official Standard Webhooks vector.
func Example_receiver() {
	secret := "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if !verifyVigieWebhook(secret, r.Header, body, time.Now()) {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		fmt.Println("received", r.Header.Get("webhook-id"))
	}))
	defer srv.Close()

	signer, _ := webhook.NewSigner(secret)
	msg, _ := webhook.NewMessage(webhook.DeriveMessageID("sub_1", "alert_1"), webhook.TypeTest, time.Now(), map[string]string{"hello": "world"})
	res, err := webhook.NewDeliverer(webhook.Options{}).Deliver(context.Background(), webhook.Endpoint{URL: srv.URL, Signer: signer}, msg)
	fmt.Println(res.Attempts, res.Last.Status, err)

	official := http.Header{}
	official.Set("webhook-id", "msg_p5jXN8AQM9LWM0D4loKWxJek")
	official.Set("webhook-timestamp", "1614265330")
	official.Set("webhook-signature", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
	fmt.Println(verifyVigieWebhook(secret, official, []byte(`{"test": 2432232314}`), time.Unix(1614265330, 0)))
	fmt.Println(verifyVigieWebhook(secret, official, []byte(`{"test":2432232314}`), time.Unix(1614265330, 0)))
	// Output:
	// received msg_27bs56yzqnih2h4frxt26tis7q
	// 1 200 <nil>
	// true
	// false
}

func ExampleVerifier_Verify() {
	v, _ := webhook.NewVerifier("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
	h := http.Header{}
	h.Set(webhook.HeaderID, "msg_p5jXN8AQM9LWM0D4loKWxJek")
	h.Set(webhook.HeaderTimestamp, "1614265330")
	h.Set(webhook.HeaderSignature, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
	fmt.Println(v.Verify(h, []byte(`{"test": 2432232314}`), time.Unix(1614265400, 0)))
	fmt.Println(v.Verify(h, []byte(`{"test": 2432232314}`), time.Unix(1614265330+301, 0)))
	// Output:
	// <nil>
	// verify webhook "msg_p5jXN8AQM9LWM0D4loKWxJek": webhook timestamp too old
}
