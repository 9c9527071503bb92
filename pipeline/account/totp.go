package account

import (
	"context"
	"crypto/subtle"
	"fmt"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
	"go.uber.org/zap"
)

// TOTP parameters: RFC 6238 defaults that every authenticator app reads.
const (
	totpPeriod = 30
	totpDigits = otp.DigitsSix
	// totpSkew is how many steps either side of now are accepted.
	totpSkew = 1
)

var totpOpts = totp.ValidateOpts{Period: totpPeriod, Digits: totpDigits, Algorithm: otp.AlgorithmSHA1}

// TOTPEnrolment is what a user types or scans into an authenticator app.
type TOTPEnrolment struct {
	// Secret is the base32 shared secret.
	Secret string `json:"secret"`
	// URL is the otpauth:// URL (render it as a QR code).
	URL string `json:"url"`
}

// EnrolTOTP starts two-factor enrolment: a new secret is kept pending until
// ConfirmTOTP receives a valid code for it. A confirmed secret stays in
// force until then, so a half-done enrolment locks nobody out.
func (s *Store) EnrolTOTP(ctx context.Context, name string) (TOTPEnrolment, error) {
	key, err := totp.Generate(totp.GenerateOpts{Issuer: s.cfg.Issuer, AccountName: name, Period: totpPeriod, Digits: totpDigits, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		return TOTPEnrolment{}, fmt.Errorf("enrol two-factor for %q: %w", name, err)
	}
	if _, err := s.modify(ctx, name, func(r *userRecord) error { r.TOTPPending = key.Secret(); return nil }); err != nil {
		return TOTPEnrolment{}, fmt.Errorf("enrol two-factor for %q: %w", name, err)
	}
	s.audit(ctx, Event{Action: ActionTOTPEnrol, Subject: name})
	return TOTPEnrolment{Secret: key.Secret(), URL: key.URL()}, nil
}

// ConfirmTOTP ends enrolment: code must be valid for the pending secret,
// which then replaces any earlier one.
func (s *Store) ConfirmTOTP(ctx context.Context, name, code string) error {
	now := s.now()
	_, err := s.modify(ctx, name, func(r *userRecord) error {
		if r.TOTPPending == "" {
			return fmt.Errorf("confirm two-factor for %q: %w", name, ErrTOTPNotEnrolling)
		}
		step, ok := matchTOTP(r.TOTPPending, code, now, 0)
		if !ok {
			return fmt.Errorf("confirm two-factor for %q: %w", name, ErrTOTPInvalid)
		}
		r.TOTPSecret, r.TOTPPending, r.TOTPLastStep, r.TOTPEnabled = r.TOTPPending, "", step, true
		return nil
	})
	if err == nil {
		s.log.Info("two-factor enabled", zap.String("user", name))
		s.audit(ctx, Event{Action: ActionTOTPConfirm, Subject: name})
	}
	return err
}

// ResetTOTP removes a user's two-factor secret (an admin's recovery action).
func (s *Store) ResetTOTP(ctx context.Context, name string) error {
	_, err := s.modify(ctx, name, func(r *userRecord) error {
		r.TOTPSecret, r.TOTPPending, r.TOTPLastStep, r.TOTPEnabled = "", "", 0, false
		return nil
	})
	if err == nil {
		s.log.Info("two-factor reset", zap.String("user", name))
		s.audit(ctx, Event{Action: ActionTOTPReset, Subject: name})
	}
	return err
}

// VerifyTOTP checks a login code for name: valid within ±1 time step of now
// and for a later step than any code accepted before, so that a code is
// accepted at most once. The accepted step is written by revision, so two
// concurrent logins with one code cannot both pass.
func (s *Store) VerifyTOTP(ctx context.Context, name, code string) error {
	now := s.now()
	_, err := s.modify(ctx, name, func(r *userRecord) error {
		if r.TOTPSecret == "" {
			return fmt.Errorf("verify two-factor for %q: %w", name, ErrTOTPInvalid)
		}
		step, ok := matchTOTP(r.TOTPSecret, code, now, r.TOTPLastStep)
		if !ok {
			return fmt.Errorf("verify two-factor for %q: %w", name, ErrTOTPInvalid)
		}
		r.TOTPLastStep = step
		return nil
	})
	return err
}

// matchTOTP returns the time step, within ±totpSkew of now and after
// lastStep, whose code is code.
func matchTOTP(secret, code string, now time.Time, lastStep int64) (int64, bool) {
	code = strings.ReplaceAll(strings.TrimSpace(code), " ", "")
	if len(code) != int(totpDigits) {
		return 0, false
	}
	for _, c := range code {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	cur := now.Unix() / totpPeriod
	found, matched := int64(0), 0
	for step := cur - totpSkew; step <= cur+totpSkew; step++ {
		want, err := totp.GenerateCodeCustom(secret, time.Unix(step*totpPeriod, 0), totpOpts)
		if err != nil {
			return 0, false
		}
		// Compare every step in constant time; keep the latest match.
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 && step > lastStep {
			found, matched = step, 1
		}
	}
	return found, matched == 1
}
