package feed

import (
	"context"
	"errors"
)

// Sentinel errors wrapped by Parse. Compare with errors.Is.
var (
	// ErrEmpty is returned for an empty or whitespace-only body.
	ErrEmpty = errors.New("empty feed body")
	// ErrTooLarge is returned when the body, or its decompressed or
	// entity-expanded form, exceeds Limits.MaxBytes.
	ErrTooLarge = errors.New("feed too large")
	// ErrTooDeep is returned when elements nest deeper than Limits.MaxDepth.
	ErrTooDeep = errors.New("feed nesting too deep")
	// ErrEntity is returned for entity declarations that are refused:
	// external entities, entities referring to other entities (billion
	// laughs, cycles), too many declarations or too much expansion.
	ErrEntity = errors.New("feed entity refused")
	// ErrUnknownFormat is returned when the body is neither RSS, RDF, Atom
	// nor JSON Feed.
	ErrUnknownFormat = errors.New("unknown feed format")
	// ErrSyntax is returned when the body is malformed beyond repair.
	ErrSyntax = errors.New("feed syntax error")
	// ErrTimeout is returned when parsing exceeds Limits.Timeout or the
	// context's deadline.
	ErrTimeout = errors.New("feed parse timed out")
)

// Error kinds returned by ErrorKind.
const (
	KindEmpty         = "empty"
	KindTooLarge      = "too_large"
	KindTooDeep       = "too_deep"
	KindEntity        = "entity"
	KindUnknownFormat = "unknown_format"
	KindSyntax        = "syntax"
	KindTimeout       = "timeout"
	KindCanceled      = "canceled"
	KindOther         = "other"
)

// ErrorKind classifies an error returned by Parse into a short stable label
// for metrics and the sources UI. It returns "" for a nil error.
func ErrorKind(err error) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, ErrEmpty):
		return KindEmpty
	case errors.Is(err, ErrTooLarge):
		return KindTooLarge
	case errors.Is(err, ErrTooDeep):
		return KindTooDeep
	case errors.Is(err, ErrEntity):
		return KindEntity
	case errors.Is(err, ErrUnknownFormat):
		return KindUnknownFormat
	case errors.Is(err, ErrSyntax):
		return KindSyntax
	case errors.Is(err, ErrTimeout), errors.Is(err, context.DeadlineExceeded):
		return KindTimeout
	case errors.Is(err, context.Canceled):
		return KindCanceled
	default:
		return KindOther
	}
}
