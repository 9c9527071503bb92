package review

import (
	"slices"
	"strings"

	"vigie/claims"
)

// DiffStates lists the fields that differ from saw to now. Notes are
// compared as a list; the change shows the notes added or removed.
func DiffStates(saw, now claims.ReviewState) []Change {
	var d []Change
	add := func(field, a, b string) {
		if a != b {
			d = append(d, Change{Field: field, Saw: a, Now: b})
		}
	}
	add("status", string(saw.Status), string(now.Status))
	add("assignee", saw.Assignee, now.Assignee)
	add("duplicate_of", saw.DuplicateOf, now.DuplicateOf)
	add("verdict_id", saw.VerdictID, now.VerdictID)
	if !slices.Equal(judgedList(saw), judgedList(now)) {
		d = append(d, Change{Field: "judgements", Saw: strings.Join(judgedList(saw), "; "), Now: strings.Join(judgedList(now), "; ")})
	}
	if !slices.Equal(saw.Notes, now.Notes) {
		d = append(d, Change{Field: "notes", Saw: strings.Join(saw.Notes, "; "), Now: strings.Join(now.Notes, "; ")})
	}
	return d
}

// judgedList is a state's judgements in words, "<judgement> <fact-check> by <user>".
func judgedList(s claims.ReviewState) []string {
	out := make([]string, 0, len(s.Judgements))
	for _, j := range s.Judgements {
		out = append(out, string(j.Judgement)+" "+j.FactCheckID+" by "+j.By)
	}
	return out
}
