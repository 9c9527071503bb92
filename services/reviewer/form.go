package reviewer

import (
	"net/url"
	"strconv"
	"strings"

	"vigie/claims"
)

// verdictFields are the form fields of a verdict; any of them present makes
// the form carry a verdict.
var verdictFields = []string{"claim_reviewed", "title", "rating", "textual_rating", "summary", "sources", "claimant",
	"appearances", "localities", "language", "review_date"}

// parseActionForm reads an action from an HTML form: the same fields as the
// JSON body, lists (sources, appearances, localities) one per line or
// separated by commas, duplicates as "claim_id:revision" entries (several
// "dup" values or one "duplicates" text).
func parseActionForm(f url.Values) (ActionRequest, error) {
	req := ActionRequest{Assignee: f.Get("assignee"), Status: strings.TrimSpace(f.Get("status")),
		DuplicateOf: strings.TrimSpace(f.Get("duplicate_of")), Note: f.Get("note"), VerdictID: strings.TrimSpace(f.Get("verdict_id")),
		Judgement: strings.TrimSpace(f.Get("judgement")), ForCluster: f.Get("for_cluster") != ""}
	if v := strings.TrimSpace(f.Get("revision")); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			return req, badRequest("revision must be a non-negative integer")
		}
		req.Revision = n
	}
	dups := append(f["dup"], fieldsOf(f.Get("duplicates"), false)...)
	for _, d := range dups {
		d = strings.TrimSpace(d)
		if d == "" {
			continue
		}
		id, rev, _ := strings.Cut(d, ":")
		sc := SeenClaim{ClaimID: strings.TrimSpace(id)}
		if rev != "" {
			n, err := strconv.ParseUint(strings.TrimSpace(rev), 10, 64)
			if err != nil {
				return req, badRequest("duplicate " + strconv.Quote(d) + ": want claim_id:revision")
			}
			sc.Revision = n
		}
		req.Duplicates = append(req.Duplicates, sc)
	}
	has := false
	for _, k := range verdictFields {
		if _, ok := f[k]; ok {
			has = true
		}
	}
	if !has {
		return req, nil
	}
	rd, err := parseDate(f.Get("review_date"))
	if err != nil {
		return req, err
	}
	req.Verdict = &claims.VerdictInput{
		ClaimReviewed: f.Get("claim_reviewed"), Title: f.Get("title"), Rating: claims.Rating(f.Get("rating")),
		TextualRating: f.Get("textual_rating"), Summary: f.Get("summary"), Sources: fieldsOf(f.Get("sources"), true),
		Claimant: f.Get("claimant"), Appearances: fieldsOf(f.Get("appearances"), true),
		Localities: fieldsOf(f.Get("localities"), false), Language: f.Get("language"), ReviewDate: rd,
	}
	return req, nil
}

// fieldsOf splits a textarea into entries: one per line; without
// linesOnly, commas and blanks also separate.
func fieldsOf(s string, linesOnly bool) []string {
	sep := func(r rune) bool { return r == '\n' || r == '\r' }
	if !linesOnly {
		sep = func(r rune) bool { return r == '\n' || r == '\r' || r == ',' || r == ' ' || r == '\t' }
	}
	var out []string
	for _, p := range strings.FieldsFunc(s, sep) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
