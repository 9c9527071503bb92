// Package link turns article URLs into a canonical form, so that the same
// article reached through different feeds, trackers or spellings gets one
// identity.
//
// Canonical drops tracking parameters (utm_*, fbclid, gclid and a few
// siblings) and the fragment, lower-cases scheme and host, converts
// internationalised host names to their ASCII (punycode) form, removes
// default ports, dot segments and empty queries, and sorts the remaining
// query parameters by name. Resolve first resolves a possibly relative
// reference against a base such as the feed URL.
package link
