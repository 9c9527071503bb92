// Package locality is the gazetteer of municipalities and the matcher that
// finds them named in a text.
//
// A locality code is an ISO 3166-1 alpha-2 country code, '-', and the
// national official code: FR-75056 (INSEE), PT-1312 (DICO), BR-3550308
// (IBGE), SE-0180 (kommunkod); the national part may hold digits, capital
// letters and dots (FR-2A004, MA-CS.CB).
//
// ReadCSV imports "code,name,aliases,region" rows (aliases separated by
// '|'). A Matcher indexes every name and alias as a sequence of folded
// tokens (Unicode letters and digits, case and diacritics folded, so
// "Saint-Étienne", "saint etienne" and "SAINT ÉTIENNE" are one name) in a
// token trie, and finds the longest names at word boundaries in one pass
// over the text. One-word names need a capital initial by default, since
// many communes share their name with a common word ("Tours", "Maire");
// see Options. A name shared by several localities (Porto, Valence) is
// resolved, in this order, by a region named next to it in the text
// ("Valence (Drôme)"), by the source's own localities, by the source's
// region (given, or that of its localities) and by its country; otherwise
// it is reported as ambiguous, never silently picked.
//
// The package is pure: no I/O beyond the io.Reader given to ReadCSV, and
// everything is safe for concurrent use once built.
package locality
