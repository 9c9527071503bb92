package schemaorg

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
)

// term is one entry of factcheck-terms.json.
type term struct {
	SelectedAs     string   `json:"selected_as"`
	RDFType        []string `json:"rdf_type"`
	SubClassOf     []string `json:"subClassOf"`
	DomainIncludes []string `json:"domainIncludes"`
	RangeIncludes  []string `json:"rangeIncludes"`
}

// Vocabulary is a schema.org subset: its types, properties and
// enumeration members.
type Vocabulary struct {
	terms map[string]term
}

// ReadVocabulary reads a terms summary in the format of
// pipeline/specs/schemaorg/factcheck-terms.json.
func ReadVocabulary(r io.Reader) (*Vocabulary, error) {
	var f struct {
		Terms map[string]term `json:"terms"`
	}
	if err := json.NewDecoder(r).Decode(&f); err != nil {
		return nil, fmt.Errorf("read schema.org vocabulary: %w", err)
	}
	if len(f.Terms) == 0 {
		return nil, fmt.Errorf("read schema.org vocabulary: no terms")
	}
	return &Vocabulary{terms: f.Terms}, nil
}

// Len returns the number of terms.
func (v *Vocabulary) Len() int { return len(v.terms) }

func bare(s string) string { return strings.TrimPrefix(s, "schema:") }

// isProperty reports whether name is a property of the vocabulary.
func (v *Vocabulary) isProperty(name string) bool {
	t, ok := v.terms[name]
	return ok && slices.ContainsFunc(t.RDFType, func(s string) bool { return strings.HasSuffix(s, "#Property>") })
}

// ancestors returns typ and its superclasses; a type the vocabulary only
// names in a range (Organization, Person) counts as a direct Thing.
func (v *Vocabulary) ancestors(typ string) []string {
	out := []string{typ}
	t, ok := v.terms[typ]
	if !ok {
		return append(out, "Thing")
	}
	for _, p := range t.SubClassOf {
		out = append(out, v.ancestors(bare(p))...)
	}
	return out
}

// Check parses a JSON-LD document (one object with "@context":
// "https://schema.org") and returns a problem for every property not in
// the vocabulary, used outside its domain, or holding a node whose type is
// outside its range, and for enumeration values that are not members. An
// empty result means every term is defined and in place.
func (v *Vocabulary) Check(doc []byte) []string {
	var node map[string]any
	if err := json.Unmarshal(doc, &node); err != nil {
		return []string{"not a JSON object: " + err.Error()}
	}
	var errs []string
	if node["@context"] != "https://schema.org" {
		errs = append(errs, fmt.Sprintf("$.@context = %v, want https://schema.org", node["@context"]))
	}
	typ, _ := node["@type"].(string)
	if _, ok := v.terms[typ]; !ok {
		errs = append(errs, fmt.Sprintf("$.@type %q is not in the vocabulary", typ))
	}
	v.check(node, typ, "$", &errs)
	slices.Sort(errs)
	return errs
}

// check walks one node of type typ.
func (v *Vocabulary) check(node map[string]any, typ, path string, errs *[]string) {
	anc := v.ancestors(typ)
	for k, val := range node {
		if k == "@context" || k == "@type" {
			continue
		}
		p := path + "." + k
		if !v.isProperty(k) {
			*errs = append(*errs, p+": not a property of the vocabulary")
			continue
		}
		t := v.terms[k]
		if !slices.ContainsFunc(t.DomainIncludes, func(d string) bool { return slices.Contains(anc, bare(d)) }) {
			*errs = append(*errs, p+": "+typ+" is not in the domain "+strings.Join(t.DomainIncludes, ","))
		}
		vals, ok := val.([]any)
		if !ok {
			vals = []any{val}
		}
		for _, x := range vals {
			switch x := x.(type) {
			case map[string]any:
				ct, _ := x["@type"].(string)
				if _, defined := v.terms[ct]; !defined && !slices.Contains(t.RangeIncludes, "schema:"+ct) {
					*errs = append(*errs, p+": type "+ct+" is neither defined nor in the range")
				}
				if !slices.ContainsFunc(v.ancestors(ct), func(a string) bool { return slices.Contains(t.RangeIncludes, "schema:"+a) }) {
					*errs = append(*errs, p+": type "+ct+" is not in the range "+strings.Join(t.RangeIncludes, ","))
				}
				v.check(x, ct, p, errs)
			case string:
				for _, r := range t.RangeIncludes {
					e, ok := v.terms[bare(r)]
					if !ok || !slices.Contains(e.SubClassOf, "schema:Enumeration") {
						continue
					}
					m, ok := v.terms[x]
					if !ok || !slices.ContainsFunc(m.RDFType, func(rt string) bool {
						return rt == r || rt == "<https://schema.org/"+bare(r)+">" || rt == "<http://schema.org/"+bare(r)+">"
					}) {
						*errs = append(*errs, p+": "+x+" is not a member of "+r)
					}
				}
			}
		}
	}
}

// Google's ClaimReview fields, as dotted paths.
var (
	// RequiredClaimReviewFields must be present for a ClaimReview to be
	// eligible at all.
	RequiredClaimReviewFields = []string{"claimReviewed", "reviewRating.alternateName", "url"}
	// RecommendedClaimReviewFields should be present.
	RecommendedClaimReviewFields = []string{"author", "datePublished", "itemReviewed", "itemReviewed.appearance",
		"itemReviewed.author", "itemReviewed.datePublished", "itemReviewed.firstAppearance",
		"reviewRating.bestRating", "reviewRating.worstRating", "reviewRating.ratingValue", "reviewRating.name"}
	// NumericRatingFields are the recommended fields that an ungraded
	// rating (unproven, satire) must leave out.
	NumericRatingFields = []string{"reviewRating.bestRating", "reviewRating.worstRating", "reviewRating.ratingValue"}
)

// Get follows a dotted path in a decoded JSON value; nil when absent.
func Get(node any, path string) any {
	for k := range strings.SplitSeq(path, ".") {
		m, ok := node.(map[string]any)
		if !ok {
			return nil
		}
		node = m[k]
	}
	return node
}

// MissingClaimReviewFields returns the paths of fields that a ClaimReview
// document lacks (absent, null or empty), in the order given.
func MissingClaimReviewFields(doc []byte, paths []string) ([]string, error) {
	var node any
	if err := json.Unmarshal(doc, &node); err != nil {
		return nil, fmt.Errorf("parse claim review: %w", err)
	}
	var missing []string
	for _, p := range paths {
		switch x := Get(node, p).(type) {
		case nil:
			missing = append(missing, p)
		case string:
			if x == "" {
				missing = append(missing, p)
			}
		case []any:
			if len(x) == 0 {
				missing = append(missing, p)
			}
		}
	}
	return missing, nil
}

// scriptOpen starts a JSON-LD script element.
const scriptOpen = `<script type="application/ld+json">`

// ExtractJSONLD returns the content of every <script
// type="application/ld+json"> element of an HTML page, in order.
func ExtractJSONLD(html []byte) [][]byte {
	var out [][]byte
	for {
		i := bytes.Index(html, []byte(scriptOpen))
		if i < 0 {
			return out
		}
		html = html[i+len(scriptOpen):]
		j := bytes.Index(html, []byte("</script>"))
		if j < 0 {
			return out
		}
		out = append(out, bytes.TrimSpace(html[:j]))
		html = html[j:]
	}
}
