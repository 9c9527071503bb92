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
	if !slices.Equal(saw.Notes, now.Notes) {
		d = append(d, Change{Field: "notes", Saw: strings.Join(saw.Notes, "; "), Now: strings.Join(now.Notes, "; ")})
	}
	return d
}
