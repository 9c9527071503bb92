package alertprotocol

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"vigie/claims"
	"vigie/pipeline/publish"
)

// Namespace is the CAP 1.2 XML namespace.
const Namespace = "urn:oasis:names:tc:emergency:cap:1.2"

// ContentType is the media type of a CAP message.
const ContentType = "application/cap+xml; charset=utf-8"

// MaxHeadlineRunes is the headline length CAP recommends (160 characters,
// for text messaging).
const MaxHeadlineRunes = 160

// Status is the CAP message status.
type Status string

// Statuses allowed by CAP 1.2.
const (
	StatusActual   Status = "Actual"
	StatusExercise Status = "Exercise"
	StatusSystem   Status = "System"
	StatusTest     Status = "Test"
	StatusDraft    Status = "Draft"
)

// ErrNotPublishable reports a verdict that cannot become a CAP message.
var ErrNotPublishable = errors.New("verdict not publishable as CAP")

// Area is one locality the message concerns.
type Area struct {
	// Code is the locality code, e.g. "FR-75056".
	Code string
	// Name is the locality's name, e.g. "Paris".
	Name string
}

// Reference names an earlier CAP message of the same verdict.
type Reference struct {
	Sender     string
	Identifier string
	Sent       time.Time
}

// Options are what a CAP message needs beyond the verdict.
type Options struct {
	// Sender identifies the originator, e.g. "alerts@verif.example.org".
	Sender string
	// SenderName is the human-readable newsroom name; the verdict's
	// publisher when empty.
	SenderName string
	// Sent is when the message is sent.
	Sent time.Time
	// Status defaults to StatusActual.
	Status Status
	// Severity is Vigie's alert severity, 1 (low) to 5 (high); its CAP
	// word is claims.SeverityWord's: 1–2 Minor, 3 Moderate, 4–5 Severe, 0
	// Unknown.
	Severity int
	// Areas are the localities concerned, with their names; at least one.
	Areas []Area
	// Category is a CAP category; "Other" when empty.
	Category string
	// Expires is when the message stops being relevant, if set.
	Expires time.Time
	// References are the earlier messages of this verdict, oldest first;
	// with any, the message is an Update (or a Cancel if retracted).
	References []Reference
	// Identifier is the message's identifier; Identifier(verdict id,
	// version) when empty. An alert that changes without a new verdict
	// version (a retraction, a confirmation) needs one per change.
	Identifier string
	// Cancel makes the message a Cancel of the referenced ones (an alert
	// withdrawn without a retraction: a match rejected, a claim dismissed).
	Cancel bool
	// Event names the kind of event; "Misinformation verdict" when empty.
	Event string
}

// categories allowed by CAP 1.2.
var categories = map[string]bool{"Geo": true, "Met": true, "Safety": true, "Security": true, "Rescue": true,
	"Fire": true, "Health": true, "Env": true, "Transport": true, "Infra": true, "CBRNE": true, "Other": true}

// nationalScheme names each country's official municipality code.
var nationalScheme = map[string]string{"FR": "INSEE", "PT": "DICO", "BR": "IBGE", "SE": "KOMMUNKOD", "ES": "INE"}

type xmlParameter struct {
	ValueName string `xml:"valueName"`
	Value     string `xml:"value"`
}

type xmlArea struct {
	AreaDesc string         `xml:"areaDesc"`
	Geocode  []xmlParameter `xml:"geocode"`
}

type xmlInfo struct {
	Language     string         `xml:"language,omitempty"`
	Category     string         `xml:"category"`
	Event        string         `xml:"event"`
	ResponseType string         `xml:"responseType"`
	Urgency      string         `xml:"urgency"`
	Severity     string         `xml:"severity"`
	Certainty    string         `xml:"certainty"`
	Expires      string         `xml:"expires,omitempty"`
	SenderName   string         `xml:"senderName"`
	Headline     string         `xml:"headline"`
	Description  string         `xml:"description,omitempty"`
	Instruction  string         `xml:"instruction"`
	Web          string         `xml:"web"`
	Parameter    []xmlParameter `xml:"parameter"`
	Area         []xmlArea      `xml:"area"`
}

type xmlAlert struct {
	XMLName    xml.Name `xml:"urn:oasis:names:tc:emergency:cap:1.2 alert"`
	Identifier string   `xml:"identifier"`
	Sender     string   `xml:"sender"`
	Sent       string   `xml:"sent"`
	Status     string   `xml:"status"`
	MsgType    string   `xml:"msgType"`
	Scope      string   `xml:"scope"`
	References string   `xml:"references,omitempty"`
	Info       xmlInfo  `xml:"info"`
}

// Time formats t as CAP requires: seconds, a numeric offset, "-00:00" for UTC.
func Time(t time.Time) string {
	t = t.Truncate(time.Second)
	if _, off := t.Zone(); off == 0 {
		return t.Format("2006-01-02T15:04:05") + "-00:00"
	}
	return t.Format("2006-01-02T15:04:05-07:00")
}

// validToken reports whether s can be a CAP identifier or sender: not
// empty, no whitespace, comma, '<' or '&'.
func validToken(s string) bool {
	return s != "" && utf8.ValidString(s) && !strings.ContainsFunc(s, func(r rune) bool {
		return r <= ' ' || r == ',' || r == '<' || r == '&' || r == 0x7f || r == 0xA0
	})
}

// Identifier returns the CAP identifier of a verdict version,
// "vigie.verdict.<id>.v<version>", with characters CAP forbids replaced by '_'.
func Identifier(verdictID string, version int) string {
	id := strings.Map(func(r rune) rune {
		if r <= ' ' || r == ',' || r == '<' || r == '&' || r == 0x7f || r == 0xA0 || r == utf8.RuneError {
			return '_'
		}
		return r
	}, verdictID)
	return "vigie.verdict." + id + ".v" + strconv.Itoa(max(version, 1))
}

