package match

import (
	"slices"

	"vigie/claims/text"
)

// Disagreement is a kind of mention (figure, date, person) that both the
// query and a claim name, with no value in common: "632 €" against
// "1 000 €", 2019 against 2016, Joe Biden against Donald Trump. A side that
// merely omits the kind is no disagreement.
type Disagreement struct {
	Kind text.MentionKind
	// Query and Doc are the surface forms of the first mention of the kind
	// in each text (Doc from the claim's text, else its title).
	Query, Doc string
	// Central is set when the kind has at most two mentions in each text:
	// the figure is what both texts are about, not one of a list.
	Central bool
}

// Decisive reports a disagreement on a figure (number, amount, percentage)
// central to both texts: Options.CapDecisive caps the score of such a
// match, and the engine never lets it be automatic or flag a claim.
func (d Disagreement) Decisive() bool { return d.Central && d.Kind.Figure() }

// maxCentral is the largest number of distinct mentions of a kind a text may
// have for a disagreement on that kind to be central.
const maxCentral = 2

// docMention is a mention of a claim's text or title, as the index keeps it:
// compact (64 bytes against text.Mention's 104), every claim of a store
// holding one or two.
type docMention struct {
	value, tol float64
	name, unit string
	start, end uint32
	year       uint16
	month, day uint8
	kind       uint8 // index into text.MentionKinds
	title      bool
}

func compactMention(m text.Mention, title bool) docMention {
	return docMention{
		value: m.Value, tol: m.Tol, name: m.Name, unit: m.Unit,
		start: uint32(m.Start), end: uint32(m.End),
		year: uint16(m.Year), month: uint8(m.Month), day: uint8(m.Day),
		kind: uint8(slices.Index(text.MentionKinds, m.Kind)), title: title,
	}
}

// mention returns the text.Mention d keeps.
func (d docMention) mention() text.Mention {
	return text.Mention{
		Kind: text.MentionKinds[d.kind], Start: int(d.start), End: int(d.end),
		Value: d.value, Tol: d.tol, Unit: d.unit, Year: int(d.year), Month: int(d.month), Day: int(d.day), Name: d.name,
	}
}

// mentionsOfDoc returns the mentions of a claim's text, then its title.
func mentionsOfDoc(d Doc, lang string, tt, ti []text.Token) []docMention {
	var out []docMention
	for _, m := range text.MentionsOf(d.Text, tt, lang) {
		out = append(out, compactMention(m, false))
	}
	for _, m := range text.MentionsOf(d.Title, ti, lang) {
		out = append(out, compactMention(m, true))
	}
	return slices.Clip(out)
}

// comparable reports whether two mentions of one kind measure the same sort
// of thing: any two numbers or percentages; amounts in currencies, or in the
// same unit.
func comparable(a, b text.Mention) bool {
	if a.Kind != text.MentionAmount {
		return true
	}
	return a.Unit == b.Unit || currencyUnit(a.Unit) && currencyUnit(b.Unit)
}

func currencyUnit(u string) bool {
	switch u {
	case "EUR", "USD", "BRL", "GBP", "SEK", "CHF", "JPY", "CNY", "INR":
		return true
	}
	return false
}

// disagreements compares the mentions of a query and a claim. qEnt and dEnt
// are the folded capitalised words of each (see entitiesOf): a person of one
// side whose family name the other side writes is no disagreement.
func disagreements(q string, qm []text.Mention, qEnt []string, d Doc, docMs []docMention, dEnt []string) []Disagreement {
	if len(qm) == 0 || len(docMs) == 0 {
		return nil
	}
	dm := make([]text.Mention, len(docMs))
	for i, m := range docMs {
		dm[i] = m.mention()
	}
	var out []Disagreement
	for _, k := range text.MentionKinds {
		qi, di := -1, -1 // first comparable pair
		nq, nd := distinct(qm, k), distinct(dm, k)
		if nq == 0 || nd == 0 {
			continue
		}
		shared := false
		for i, a := range qm {
			if a.Kind != k {
				continue
			}
			for j, b := range dm {
				if b.Kind == k && qi < 0 && comparable(a, b) {
					qi, di = i, j
				}
				if sameMention(a, b) {
					shared = true
				}
			}
			if k == text.MentionPerson && containsString(dEnt, a.Name) {
				shared = true
			}
		}
		for _, b := range dm {
			if b.Kind != k {
				continue
			}
			for _, a := range qm {
				if sameMention(b, a) {
					shared = true
				}
			}
			if k == text.MentionPerson && containsString(qEnt, b.Name) {
				shared = true
			}
		}
		if shared || qi < 0 {
			continue
		}
		src := d.Text
		if docMs[di].title {
			src = d.Title
		}
		out = append(out, Disagreement{
			Kind: k, Query: qm[qi].Surface(q), Doc: dm[di].Surface(src),
			Central: nq <= maxCentral && nd <= maxCentral,
		})
	}
	return out
}

// sameMention reports whether a and b can denote the same thing; figures
// compare across kinds ("632 €" and "632").
func sameMention(a, b text.Mention) bool {
	if a.Kind.Figure() != b.Kind.Figure() || !a.Kind.Figure() && a.Kind != b.Kind {
		return false
	}
	return a.SameAs(b)
}

// distinct counts the mentions of kind k that differ from every earlier one.
func distinct(ms []text.Mention, k text.MentionKind) int {
	n := 0
	for i, m := range ms {
		if m.Kind != k {
			continue
		}
		dup := false
		for _, p := range ms[:i] {
			if p.Kind == k && p.SameAs(m) {
				dup = true
				break
			}
		}
		if !dup {
			n++
		}
	}
	return n
}

func containsString(sorted []string, s string) bool {
	_, ok := slices.BinarySearch(sorted, s)
	return ok
}

// disagreementFeatures returns the values of figure_disagree and
// person_disagree: 1 for a disagreement of that kind (for figures: on a
// central figure; 0.5 on one among many), else 0.
func disagreementFeatures(ds []Disagreement) (figure, person float64) {
	for _, d := range ds {
		switch {
		case d.Kind.Figure():
			v := 0.5
			if d.Central {
				v = 1
			}
			figure = max(figure, v)
		case d.Kind == text.MentionPerson:
			person = 1
		}
	}
	return figure, person
}

// Disagreements compares the mentions of two plain texts (text.Mentions of
// a and b): the figures, dates and persons both name with no value in
// common. Persons compare by family name only.
func Disagreements(a string, am []text.Mention, b string, bm []text.Mention) []Disagreement {
	if len(am) == 0 || len(bm) == 0 {
		return nil
	}
	dm := make([]docMention, len(bm))
	for i, m := range bm {
		dm[i] = compactMention(m, false)
	}
	return disagreements(a, am, nil, Doc{Text: b}, dm, nil)
}

// withoutAuthors drops the persons of ms that name one of authors (the
// signatures of embedded tweets: who posted is not who the claim is about).
func withoutAuthors(ms []text.Mention, authors []string, lang string) []text.Mention {
	var names []string
	for _, a := range authors {
		for _, m := range text.Mentions(a, lang) {
			if m.Kind == text.MentionPerson {
				names = append(names, m.Name)
			}
		}
		if toks := text.Tokenize(a); len(toks) > 0 {
			names = append(names, toks[len(toks)-1].Text)
		}
	}
	out := ms[:0:0]
	for _, m := range ms {
		if m.Kind == text.MentionPerson && slices.Contains(names, m.Name) {
			continue
		}
		out = append(out, m)
	}
	return out
}
