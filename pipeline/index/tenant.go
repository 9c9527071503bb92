package index

import (
	"fmt"
	"time"

	"github.com/meilisearch/meilisearch-go"
)

// MaxTenantTokenTTL bounds the lifetime of a tenant token.
const MaxTenantTokenTTL = 24 * time.Hour

// TenantToken returns an expiring Meilisearch tenant token, for the rare case
// where a browser searches Meilisearch directly: it is signed with a search
// key (searchKey, whose uid is searchKeyUID) — never with the backend's own
// key — and restricts searches on this index to filter (Meilisearch syntax,
// checked against the settings; empty for no restriction). The token expires
// at expires, at most MaxTenantTokenTTL from now.
func (m *Meili) TenantToken(searchKeyUID, searchKey, filter string, expires time.Time) (string, error) {
	if searchKey == "" || searchKeyUID == "" {
		return "", fmt.Errorf("meilisearch tenant token: a search key and its uid are required")
	}
	if until := time.Until(expires); until <= 0 || until > MaxTenantTokenTTL {
		return "", fmt.Errorf("meilisearch tenant token: expiry must be within %s from now", MaxTenantTokenTTL)
	}
	rules := map[string]any{}
	if filter == "" {
		rules[m.uid] = map[string]any{}
	} else {
		sc, err := m.current()
		if err != nil {
			return "", fmt.Errorf("meilisearch tenant token: %w", err)
		}
		f, _, err := sc.filter(filter)
		if err != nil {
			return "", fmt.Errorf("meilisearch tenant token: %w", err)
		}
		expr, err := sc.meiliExpr(f)
		if err != nil {
			return "", fmt.Errorf("meilisearch tenant token: %w", err)
		}
		rules[m.uid] = map[string]any{"filter": expr}
	}
	tok, err := m.sm.GenerateTenantToken(searchKeyUID, rules, &meilisearch.TenantTokenOptions{APIKey: searchKey, ExpiresAt: expires})
	if err != nil {
		return "", fmt.Errorf("meilisearch tenant token: %w", err)
	}
	return tok, nil
}
