package claims

import "testing"

func TestReviewVocabulary(t *testing.T) {
	t.Parallel()
	for _, s := range Statuses {
		if !s.Valid() {
			t.Errorf("status %s not valid", s)
		}
	}
	for from, tos := range statusMoves {
		for _, to := range tos {
			if to == StatusPublished || to == StatusAwaitingApproval || to == StatusDuplicate {
				t.Errorf("a status change may move %s → %s, which belongs to a dedicated action", from, to)
			}
		}
	}
	for _, a := range Actions {
		if a.AllowedFor(RoleSubscriber) {
			t.Errorf("subscriber may %s", a)
		}
		if !a.AllowedFor(RoleAdmin) {
			t.Errorf("admin may not %s", a)
		}
		if a != ActionStatus && len(actionFrom[a]) == 0 {
			t.Errorf("%s starts from no status", a)
		}
	}
	if ActionPublishVerdict.AllowedFor(RoleFactChecker) || !ActionPublishVerdict.AllowedFor(RoleEditor) {
		t.Error("only editors and admins publish")
	}
}
