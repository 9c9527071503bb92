package claims

import (
	"slices"
	"time"
)

// ReviewStatus is where a claim stands in the review workflow; its values are
// the names the API, the queue and the search index use.
type ReviewStatus string

// The review statuses.
const (
	StatusNew              ReviewStatus = "new"
	StatusTriage           ReviewStatus = "triage"
	StatusInProgress       ReviewStatus = "in_progress"
	StatusDraft            ReviewStatus = "draft"
	StatusAwaitingApproval ReviewStatus = "awaiting_approval"
	StatusPublished        ReviewStatus = "published"
	StatusDismissed        ReviewStatus = "dismissed"
	StatusDuplicate        ReviewStatus = "duplicate"
)

// Statuses lists every status in workflow order.
var Statuses = []ReviewStatus{StatusNew, StatusTriage, StatusInProgress, StatusDraft, StatusAwaitingApproval,
	StatusPublished, StatusDismissed, StatusDuplicate}

// Valid reports whether s is one of Statuses.
func (s ReviewStatus) Valid() bool { return slices.Contains(Statuses, s) }

// statusMoves are the moves a plain status change may make. Moves into
// draft, awaiting_approval, published and duplicate are made by the verdict
// and duplicate actions only; a published claim changes only by correction
// or retraction.
var statusMoves = map[ReviewStatus][]ReviewStatus{
	StatusNew:              {StatusTriage, StatusInProgress, StatusDismissed},
	StatusTriage:           {StatusNew, StatusInProgress, StatusDismissed},
	StatusInProgress:       {StatusTriage, StatusDismissed},
	StatusDraft:            {StatusInProgress, StatusDismissed},
	StatusAwaitingApproval: {StatusDraft, StatusInProgress},
	StatusDismissed:        {StatusTriage},
	StatusDuplicate:        {StatusTriage},
}

// CanMove reports whether a plain status change (ActionStatus) may move a
// claim from one status to another.
func CanMove(from, to ReviewStatus) bool { return slices.Contains(statusMoves[from], to) }

// ReviewAction names an action of the review workflow, as recorded in review
// events.
type ReviewAction string

// The review actions.
const (
	ActionAssign         ReviewAction = "assign"
	ActionStatus         ReviewAction = "status"
	ActionNote           ReviewAction = "note"
	ActionDuplicate      ReviewAction = "duplicate"
	ActionMerge          ReviewAction = "merge"
	ActionDraftVerdict   ReviewAction = "verdict_draft"
	ActionSubmitVerdict  ReviewAction = "verdict_submit"
	ActionPublishVerdict ReviewAction = "verdict_publish"
	ActionCorrectVerdict ReviewAction = "verdict_correct"
	ActionRetractVerdict ReviewAction = "verdict_retract"
	// ActionAddAppearance adds a claim's item as an appearance of a
	// published verdict: recorded on the verdict's claim (with the verdict
	// grown by the appearance) and on the appearing claim (closed as a
	// duplicate of the verdict's claim).
	ActionAddAppearance ReviewAction = "add_appearance"
	// ActionJudgeMatch records a person's judgement of a suggested match:
	// the same claim (confirmed) or not (rejected).
	ActionJudgeMatch ReviewAction = "match_judge"
)

// Actions lists every action.
var Actions = []ReviewAction{ActionAssign, ActionStatus, ActionNote, ActionDuplicate, ActionMerge, ActionDraftVerdict,
	ActionSubmitVerdict, ActionPublishVerdict, ActionCorrectVerdict, ActionRetractVerdict, ActionAddAppearance, ActionJudgeMatch}

// actionRoles says which roles may perform each action.
var actionRoles = map[ReviewAction][]string{
	ActionAssign:         RolesReview,
	ActionStatus:         RolesReview,
	ActionNote:           RolesReview,
	ActionDuplicate:      RolesReview,
	ActionMerge:          RolesReview,
	ActionDraftVerdict:   RolesReview,
	ActionSubmitVerdict:  RolesReview,
	ActionPublishVerdict: RolesPublish,
	ActionCorrectVerdict: RolesPublish,
	ActionRetractVerdict: RolesPublish,
	ActionAddAppearance:  RolesReview,
	ActionJudgeMatch:     RolesReview,
}

// actionFrom lists the statuses each action other than ActionStatus starts
// from; the status it leads to is fixed by the action (see ActionTo).
var actionFrom = map[ReviewAction][]ReviewStatus{
	ActionAssign:         {StatusNew, StatusTriage, StatusInProgress, StatusDraft, StatusAwaitingApproval},
	ActionNote:           Statuses,
	ActionDuplicate:      {StatusNew, StatusTriage, StatusInProgress, StatusDismissed},
	ActionMerge:          {StatusNew, StatusTriage, StatusInProgress, StatusDraft, StatusAwaitingApproval, StatusPublished},
	ActionDraftVerdict:   {StatusTriage, StatusInProgress, StatusDraft, StatusAwaitingApproval},
	ActionSubmitVerdict:  {StatusDraft},
	ActionPublishVerdict: {StatusAwaitingApproval},
	ActionCorrectVerdict: {StatusPublished},
	ActionRetractVerdict: {StatusPublished},
	// The verdict's claim is published; the appearing one is open or dismissed.
	ActionAddAppearance: {StatusNew, StatusTriage, StatusInProgress, StatusDismissed, StatusPublished},
	ActionJudgeMatch:    Statuses,
}

