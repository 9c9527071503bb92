package mastodon

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
)

// ParseTimelineURL reads the web address of a timeline, as a source's URL
// gives it, and returns the server's base URL and the TimelineSpec:
//
//	https://host, https://host/public     federated timeline
//	https://host/public/local             local timeline
//	https://host/public/remote            remote-only timeline
//	https://host/tags/TAG                 hashtag (…/tags/TAG/local: local only)
//	https://host/lists/ID                 list (needs a token)
//	https://host/@user, /@user@other.host account (Acct; AccountID is looked up)
//	https://host/users/user               account
//	https://host/home                     home timeline (needs a token)
func ParseTimelineURL(raw string) (string, TimelineSpec, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return "", TimelineSpec{}, fmt.Errorf("parse timeline url: %w", err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", TimelineSpec{}, fmt.Errorf("parse timeline url %q: want an http(s)://host/ address", raw)
	}
	base := u.Scheme + "://" + u.Host
	parts := strings.FieldsFunc(u.Path, func(r rune) bool { return r == '/' })
	bad := func() (string, TimelineSpec, error) {
		return "", TimelineSpec{}, fmt.Errorf("parse timeline url %q: not a timeline address", raw)
	}
	switch {
	case len(parts) == 0, len(parts) == 1 && parts[0] == "public":
		return base, TimelineSpec{Kind: KindPublic}, nil
	case len(parts) == 2 && parts[0] == "public" && (parts[1] == "local" || parts[1] == "remote"):
		return base, TimelineSpec{Kind: KindPublic, Local: parts[1] == "local", Remote: parts[1] == "remote"}, nil
	case parts[0] == "tags" && (len(parts) == 2 || len(parts) == 3 && parts[2] == "local"):
		return base, TimelineSpec{Kind: KindHashtag, Tag: strings.TrimPrefix(parts[1], "#"), Local: len(parts) == 3}, nil
	case len(parts) == 2 && parts[0] == "lists":
		return base, TimelineSpec{Kind: KindList, ListID: parts[1]}, nil
	case len(parts) == 1 && parts[0] == "home":
		return base, TimelineSpec{Kind: KindHome}, nil
	case len(parts) == 1 && strings.HasPrefix(parts[0], "@") && len(parts[0]) > 1:
		return base, TimelineSpec{Kind: KindAccount, Acct: parts[0][1:]}, nil
	case len(parts) == 2 && parts[0] == "users":
		return base, TimelineSpec{Kind: KindAccount, Acct: parts[1]}, nil
	}
	return bad()
}

// accountID returns spec.AccountID, looking Acct up on the server (once per
// Client) when the id is not given.
func (c *Client) accountID(ctx context.Context, spec TimelineSpec) (string, error) {
	if spec.AccountID != "" || spec.Acct == "" {
		return spec.AccountID, nil
	}
	c.mu.Lock()
	id, ok := c.accounts[spec.Acct]
	c.mu.Unlock()
	if ok {
		return id, nil
	}
	body, err := c.get(ctx, "/api/v1/accounts/lookup", url.Values{"acct": {spec.Acct}})
	if err != nil {
		return "", fmt.Errorf("look up account %q: %w", spec.Acct, err)
	}
	var a struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(body, &a); err != nil || a.ID == "" {
		return "", fmt.Errorf("look up account %q: no id in the answer", spec.Acct)
	}
	c.mu.Lock()
	if c.accounts == nil {
		c.accounts = map[string]string{}
	}
	c.accounts[spec.Acct] = a.ID
	c.mu.Unlock()
	return a.ID, nil
}
