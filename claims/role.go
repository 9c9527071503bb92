package claims

import "slices"

// The roles of Vigie's users, most powerful first. A role travels as a plain
// string (user records, sessions, tokens, review events, the API), the way
// net/http's status codes are plain ints.
const (
	// RoleAdmin manages sources, users, subscriptions and settings, and may
	// do whatever an editor does.
	RoleAdmin = "admin"
	// RoleEditor reviews drafts and publishes, corrects and retracts verdicts.
	RoleEditor = "editor"
	// RoleFactChecker triages claims, researches them and drafts verdicts.
	RoleFactChecker = "factchecker"
	// RoleSubscriber is a municipality's account: its own subscriptions and
	// alerts, nothing of the review queue.
	RoleSubscriber = "subscriber"
)

// Roles lists every role, most powerful first.
var Roles = []string{RoleAdmin, RoleEditor, RoleFactChecker, RoleSubscriber}

// Role families: who may do what, by kind of work.
var (
	// RolesReview is the newsroom: the queue, claims, review actions,
	// verdict drafts.
	RolesReview = []string{RoleAdmin, RoleEditor, RoleFactChecker}
	// RolesPublish approve, publish, correct and retract verdicts.
	RolesPublish = []string{RoleAdmin, RoleEditor}
	// RolesAdmin manage sources, users, tokens, settings, audit exports and
	// dead letters.
	RolesAdmin = []string{RoleAdmin}
)

// ValidRole reports whether role is one of Roles.
func ValidRole(role string) bool { return slices.Contains(Roles, role) }
