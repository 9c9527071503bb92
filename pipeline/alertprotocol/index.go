package alertprotocol

import (
	"strings"

	"vigie/pipeline/publish"
)

// IndexEntry returns the entry announcing a CAP message in an Atom index of
// CAP messages (write the index with publish.WriteAtom): its link is the
// message at capURL, typed application/cap+xml, as CAP aggregators expect.
func IndexEntry(v publish.Verdict, o Options, capURL string) publish.Entry {
	var codes []string
	for _, a := range o.Areas {
		codes = append(codes, a.Code)
	}
	label := v.TextualRating
	if label == "" {
		label = v.Rating.Label()
	}
	return publish.Entry{
		ID: capURL, URL: capURL, LinkType: strings.TrimSuffix(ContentType, "; charset=utf-8"),
		Title: headline(v, o.Cancel), Summary: v.Summary, Published: o.Sent, Updated: o.Sent,
		Rating: v.Rating, TextualRating: label, Localities: codes, Language: v.Language,
		Retracted: v.Retracted, Version: max(v.Version, 1),
	}
}
