package review

import (
	"errors"
	"fmt"
	"strings"

	"vigie/claims"
)

// Error kinds, compared with errors.Is.
var (
	// ErrInvalid is an invalid argument: an empty note, a bad claim id, an incomplete verdict.
	ErrInvalid = errors.New("invalid")
	// ErrForbidden is an action the actor's role may not perform.
	ErrForbidden = errors.New("forbidden")
	// ErrTransition is an action the claim's status does not allow.
	ErrTransition = errors.New("transition not allowed")
	// ErrConflict is an action against a revision that is no longer current.
	ErrConflict = errors.New("conflict")
	// ErrNotFound is a verdict or claim that does not exist.
	ErrNotFound = errors.New("not found")
)

// ForbiddenError says that an actor's role may not perform an action.
type ForbiddenError struct {
	Actor  claims.Actor
	Action claims.ReviewAction
}

// Error says who may not do what.
func (e *ForbiddenError) Error() string {
	return fmt.Sprintf("%s: role %q of user %q may not %s", ErrForbidden, e.Actor.Role, e.Actor.Name, e.Action)
}

// Is makes errors.Is(err, ErrForbidden) true.
func (e *ForbiddenError) Is(target error) bool { return target == ErrForbidden }

// TransitionError says that an action may not move a claim from its status.
type TransitionError struct {
	Action claims.ReviewAction
	From   claims.ReviewStatus
	To     claims.ReviewStatus
	// Reason, when set, says why in words ("use PublishVerdict").
	Reason string
}

// Error says which move was refused and why.
func (e *TransitionError) Error() string {
	s := fmt.Sprintf("%s: %s from %s to %s", ErrTransition, e.Action, e.From, e.To)
	if e.Reason != "" {
		s += ": " + e.Reason
	}
	return s
}

// Is makes errors.Is(err, ErrTransition) true.
func (e *TransitionError) Is(target error) bool { return target == ErrTransition }

// Change is one field that differs between what an actor saw and what is
// current. Values are rendered as text; lists are joined with "; ".
type Change struct {
	Field string `json:"field"`
	Saw   string `json:"saw"`
	Now   string `json:"now"`
}

// ConflictError refuses an action made against a revision that is no longer
// the current one: somebody else changed the claim in between. It carries
// the current state and revision, the field-level difference from what the
// actor saw, and the events that made it.
type ConflictError struct {
	ClaimID string `json:"claim_id"`
	// Seen is the revision the actor acted on.
	Seen uint64 `json:"seen"`
	// Revision is the current revision; act again with it.
	Revision uint64 `json:"revision"`
	// Current is the current state of the claim.
	Current claims.ReviewState `json:"current"`
	// Verdict is the claim's current verdict, nil when it has none.
	Verdict *claims.Verdict `json:"verdict,omitempty"`
	// Diff lists what changed since Seen, claim fields then verdict fields
	// (prefixed "verdict.").
	Diff []Change `json:"diff"`
	// Since are the actions recorded since Seen, oldest first.
	Since []claims.ReviewEvent `json:"since"`
}

// Error names the claim, the revisions and the fields that changed.
func (e *ConflictError) Error() string {
	fields := make([]string, len(e.Diff))
	for i, c := range e.Diff {
		fields[i] = c.Field
	}
	return fmt.Sprintf("%s: claim %s changed since revision %d (now %d; changed: %s)", ErrConflict, e.ClaimID, e.Seen,
		e.Revision, strings.Join(fields, ", "))
}

// Is makes errors.Is(err, ErrConflict) true.
func (e *ConflictError) Is(target error) bool { return target == ErrConflict }
