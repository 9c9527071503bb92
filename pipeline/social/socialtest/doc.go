// Package socialtest is the contract every social source's output must
// meet, for use in the sources' tests: CheckPost validates one social.Post.
package socialtest
