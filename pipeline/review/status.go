package review

import (
	"fmt"
	"slices"

	vigiev1 "vigie/proto/gen/vigie/v1"
)

// Status is where a claim stands in the review workflow; its values are the
// API names the queue and the search index use.
type Status string

// The review statuses.
const (
	StatusNew              Status = "new"
	StatusTriage           Status = "triage"
	StatusInProgress       Status = "in_progress"
	StatusDraft            Status = "draft"
	StatusAwaitingApproval Status = "awaiting_approval"
	StatusPublished        Status = "published"
	StatusDismissed        Status = "dismissed"
	StatusDuplicate        Status = "duplicate"
)

// Statuses lists every status in workflow order.
var Statuses = []Status{StatusNew, StatusTriage, StatusInProgress, StatusDraft, StatusAwaitingApproval,
	StatusPublished, StatusDismissed, StatusDuplicate}

var statusProto = map[Status]vigiev1.ReviewStatus{
	StatusNew:              vigiev1.ReviewStatus_REVIEW_STATUS_NEW,
	StatusTriage:           vigiev1.ReviewStatus_REVIEW_STATUS_TRIAGE,
	StatusInProgress:       vigiev1.ReviewStatus_REVIEW_STATUS_IN_PROGRESS,
	StatusDraft:            vigiev1.ReviewStatus_REVIEW_STATUS_DRAFT,
	StatusAwaitingApproval: vigiev1.ReviewStatus_REVIEW_STATUS_AWAITING_APPROVAL,
	StatusPublished:        vigiev1.ReviewStatus_REVIEW_STATUS_PUBLISHED,
	StatusDismissed:        vigiev1.ReviewStatus_REVIEW_STATUS_DISMISSED,
	StatusDuplicate:        vigiev1.ReviewStatus_REVIEW_STATUS_DUPLICATE,
}

// Valid reports whether s is one of Statuses.
func (s Status) Valid() bool { _, ok := statusProto[s]; return ok }

// Proto returns the protobuf enum of s; unspecified for an invalid status.
func (s Status) Proto() vigiev1.ReviewStatus { return statusProto[s] }

// StatusFromProto returns the status of a protobuf enum; unspecified is new.
func StatusFromProto(p vigiev1.ReviewStatus) Status {
	for s, v := range statusProto {
		if v == p {
			return s
		}
	}
	return StatusNew
}

// Roles, as named by the account package.
const (
	RoleAdmin       = "admin"
	RoleEditor      = "editor"
	RoleFactChecker = "factchecker"
	RoleSubscriber  = "subscriber"
)

// Actor is who acts: a user name and its role.
type Actor struct {
	Name string `json:"name"`
	Role string `json:"role"`
}

// Action names an action, as recorded in ReviewEvent.action.
type Action string

// The actions of the workflow.
const (
	ActionAssign         Action = "assign"
	ActionStatus         Action = "status"
	ActionNote           Action = "note"
	ActionDuplicate      Action = "duplicate"
	ActionMerge          Action = "merge"
	ActionDraftVerdict   Action = "verdict_draft"
	ActionSubmitVerdict  Action = "verdict_submit"
	ActionPublishVerdict Action = "verdict_publish"
	ActionCorrectVerdict Action = "verdict_correct"
	ActionRetractVerdict Action = "verdict_retract"
)

// Actions lists every action.
var Actions = []Action{ActionAssign, ActionStatus, ActionNote, ActionDuplicate, ActionMerge, ActionDraftVerdict,
	ActionSubmitVerdict, ActionPublishVerdict, ActionCorrectVerdict, ActionRetractVerdict}

var (
	reviewers  = []string{RoleAdmin, RoleEditor, RoleFactChecker}
	publishers = []string{RoleAdmin, RoleEditor}
)

// actionRoles says which roles may perform each action.
var actionRoles = map[Action][]string{
	ActionAssign:         reviewers,
	ActionStatus:         reviewers,
	ActionNote:           reviewers,
	ActionDuplicate:      reviewers,
	ActionMerge:          reviewers,
	ActionDraftVerdict:   reviewers,
	ActionSubmitVerdict:  reviewers,
	ActionPublishVerdict: publishers,
	ActionCorrectVerdict: publishers,
	ActionRetractVerdict: publishers,
}

// Allowed reports whether role may perform action at all (the claim's status
// may still refuse it).
func Allowed(role string, action Action) bool { return slices.Contains(actionRoles[action], role) }

// statusMoves are the transitions SetStatus may make. Moves into draft,
// awaiting_approval, published and duplicate are made by the verdict and
// duplicate actions only; a published claim changes only by correction or
// retraction.
var statusMoves = map[Status][]Status{
	StatusNew:              {StatusTriage, StatusInProgress, StatusDismissed},
	StatusTriage:           {StatusNew, StatusInProgress, StatusDismissed},
	StatusInProgress:       {StatusTriage, StatusDismissed},
	StatusDraft:            {StatusInProgress, StatusDismissed},
	StatusAwaitingApproval: {StatusDraft, StatusInProgress},
	StatusDismissed:        {StatusTriage},
	StatusDuplicate:        {StatusTriage},
}

// actionFrom lists the statuses each non-status action starts from; the
// target status is fixed by the action (see Workflow's methods).
var actionFrom = map[Action][]Status{
	ActionAssign:         {StatusNew, StatusTriage, StatusInProgress, StatusDraft, StatusAwaitingApproval},
	ActionNote:           Statuses,
	ActionDuplicate:      {StatusNew, StatusTriage, StatusInProgress, StatusDismissed},
	ActionMerge:          {StatusNew, StatusTriage, StatusInProgress, StatusDraft, StatusAwaitingApproval, StatusPublished},
	ActionDraftVerdict:   {StatusTriage, StatusInProgress, StatusDraft, StatusAwaitingApproval},
	ActionSubmitVerdict:  {StatusDraft},
	ActionPublishVerdict: {StatusAwaitingApproval},
	ActionCorrectVerdict: {StatusPublished},
	ActionRetractVerdict: {StatusPublished},
}

// CanMove reports whether SetStatus may move a claim from one status to another.
func CanMove(from, to Status) bool { return slices.Contains(statusMoves[from], to) }

// checkRole returns a *ForbiddenError when actor may not perform action.
func checkRole(a Actor, action Action) error {
	if a.Name == "" {
		return fmt.Errorf("actor: %w: no user name", ErrInvalid)
	}
	if !Allowed(a.Role, action) {
		return &ForbiddenError{Actor: a, Action: action}
	}
	return nil
}

// checkFrom returns a *TransitionError when action may not start from status.
func checkFrom(action Action, from, to Status) error {
	if !slices.Contains(actionFrom[action], from) {
		return &TransitionError{Action: action, From: from, To: to}
	}
	return nil
}
