package claims

import (
	"errors"
	"fmt"
	"strings"

	"golang.org/x/text/language"
)

// Language is a BCP 47 language tag in canonical form ("pt", "pt-BR",
// "zh-Hant-TW"). Every language Vigie accepts (items, tips, verdicts,
// subscriptions, users, filters) is read with ParseLanguage.
type Language string

// MaxLanguageLen is the longest tag ParseLanguage accepts, in bytes (the
// length RFC 5646 asks implementations to support).
const MaxLanguageLen = 35

// ErrLanguage is wrapped by ParseLanguage's errors.
var ErrLanguage = errors.New("not a BCP 47 language tag")

// ParseLanguage reads a language tag. The rule: at most MaxLanguageLen
// bytes, '_' read as '-', well-formed and known to BCP 47's registry, and not
// "und" (undetermined). The tag is returned in canonical form: case
// normalised ("pt-br" → "pt-BR") and deprecated or three-letter codes
// replaced ("spa" → "es", "iw" → "he").
func ParseLanguage(s string) (Language, error) {
	t := strings.ReplaceAll(strings.TrimSpace(s), "_", "-")
	if t == "" || len(t) > MaxLanguageLen {
		return "", fmt.Errorf("language %q: %w", s, ErrLanguage)
	}
	tag, err := language.Parse(t)
	if err != nil || tag == language.Und {
		return "", fmt.Errorf("language %q: %w", s, ErrLanguage)
	}
	return Language(tag.String()), nil
}

// ValidLanguage reports whether s is a language tag as written, fit to be
// put in a document (xml:lang, Atom, CAP, JSON Feed): ParseLanguage accepts
// it, and its subtags are separated by '-', without spaces.
func ValidLanguage(s string) bool {
	if strings.ContainsAny(s, "_ \t\r\n") {
		return false
	}
	_, err := ParseLanguage(s)
	return err == nil
}

// String returns the tag.
func (l Language) String() string { return string(l) }

// Base returns the primary language subtag, lower case: "pt" for "pt-BR".
// Items and claims carry it: it selects the engine's analyser.
func (l Language) Base() string {
	base, _, _ := strings.Cut(string(l), "-")
	return strings.ToLower(base)
}

// LanguageBase returns the primary subtag of a tag read with ParseLanguage,
// or "" when s is not a language tag.
func LanguageBase(s string) string {
	l, err := ParseLanguage(s)
	if err != nil {
		return ""
	}
	return l.Base()
}
