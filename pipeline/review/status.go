package review

import (
	"fmt"

	"vigie/claims"
)

// checkRole returns a *ForbiddenError when actor may not perform action.
func checkRole(a claims.Actor, action claims.ReviewAction) error {
	if a.Name == "" {
		return fmt.Errorf("actor: %w: no user name", ErrInvalid)
	}
	if !action.AllowedFor(a.Role) {
		return &ForbiddenError{Actor: a, Action: action}
	}
	return nil
}

// checkFrom returns a *TransitionError when action may not start from status.
func checkFrom(action claims.ReviewAction, from, to claims.ReviewStatus) error {
	if !action.StartsFrom(from) {
		return &TransitionError{Action: action, From: from, To: to}
	}
	return nil
}
