// Package reviewer is the newsroom's web server, the review UI and the JSON
// API under /api/v1 that people work in, whereas the rules it applies are
// its look-alike pipeline/review, the workflow it calls.
//
// It serves the server-rendered review UI (login and two-factor enrolment,
// the queue with facets and live updates, the claim page, the verdict
// editor, the dashboard, the subscriber's alerts), the JSON API that does
// everything the UI does, and the health endpoints /healthz and /readyz.
//
// Server.Routes declares every route with who may call it (account.Route),
// beside its handler; the serving process builds its account.Policy from the
// routes it serves, and Handler serves those routes only, each through the
// policy, so none escapes the role check. The handler expects
// account.Authenticator.Middleware (and cross-origin protection) around it:
// it reads the principal from the request context.
//
// Review actions go to the review.Workflow with the claim revision the
// actor saw; a stale revision is answered 409 with the field-level
// difference (JSON for the API, a table for a form). The UI's forms post to
// the same /api/v1 routes as API clients and get a 303 back to the page.
//
// Pages are html/template with a small script for progressive enhancement
// (the "N new claims" banner fed by server-sent events); nothing needs a
// JavaScript build or an outside service. UI strings are in en, fr, pt, es,
// sv and ar (right-to-left), chosen by ?lang=, the switch's cookie, the
// user's setting, then Accept-Language. Element ids that browser tests rely
// on are listed in TESTIDS.md; the API is documented in docs/api.md.
package reviewer
