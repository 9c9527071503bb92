package codec

import (
	"errors"
	"fmt"

	"google.golang.org/protobuf/proto"

	"vigie/claims"
	vigiev1 "vigie/proto/gen/vigie/v1"
)

// EncodeAlert encodes an alert as its ALERTS message (vigie.v1.Alert). The
// message has no rating: subscribers read it from the webhook payload or the
// feed.
func EncodeAlert(a claims.Alert) ([]byte, error) {
	k, err := encodeAlertKind(a.Kind)
	if err != nil {
		return nil, fmt.Errorf("encode alert %s: %w", a.ID, err)
	}
	st, err := encodeAlertStatus(a.Status)
	if err != nil {
		return nil, fmt.Errorf("encode alert %s: %w", a.ID, err)
	}
	b, err := marshal(&vigiev1.Alert{Status: st, Revision: int32(a.Revision), Updated: timestamp(a.Updated), Id: a.ID, SubscriptionId: a.SubscriptionID, Locality: a.Locality, Kind: k,
		Severity: int32(a.Severity), ClaimId: a.ClaimID, ClusterId: a.ClusterID, VerdictId: a.VerdictID,
		Unreviewed: a.Unreviewed, Created: timestamp(a.Created), Title: a.Title, Text: a.Text, Url: a.URL})
	if err != nil {
		return nil, fmt.Errorf("encode alert %s: %w", a.ID, err)
	}
	return b, nil
}

// DecodeAlert decodes an ALERTS message; one without an id or a kind is an
// error.
func DecodeAlert(data []byte) (claims.Alert, error) {
	var p vigiev1.Alert
	if err := proto.Unmarshal(data, &p); err != nil {
		return claims.Alert{}, fmt.Errorf("decode alert: %w", err)
	}
	if p.GetId() == "" {
		return claims.Alert{}, errors.New("decode alert: no id")
	}
	k, err := decodeAlertKind(p.GetKind())
	if err != nil {
		return claims.Alert{}, fmt.Errorf("decode alert %s: %w", p.GetId(), err)
	}
	st, err := decodeAlertStatus(p.GetStatus())
	if err != nil {
		return claims.Alert{}, fmt.Errorf("decode alert %s: %w", p.GetId(), err)
	}
	return claims.Alert{Status: st, Revision: int(p.GetRevision()), Updated: timeOf(p.GetUpdated()), ID: p.GetId(), SubscriptionID: p.GetSubscriptionId(), Locality: p.GetLocality(), Kind: k,
		Severity: int(p.GetSeverity()), ClaimID: p.GetClaimId(), ClusterID: p.GetClusterId(), VerdictID: p.GetVerdictId(),
		Unreviewed: p.GetUnreviewed(), Created: timeOf(p.GetCreated()), Title: p.GetTitle(), Text: p.GetText(),
		URL: p.GetUrl()}, nil
}
