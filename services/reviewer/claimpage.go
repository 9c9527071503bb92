package reviewer

import (
	"net/http"
	"strings"

	"go.uber.org/zap"

	"vigie/claims"
	"vigie/pipeline/account"
	"vigie/pipeline/claimdoc"
	"vigie/pipeline/httpapi"
)

type claimView struct {
	page
	ClaimResponse
	// Moves are the statuses the status form offers.
	Moves []claims.ReviewStatus
	// Users are who a claim may be assigned to.
	Users []string
	// Others are the other claims of the cluster with their revisions (for merging).
	Others []otherClaim
	// Before and After split the item title around the sentence when the
	// title contains it, to show it in context (the index keeps the item's
	// title and link, not its full text).
	Before, Sentence, After string
	// judge: the side-by-side judgement of each match.
	judgeView
}

// judgeView is what the claim page's judgement block shows.
type judgeView struct {
	// Judge are the claim's matches beside its sentence, marked.
	Judge []matchView
	// Former are judged pairs the latest analysis no longer suggests.
	Former []formerMatch
	// ParaBefore and ParaAfter split the sentence's paragraph around it.
	ParaBefore, ParaAfter string
	// Rematched names a re-match just requested.
	Rematched string
	// CanRematch: this process can ask the matchers for a re-match.
	CanRematch bool
}

type otherClaim struct {
	Claim    claimdoc.Claim
	Revision uint64
}

// statusMoves are the statuses SetStatus moves to.
var statusMoves = []claims.ReviewStatus{claims.StatusNew, claims.StatusTriage, claims.StatusInProgress, claims.StatusDismissed}

func (s *Server) claimPage(w http.ResponseWriter, r *http.Request) {
	v := claimView{page: s.newPage(r, "claim_title")}
	c, err := s.loadClaim(r.Context(), principal(r), r.PathValue("id"))
	if err != nil {
		status, msg := statusOf(err)
		s.renderError(w, r, status, msg)
		return
	}
	v.ClaimResponse = c
	for _, m := range statusMoves {
		if claims.CanMove(c.Review.Status, m) {
			v.Moves = append(v.Moves, m)
		}
	}
	for _, o := range c.Cluster.Others {
		oc := otherClaim{Claim: o}
		if s.deps.Review != nil {
			if _, oc.Revision, err = s.deps.Review.Get(r.Context(), o.ID); err != nil {
				s.writeError(w, r, err)
				return
			}
		}
		v.Others = append(v.Others, oc)
	}
	v.Users = s.assignees(r)
	v.Sentence = c.Claim.Text
	if i := strings.Index(c.Claim.ItemTitle, c.Claim.Text); i >= 0 && c.Claim.Text != "" {
		v.Before, v.After = c.Claim.ItemTitle[:i], c.Claim.ItemTitle[i+len(c.Claim.Text):]
	}
	texts := map[string]string{}
	if s.deps.Review != nil && len(c.Review.Judgements) > len(c.Claim.Matches) {
		// the texts of pairs no longer suggested, as they were judged
		if recs, err := s.deps.Review.Judgements().For(r.Context(), c.Claim.ID, c.Claim.ClusterID); err == nil {
			for _, rec := range recs {
				texts[rec.FactCheckID] = rec.FactCheckText
			}
		}
	}
	v.Judge, v.Former = matchViews(c), formerMatches(c, texts)
	if i := strings.Index(c.Claim.Paragraph, c.Claim.Text); i >= 0 && c.Claim.Text != "" {
		v.ParaBefore, v.ParaAfter = c.Claim.Paragraph[:i], c.Claim.Paragraph[i+len(c.Claim.Text):]
	}
	v.Rematched, v.CanRematch = r.URL.Query().Get("rematch"), s.deps.Rematch != nil
	s.render(w, r, http.StatusOK, "claim", &v)
}

// assignees lists the users a claim may be assigned to: the caller first,
// then every enabled newsroom account.
func (s *Server) assignees(r *http.Request) []string {
	me := principal(r).User
	out := []string{me}
	if s.deps.Accounts == nil {
		return out
	}
	users, err := s.deps.Accounts.Users(r.Context())
	if err != nil {
		s.log.Warn("list users for assignment failed", zap.Error(err))
		return out
	}
	for _, u := range users {
		if !u.Disabled && u.Name != me && u.Role != claims.RoleSubscriber {
			out = append(out, u.Name)
		}
	}
	return out
}

type verdictView struct {
	page
	ClaimResponse
	Ratings []claims.Rating
	// Input is what the form shows: the draft, or a fresh one from the claim.
	Input claims.VerdictInput
	// CanEdit: the claim's status lets a draft be written.
	CanEdit, CanSubmit, CanPublishNow, Published bool
}