// headline is the message's one-line summary, cut to MaxHeadlineRunes.
func headline(v publish.Verdict, cancel bool) string {
	label := v.TextualRating
	if label == "" {
		label = v.Rating.Label()
	}
	h := label + ": " + v.ClaimReviewed
	switch {
	case v.Retracted:
		h = "Retracted: " + h
	case cancel:
		h = "Withdrawn: " + h
	}
	if utf8.RuneCountInString(h) <= MaxHeadlineRunes {
		return h
	}
	r := []rune(h)
	return string(r[:MaxHeadlineRunes-1]) + "…"
}

// Write writes the CAP 1.2 message of a published verdict.
func Write(w io.Writer, v publish.Verdict, o Options) error {
	a, err := build(v, o)
	if err != nil {
		return err
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return fmt.Errorf("write cap alert: %w", err)
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(a); err != nil {
		return fmt.Errorf("write cap alert: %w", err)
	}
	if _, err := io.WriteString(w, "\n"); err != nil {
		return fmt.Errorf("write cap alert: %w", err)
	}
	return nil
}

// build checks the inputs and assembles the message.
func build(v publish.Verdict, o Options) (xmlAlert, error) {
	fail := func(format string, args ...any) (xmlAlert, error) {
		return xmlAlert{}, fmt.Errorf("build cap alert for verdict %q: %w: %s", v.ID, ErrNotPublishable, fmt.Sprintf(format, args...))
	}
	u, err := url.Parse(v.URL)
	switch {
	case v.ID == "":
		return fail("no verdict id")
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		return fail("page url %q is not absolute", v.URL)
	case v.ClaimReviewed == "":
		return fail("no claim")
	case !v.Rating.Valid():
		return fail("invalid rating %q", v.Rating)
	case v.Published.IsZero():
		return fail("not published")
	case !validToken(o.Sender):
		return fail("sender %q is empty or holds a space, comma, '<' or '&'", o.Sender)
	case o.Sent.IsZero():
		return fail("no sent time")
	case len(o.Areas) == 0:
		return fail("no area")
	case v.Language != "" && !claims.ValidLanguage(v.Language):
		return fail("language %q is not a language tag", v.Language)
	}
	status := o.Status
	if status == "" {
		status = StatusActual
	}
	switch status {
	case StatusActual, StatusExercise, StatusSystem, StatusTest, StatusDraft:
	default:
		return fail("invalid status %q", status)
	}
	category := o.Category
	if category == "" {
		category = "Other"
	}
	if !categories[category] {
		return fail("invalid category %q", category)
	}
	senderName := o.SenderName
	if senderName == "" {
		senderName = v.Publisher.Name
	}
	msgType := "Alert"
	var refs []string
	for _, r := range o.References {
		if !validToken(r.Sender) || !validToken(r.Identifier) || r.Sent.IsZero() {
			return fail("invalid reference %+v", r)
		}
		refs = append(refs, r.Sender+","+r.Identifier+","+Time(r.Sent))
	}
	cancel := v.Retracted || o.Cancel
	if len(refs) > 0 {
		msgType = "Update"
		if cancel {
			msgType = "Cancel"
		}
	} else if cancel {
		return fail("a retraction or cancellation must reference the messages it cancels")
	}
	identifier := o.Identifier
	if identifier == "" {
		identifier = Identifier(v.ID, v.Version)
	}
	if !validToken(identifier) {
		return fail("identifier %q is empty or holds a space, comma, '<' or '&'", identifier)
	}
	event := o.Event
	if event == "" {
		event = "Misinformation verdict"
	}
	response, instruction := "Monitor", "Check the verdict before sharing this claim; point people to the verdict page."
	switch {
	case v.Retracted:
		response, instruction = "AllClear", "This verdict was retracted; disregard the earlier message."
	case cancel:
		response, instruction = "AllClear", "This alert was withdrawn; disregard the earlier message."
	}
	info := xmlInfo{
		Language: v.Language, Category: category, Event: event, ResponseType: response,
		Urgency: "Expected", Severity: claims.SeverityWord(o.Severity), Certainty: "Observed",
		SenderName: senderName, Headline: headline(v, cancel), Description: v.Summary, Instruction: instruction, Web: v.URL,
		Parameter: []xmlParameter{
			{ValueName: "vigie:rating", Value: string(v.Rating)},
			{ValueName: "vigie:verdict_id", Value: v.ID},
			{ValueName: "vigie:verdict_version", Value: strconv.Itoa(max(v.Version, 1))},
		},
	}
	if !o.Expires.IsZero() {
		info.Expires = Time(o.Expires)
	}
	if n := len(v.Corrections); n > 0 && !cancel {
		info.Description = strings.TrimSpace(info.Description + "\n\nCorrection: " + v.Corrections[n-1].Note)
	}
	for _, ar := range o.Areas {
		cc, nat, ok := strings.Cut(ar.Code, "-")
		if !ok || ar.Name == "" {
			return fail("invalid area %+v", ar)
		}
		xa := xmlArea{AreaDesc: ar.Name, Geocode: []xmlParameter{{ValueName: "vigie:locality", Value: ar.Code}}}
		if scheme, ok := nationalScheme[cc]; ok {
			xa.Geocode = append(xa.Geocode, xmlParameter{ValueName: scheme, Value: nat})
		}
		info.Area = append(info.Area, xa)
	}
	return xmlAlert{
		Identifier: identifier, Sender: o.Sender, Sent: Time(o.Sent), Status: string(status),
		MsgType: msgType, Scope: "Public", References: strings.Join(refs, " "), Info: info,
	}, nil
}
