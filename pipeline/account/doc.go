// Package account holds Vigie's accounts and the checks built on them:
// users and their roles, argon2id password hashes, TOTP two-factor login,
// browser sessions, API tokens, a login rate limit, the HTTP middleware that
// resolves a request's principal, and the authorisation policy that says
// which role may call which route.
//
// State lives in three JetStream KV buckets (see Buckets): users by name,
// sessions and API tokens by the SHA-256 of their secret, so that a copy of
// the buckets gives no usable credential. User records are updated with the
// KV revision they were read at, so two administrators never silently
// overwrite each other (ErrConflict), and internal changes (password, TOTP
// step) retry on a conflict instead of losing the other write.
//
// Choices:
//   - Passwords: argon2id with OWASP's m=19 MiB, t=2, p=1 (PasswordParams),
//     12 to 1024 characters; hashes made with older parameters are redone at
//     the next successful login. Unknown users cost the same hash as known ones.
//   - TOTP: RFC 6238, SHA-1, 6 digits, 30 s, ±1 step; the last accepted step is
//     stored, so a code (or an earlier one) is never accepted twice, even by two
//     concurrent logins. Policy: Config.RequireTOTP(role); a user of such a role
//     who has not enrolled gets a session limited to enrolment (MustEnrolTOTP).
//   - Sessions: 256-bit random ids in an HttpOnly, SameSite=Lax, Secure cookie;
//     idle and absolute expiry checked on each use; last use written at most
//     once a minute; ended on logout, password change, role change, disable.
//   - API tokens: "vig_" + 43 base64url characters (256 bits), shown once;
//     scope read (safe methods only) or full (the owner's role); they follow
//     the owner's current role and stop when the owner is disabled.
//   - Login rate limit: token buckets per user name and per client address
//     (IPv6 per /64), with an injected clock; the refusal says when to retry.
//   - Cross-origin protection: net/http's CrossOriginProtection (Sec-Fetch-Site,
//     Origin), which lets non-browser clients through.
//   - Authorisation: a Policy of route patterns to roles, default deny, built
//     from the routes the services declare (Route: pattern, access, handler)
//     where they register their handlers; a mux built from it (Policy.Mux)
//     serves declared routes only, each through the check.
//
// The roles and their families are defined in package claims (RoleAdmin,
// RoleEditor, RoleFactChecker, RoleSubscriber); an anonymous request has no
// principal (RoleAnonymous in a Policy).
package account
