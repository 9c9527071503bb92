package matcher

import (
	"strings"

	"go.uber.org/zap"

	"vigie/claims"
	"vigie/claims/locality"
)

// localities returns the localities item it is about: the places it names
// (Options.Places) and its source's localities only where it names no
// place outside them; none when it names only places abroad. Names too
// ambiguous to settle are logged and counted, never guessed.
func (s *Service) localities(it claims.Item) []string {
	src := locality.Source{Localities: it.Localities}
	if len(it.Localities) > 0 {
		src.Country, _, _ = strings.Cut(it.Localities[0], "-")
	}
	c := locality.Concerns(s.opts.Places, it.Title+"\n"+it.Text, src)
	s.opts.Metrics.LocalityDecision(c.Basis, len(c.Ambiguous) > 0)
	if len(c.Ambiguous) > 0 || (c.Basis != locality.BasisSource && c.Basis != locality.BasisNone && len(c.Outside) > 0) {
		names := make([]string, len(c.Ambiguous))
		for i, a := range c.Ambiguous {
			names[i] = a.Text + " (" + strings.Join(a.Candidates, "|") + ")"
		}
		s.log.Info("item localities", zap.String("item_id", it.ID), zap.String("basis", c.Basis),
			zap.Strings("source_localities", it.Localities), zap.Strings("localities", c.Codes),
			zap.Strings("outside", c.Outside), zap.Strings("ambiguous", names))
	}
	return c.Codes
}
