package webhook

import (
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"vigie/pipeline/specs"
)

// vectorsPath is the Standard Webhooks signature vectors of package specs.
var vectorsPath = specs.Path("standard-webhooks", "vectors.json")

type vectorFile struct {
	Official []struct {
		Name              string `json:"name"`
		Secret            string `json:"secret"`
		MsgID             string `json:"msg_id"`
		Timestamp         int64  `json:"timestamp"`
		Payload           string `json:"payload"`
		ExpectedSignature string `json:"expected_signature"`
	} `json:"official"`
	Derived []struct {
		Name      string `json:"name"`
		Secret    string `json:"secret"`
		MsgID     string `json:"msg_id"`
		Timestamp int64  `json:"timestamp"`
		Payload   string `json:"payload"`
		Header    string `json:"webhook_signature_header"`
		Valid     bool   `json:"valid_ignoring_timestamp_tolerance"`
	} `json:"derived"`
}

func loadVectors(t testing.TB) vectorFile {
	t.Helper()
	b, err := os.ReadFile(vectorsPath)
	if err != nil {
		t.Fatalf("read Standard Webhooks vectors: %v", err)
	}
	var v vectorFile
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("parse vectors: %v", err)
	}
	if len(v.Official) == 0 || len(v.Derived) == 0 {
		t.Fatalf("vectors file has %d official and %d derived vectors", len(v.Official), len(v.Derived))
	}
	return v
}

func TestOfficialVectors(t *testing.T) {
	t.Parallel()
	for _, v := range loadVectors(t).Official {
		t.Run(v.Name, func(t *testing.T) {
			s, err := NewSigner(v.Secret)
			if err != nil {
				t.Fatal(err)
			}
			got, err := s.Sign(v.MsgID, time.Unix(v.Timestamp, 0), []byte(v.Payload))
			if err != nil {
				t.Fatal(err)
			}
			if got != v.ExpectedSignature {
				t.Errorf("Sign = %q, want %q", got, v.ExpectedSignature)
			}
			ver, err := NewVerifier(v.Secret)
			if err != nil {
				t.Fatal(err)
			}
			h := http.Header{}
			h.Set(HeaderID, v.MsgID)
			h.Set(HeaderTimestamp, strconv.FormatInt(v.Timestamp, 10))
			h.Set(HeaderSignature, v.ExpectedSignature)
			if err := ver.Verify(h, []byte(v.Payload), time.Unix(v.Timestamp, 0).Add(30*time.Second)); err != nil {
				t.Errorf("Verify official vector: %v", err)
			}
		})
	}
}

func TestDerivedVectors(t *testing.T) {
	t.Parallel()
	for _, v := range loadVectors(t).Derived {
		t.Run(v.Name, func(t *testing.T) {
			ver, err := NewVerifier(v.Secret)
			if err != nil {
				t.Fatal(err)
			}
			err = ver.VerifySignature(v.MsgID, v.Timestamp, []byte(v.Payload), v.Header)
			if v.Valid && err != nil {
				t.Errorf("VerifySignature = %v, want valid", err)
			}
			if !v.Valid && err == nil {
				t.Errorf("VerifySignature accepted an invalid signature")
			}
			// Through the headers too, at the vector's own time.
			h := http.Header{}
			h.Set(HeaderID, v.MsgID)
			h.Set(HeaderTimestamp, strconv.FormatInt(v.Timestamp, 10))
			h.Set(HeaderSignature, v.Header)
			err = ver.Verify(h, []byte(v.Payload), time.Unix(v.Timestamp, 0))
			if v.Valid != (err == nil) {
				t.Errorf("Verify = %v, want valid=%v", err, v.Valid)
			}
		})
	}
}

func TestVerifyErrors(t *testing.T) {
	t.Parallel()
	const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	const id = "msg_p5jXN8AQM9LWM0D4loKWxJek"
	const ts = 1614265330
	body := []byte(`{"test": 2432232314}`)
	const sig = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
	at := time.Unix(ts, 0)
	tests := []struct {
		name    string
		id, ts  string
		sig     string
		now     time.Time
		wantErr error
	}{
		{"valid", id, "1614265330", sig, at, nil},
		{"valid at edge of tolerance past", id, "1614265330", sig, at.Add(5 * time.Minute), nil},
		{"valid at edge of tolerance future", id, "1614265330", sig, at.Add(-5 * time.Minute), nil},
		{"too old", id, "1614265330", sig, at.Add(5*time.Minute + time.Second), ErrTimestampTooOld},
		{"too new", id, "1614265330", sig, at.Add(-5*time.Minute - time.Second), ErrTimestampTooNew},
		{"missing id", "", "1614265330", sig, at, ErrMissingHeader},
		{"missing timestamp", id, "", sig, at, ErrMissingHeader},
		{"missing signature", id, "1614265330", "", at, ErrMissingHeader},
		{"timestamp not a number", id, "2021-02-25", sig, at, ErrInvalidTimestamp},
		{"timestamp with fraction", id, "1614265330.5", sig, at, ErrInvalidTimestamp},
		{"only unknown versions", id, "1614265330", "v1a,abc v2,def", at, ErrNoSignatureVersion},
		{"no comma", id, "1614265330", "v1g0hM9SsE", at, ErrNoSignatureVersion},
		{"wrong signature", id, "1614265330", "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=", at, ErrSignatureMismatch},
		{"id with dot", "msg.1", "1614265330", sig, at, ErrInvalidMessageID},
		{"extra spaces between signatures", id, "1614265330", "  v1,bad   " + sig + "  ", at, nil},
	}
	ver, err := NewVerifier(secret)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			h.Set(HeaderID, tt.id)
			h.Set(HeaderTimestamp, tt.ts)
			h.Set(HeaderSignature, tt.sig)
			err := ver.Verify(h, body, tt.now)
			if tt.wantErr == nil {
				if err != nil {
					t.Fatalf("Verify = %v, want nil", err)
				}
				return
			}
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Verify = %v, want %v", err, tt.wantErr)
			}
		})
	}
}

