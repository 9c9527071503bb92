// Package review is the review workflow, the rules and the record of what
// fact-checkers and editors do to a claim, applied over NATS with no HTTP,
// whereas its look-alike services/reviewer is the web UI and JSON API
// through which people call it.
//
// It applies the statuses and their moves (the vocabulary of package
// claims) and keeps the claim revisions, the audit events and the verdict
// versions.
//
// # Actions and roles
//
// A Workflow runs actions on claims. Each takes the actor (user name and
// role), the claim id and the revision the actor saw (0 for a claim nobody
// has acted on). Fact-checkers, editors and admins assign, change status,
// write notes, mark duplicates, merge, draft a verdict and submit it; only
// editors and admins publish, correct and retract. The statuses, the
// actions, who may make them and from which status are the newsroom's
// vocabulary, defined in package claims (claims.ReviewStatus,
// claims.ReviewAction, claims.CanMove); this package applies them. Statuses
// move new → triage → in_progress → draft → awaiting_approval → published,
// or to dismissed, or to duplicate (of another claim); SetStatus makes the
// moves claims.CanMove allows, while draft, awaiting_approval and published are
// reached through DraftVerdict, SubmitVerdict and PublishVerdict, duplicate
// through MarkDuplicate and Merge. Refusals are typed: *ForbiddenError
// (ErrForbidden), *TransitionError (ErrTransition), ErrInvalid.
//
// # Concurrency
//
// The claim's state (claims.ReviewState, encoded by pipeline/codec as a
// protobuf ClaimState) is in the vigie_review bucket under the claim id (the
// indexer reads it there). An action made against a
// revision that is not the current one is refused with a *ConflictError that
// carries the current state and revision, the field-level difference from
// what the actor saw (claim and verdict fields) and the events recorded
// since: nothing is ever overwritten silently. Two writes enforce it: the
// event append expects the claim subject's last sequence, and the bucket
// update expects the revision.
//
// # Audit and consistency across a crash
//
// Every action is a ReviewEvent on vigie.review.<claim> (the REVIEW stream
// is the audit log). The event is the commit point: it is written first,
// then applied. Its id is EventID(claim, revision) — deterministic from the
// claim and the revision the action was made against — and is the message's
// Nats-Msg-Id, so a retried append is de-duplicated. The append also sets
// Nats-Expected-Last-Subject-Sequence to the claim's last event, so of two
// actors acting on one revision only one is recorded, however late the
// second comes (the de-duplication window alone would not ensure that).
//
// Applying an event makes its effects in this order, each idempotent: the
// verdict record (written only if the stored one does not come from a later
// event), the published version's record, the announcement on VERDICTS
// (Nats-Msg-Id per verdict, version, state and locality), the fact-check
// record (put, or deleted on retraction), and last the claim's state with a
// compare-and-set on the event's revision. Since the bucket revision only
// grows, "the last event's revision equals the bucket's revision" means
// exactly "recorded but not applied": every read of a claim (Get, every
// action) checks this and applies the event first, and Reconcile does it
// for all claims at start. A crash at any point thus leaves either no event
// (nothing happened) or an event that the next reader completes; an event
// merely in flight may be applied by both its writer and a reader, which is
// harmless (the loser of the bucket update finds it applied). Replaying the
// events' after states reproduces the bucket's state. A client that retries
// an action after a crash or a lost reply, with the revision it sent the
// first time, gets the recorded result back rather than a conflict or a
// second event (same actor, action and computed change).
//
// Known limit: the verdict record is guarded by the revision of the event
// that wrote it, but the fact-check put/delete is not; a reader re-applying
// a publication at the very moment a retraction of the same verdict is
// applied could, in theory, re-add the fact-check record. The window needs
// an event in flight, a concurrent reader and a retraction in one instant.
//
// What ClaimState and ReviewEvent have no field for (the actor's role, the
// action's detail, the verdict after a verdict action) travels in the event
// message's Vigie-Review-Ext header, so that each event is self-contained.
//
// # Verdicts
//
// A verdict's id is its claim's id. The vigie_verdicts bucket holds the
// current record under the id and each published version under
// "<id>.v<version>" (JSON of claims.Verdict). Publication, each correction (a
// new version with a public note) and retraction publish the verdict (a
// VERDICTS message, encoded by pipeline/codec) on
// vigie.verdicts.<locality token> (one per locality, or
// vigie.verdicts.none) and update the fact-check store: the fact-check
// Site.FactCheck under FactCheckKey ("verdict.<id>") in vigie_factchecks,
// which a retraction deletes. Site.Publish converts a verdict for pages and
// feeds.
//
// Only a Workflow writes vigie_review: another writer would break the
// one-event-per-revision chain.
package review