func (s *Server) verdictPage(w http.ResponseWriter, r *http.Request) {
	v := verdictView{page: s.newPage(r, "verdict_editor"), Ratings: claims.Scale}
	c, err := s.loadClaim(r.Context(), principal(r), r.PathValue("id"))
	if err != nil {
		status, msg := statusOf(err)
		s.renderError(w, r, status, msg)
		return
	}
	v.ClaimResponse = c
	if c.Verdict != nil {
		v.Input = c.Verdict.VerdictInput
	} else {
		v.Input = claims.VerdictInput{ClaimReviewed: c.Claim.Text, Language: c.Claim.Language, Localities: c.Claim.Localities}
		if u := c.Claim.ItemURL; strings.HasPrefix(u, "https://") || strings.HasPrefix(u, "http://") {
			v.Input.Appearances = []string{c.Claim.ItemURL}
		}
	}
	st := c.Review.Status
	v.Published = st == claims.StatusPublished
	v.CanEdit = st == claims.StatusNew || st == claims.StatusTriage || st == claims.StatusInProgress || st == claims.StatusDraft ||
		st == claims.StatusAwaitingApproval
	v.CanSubmit = st == claims.StatusDraft
	v.CanPublishNow = st == claims.StatusAwaitingApproval && v.CanPublish
	s.render(w, r, http.StatusOK, "verdict", &v)
}

// actEraseTipster erases the identity behind the claim's tip.
func (s *Server) actEraseTipster(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if s.deps.Reporters == nil || s.index == nil {
		s.writeError(w, r, errUnavailable)
		return
	}
	doc, err := s.index.Get(r.Context(), id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	ref, _ := doc["reporter_ref"].(string)
	if ref == "" {
		s.writeError(w, r, badRequest("the claim does not come from a tip"))
		return
	}
	if err := s.deps.Reporters.DeleteReporter(r.Context(), ref); err != nil {
		s.writeError(w, r, err)
		return
	}
	if isForm(r) {
		http.Redirect(w, r, claimURL(id), http.StatusSeeOther)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"erased": true, "ref": ref})
}

type alertsView struct {
	page
	Subscriptions []SubscriptionView
	// Notice says what the form just posted did (nil on a plain GET).
	Notice *alertsNotice
	// Kinds, Severities and AlertLanguages are the settings form's choices.
	Kinds          []claims.AlertKind
	Severities     []int
	AlertLanguages []string
}

func (s *Server) subscriberView(r *http.Request) ([]SubscriptionView, error) {
	if s.deps.Alerts == nil {
		return []SubscriptionView{}, nil
	}
	subs, err := s.deps.Alerts.SubscriberView(r.Context(), principal(r).User)
	if subs == nil {
		subs = []SubscriptionView{}
	}
	return subs, err
}

// alertsPage is the subscriber view: its subscriptions, alerts and channels.
func (s *Server) alertsPage(w http.ResponseWriter, r *http.Request) {
	subs, err := s.subscriberView(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	v := alertsView{page: s.newPage(r, "alerts_title"), Subscriptions: subs}
	v.fill()
	s.render(w, r, http.StatusOK, "alerts", &v)
}

// fill fills the settings form's choices and renders the alerts page.
func (v *alertsView) fill() {
	v.Kinds = claims.AlertKinds
	for n := claims.MinSeverity; n <= claims.MaxSeverity; n++ {
		v.Severities = append(v.Severities, n)
	}
	v.AlertLanguages = []string{"en", "fr", "pt", "es", "sv", "ar"}
}

func (s *Server) apiAlerts(w http.ResponseWriter, r *http.Request) {
	subs, err := s.subscriberView(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"subscriptions": subs})
}

type adminView struct {
	page
	Users  []account.User
	Tokens []TokenView
	// Model is the matcher's model (nil: not known here).
	Model *ModelView
}

// adminPage lists the accounts and API tokens and links to the audit export.
func (s *Server) adminPage(w http.ResponseWriter, r *http.Request) {
	v := adminView{page: s.newPage(r, "admin_title")}
	if st := s.deps.Accounts; st != nil {
		var err error
		if v.Users, err = st.Users(r.Context()); err != nil {
			s.writeError(w, r, err)
			return
		}
		ts, err := st.Tokens(r.Context(), "")
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		for _, t := range ts {
			v.Tokens = append(v.Tokens, tokenView(t))
		}
	}
	var err error
	if v.Model, err = s.matcherModel(r.Context()); err != nil {
		s.writeError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "admin", &v)
}
