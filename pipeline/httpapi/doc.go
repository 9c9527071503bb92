// Package httpapi is how Vigie's HTTP services answer in JSON: the one JSON
// writer (WriteJSON) and the one table that turns an error into a response
// (ProblemOf, WriteError): its status, the message its user sees and what the
// body or headers carry besides (the fields at fault, the conflicting
// revision, Retry-After).
//
// The table matches errors by kind with errors.Is and errors.As: the domain
// errors of the pipeline (review, account, subscription, index, disk) and the
// kinds a handler raises itself with Errorf (ErrBadRequest, ErrNotFound,
// ErrUnavailable, …). An error of no kind in the table is a 500 "internal
// error" whose cause only the server's log shows.
//
// Every error body is {"error": message}; fields are only ever added to it
// (docs/api.md).
package httpapi
