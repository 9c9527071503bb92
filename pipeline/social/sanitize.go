package social

import (
	"sync"

	"github.com/microcosm-cc/bluemonday"
)

var (
	policyOnce sync.Once
	policy     *bluemonday.Policy
)

// displayPolicy is bluemonday's UGC policy, with links forced to
// rel="nofollow noopener noreferrer" and target="_blank"; it keeps no script,
// no style, no on* attribute and no javascript:/data: URL.
func displayPolicy() *bluemonday.Policy {
	policyOnce.Do(func() {
		p := bluemonday.UGCPolicy()
		p.RequireNoFollowOnLinks(true)
		p.RequireNoReferrerOnLinks(true)
		p.AddTargetBlankToFullyQualifiedLinks(true)
		p.AllowURLSchemes("http", "https", "mailto")
		p.AllowAttrs("class").Matching(bluemonday.SpaceSeparatedTokens).OnElements("a", "span", "p")
		policy = p
	})
	return policy
}

// SanitizeHTML returns html made safe for display: scripts, event-handler
// attributes, styles and javascript: URLs are removed; paragraphs, line
// breaks, links, lists and emphasis are kept. It is safe for concurrent use.
func SanitizeHTML(html string) string {
	return displayPolicy().Sanitize(html)
}