// AllowedFor reports whether role may perform a at all (the claim's status
// may still refuse it).
func (a ReviewAction) AllowedFor(role string) bool { return slices.Contains(actionRoles[a], role) }

// StartsFrom reports whether a may be made on a claim in status s. A plain
// status change is checked with CanMove instead.
func (a ReviewAction) StartsFrom(s ReviewStatus) bool { return slices.Contains(actionFrom[a], s) }

// Actor is who acts: a user name and its role (one of Roles).
type Actor struct {
	Name string `json:"name"`
	Role string `json:"role"`
}

// ReviewState is the review state of one claim, as the vigie_review bucket
// keeps it under the claim id.
type ReviewState struct {
	Status      ReviewStatus `json:"status"`
	Assignee    string       `json:"assignee,omitempty"`
	DuplicateOf string       `json:"duplicate_of,omitempty"`
	VerdictID   string       `json:"verdict_id,omitempty"`
	Notes       []string     `json:"notes,omitempty"`
	// Judgements are the matches a person judged, the latest judgement of
	// each fact-check, oldest first.
	Judgements []JudgedMatch `json:"judgements,omitempty"`
}

// JudgedMatch is a person's judgement of one of a claim's matches, as the
// claim's review state keeps it.
type JudgedMatch struct {
	FactCheckID string         `json:"factcheck_id"`
	Judgement   MatchJudgement `json:"judgement"`
	By          string         `json:"judged_by"`
	At          time.Time      `json:"judged_at"`
	Note        string         `json:"note,omitempty"`
	// ClusterID is set when the judgement was made for the claim's whole
	// cluster (every claim of it, present and future).
	ClusterID string `json:"cluster_id,omitempty"`
}

// Judged returns the judgement of the match to factCheckID, if any.
func (s ReviewState) Judged(factCheckID string) (JudgedMatch, bool) {
	for _, j := range s.Judgements {
		if j.FactCheckID == factCheckID {
			return j, true
		}
	}
	return JudgedMatch{}, false
}

// Judge returns s with j as the judgement of its fact-check, replacing an
// earlier one (a person may change their mind; the history keeps both).
func (s ReviewState) Judge(j JudgedMatch) ReviewState {
	s = s.Clone()
	s.Judgements = slices.DeleteFunc(s.Judgements, func(o JudgedMatch) bool { return o.FactCheckID == j.FactCheckID })
	s.Judgements = append(s.Judgements, j)
	return s
}

// NewReviewState is the state of a claim nobody has acted on.
func NewReviewState() ReviewState { return ReviewState{Status: StatusNew} }

// Equal reports whether s and o hold the same values.
func (s ReviewState) Equal(o ReviewState) bool {
	return s.Status == o.Status && s.Assignee == o.Assignee && s.DuplicateOf == o.DuplicateOf &&
		s.VerdictID == o.VerdictID && slices.Equal(s.Notes, o.Notes) &&
		slices.EqualFunc(s.Judgements, o.Judgements, func(a, b JudgedMatch) bool { return a.equal(b) })
}

func (j JudgedMatch) equal(o JudgedMatch) bool {
	return j.FactCheckID == o.FactCheckID && j.Judgement == o.Judgement && j.By == o.By && j.At.Equal(o.At) &&
		j.Note == o.Note && j.ClusterID == o.ClusterID
}

// Clone returns a copy of s that shares nothing with it.
func (s ReviewState) Clone() ReviewState {
	s.Notes, s.Judgements = slices.Clone(s.Notes), slices.Clone(s.Judgements)
	return s
}

// ReviewEvent is one recorded review action, as the REVIEW stream (the audit
// log) keeps it on vigie.review.<claim>.
type ReviewEvent struct {
	// ID is unique per event (the review workflow derives it from the claim
	// and the revision), also the message's Nats-Msg-Id.
	ID      string       `json:"id"`
	ClaimID string       `json:"claim_id"`
	Actor   Actor        `json:"actor"`
	At      time.Time    `json:"at"`
	Action  ReviewAction `json:"action"`
	Before  ReviewState  `json:"before"`
	After   ReviewState  `json:"after"`
	// Revision is the claim's KV revision the action was applied against.
	Revision uint64 `json:"revision"`
	// Detail is the action's argument in words: the note, the new status,
	// the claim duplicated, the claims merged, the correction note.
	Detail string `json:"detail,omitempty"`
	// Verdict is the claim's verdict after a verdict action.
	Verdict *Verdict `json:"verdict,omitempty"`
	// Judgement is the judgement a match_judge action made, with the pair's
	// texts as they were judged.
	Judgement *JudgementRecord `json:"judgement,omitempty"`
	// Seq is the event's sequence in the REVIEW stream (0 before it is stored).
	Seq uint64 `json:"seq,omitempty"`
}