func TestParseSecret(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      string
		wantLen int
		wantErr bool
	}{
		{"official with prefix", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", 24, false},
		{"official without prefix", "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", 24, false},
		{"not base64", "whsec_!!!!", 0, true},
		{"empty", "whsec_", 0, true},
		{"too short (16 bytes)", "whsec_AAAAAAAAAAAAAAAAAAAAAA==", 0, true},
		{"too long (65 bytes)", "whsec_" + strings.Repeat("A", 88), 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := ParseSecret(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("ParseSecret err = %v, wantErr %v", err, tt.wantErr)
			}
			if err != nil && !errors.Is(err, ErrInvalidSecret) {
				t.Errorf("error %v is not ErrInvalidSecret", err)
			}
			if len(k) != tt.wantLen {
				t.Errorf("key length %d, want %d", len(k), tt.wantLen)
			}
		})
	}
}

func TestRotation(t *testing.T) {
	t.Parallel()
	oldSecret, err := NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	newSecret, err := NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	if oldSecret == newSecret || !strings.HasPrefix(newSecret, SecretPrefix) {
		t.Fatalf("NewSecret gave %q and %q", oldSecret, newSecret)
	}
	s, err := NewSigner(newSecret, oldSecret)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Unix(1_800_000_000, 0)
	h := http.Header{}
	body := []byte(`{"type":"webhook.test"}`)
	if err := s.SetHeaders(h, "msg_rot", now, body); err != nil {
		t.Fatal(err)
	}
	if n := len(strings.Fields(h.Get(HeaderSignature))); n != 2 {
		t.Fatalf("signature header has %d entries, want 2: %q", n, h.Get(HeaderSignature))
	}
	for _, tt := range []struct {
		name   string
		secret string
	}{{"receiver still on old secret", oldSecret}, {"receiver on new secret", newSecret}} {
		t.Run(tt.name, func(t *testing.T) {
			v, err := NewVerifier(tt.secret)
			if err != nil {
				t.Fatal(err)
			}
			if err := v.Verify(h, body, now); err != nil {
				t.Errorf("Verify: %v", err)
			}
		})
	}
	other, _ := NewSecret()
	v, _ := NewVerifier(other)
	if err := v.Verify(h, body, now); !errors.Is(err, ErrSignatureMismatch) {
		t.Errorf("Verify with an unrelated secret = %v, want ErrSignatureMismatch", err)
	}
}

func TestSignRejectsBadIDs(t *testing.T) {
	t.Parallel()
	s, err := NewSigner("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"", "a.b", "a b", "a\nb", strings.Repeat("x", 257)} {
		t.Run(strconv.Quote(id), func(t *testing.T) {
			if _, err := s.Sign(id, time.Now(), nil); !errors.Is(err, ErrInvalidMessageID) {
				t.Errorf("Sign(%q) = %v, want ErrInvalidMessageID", id, err)
			}
		})
	}
}

// FuzzVerifySignature checks that the signature-header parser never panics,
// never accepts a header without the right signature, and always accepts a
// header that contains it among arbitrary other entries.
func FuzzVerifySignature(f *testing.F) {
	f.Add("msg_p5jXN8AQM9LWM0D4loKWxJek", int64(1614265330), []byte(`{"test": 2432232314}`), "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
	f.Add("msg_1", int64(0), []byte{}, "v1, v2,abc v1a,xyz")
	f.Add("m", int64(-1), []byte("x"), "   ")
	const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	s, err := NewSigner(secret)
	if err != nil {
		f.Fatal(err)
	}
	v, err := NewVerifier(secret)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, id string, ts int64, body []byte, header string) {
		good, signErr := s.Sign(id, time.Unix(ts, 0), body)
		err := v.VerifySignature(id, ts, body, header)
		if signErr != nil {
			if err == nil {
				t.Fatalf("accepted unsignable id %q", id)
			}
			return
		}
		if err == nil && !strings.Contains(header, good[3:]) {
			t.Fatalf("accepted header %q without the signature %q", header, good)
		}
		if err := v.VerifySignature(id, ts, body, header+" "+good); err != nil {
			t.Fatalf("rejected header containing the right signature: %v", err)
		}
	})
}

func BenchmarkSign(b *testing.B) {
	s, err := NewSigner("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
	if err != nil {
		b.Fatal(err)
	}
	body := []byte(strings.Repeat(`{"type":"alert.flagged","data":{}}`, 30))
	ts := time.Unix(1614265330, 0)
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if _, err := s.Sign("msg_p5jXN8AQM9LWM0D4loKWxJek", ts, body); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerify(b *testing.B) {
	const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	s, _ := NewSigner(secret)
	v, _ := NewVerifier(secret)
	body := []byte(strings.Repeat(`{"type":"alert.flagged","data":{}}`, 30))
	ts := time.Unix(1614265330, 0)
	h := http.Header{}
	if err := s.SetHeaders(h, "msg_p5jXN8AQM9LWM0D4loKWxJek", ts, body); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if err := v.Verify(h, body, ts); err != nil {
			b.Fatal(err)
		}
	}
}
