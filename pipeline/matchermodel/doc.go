// Package matchermodel keeps the workspace's choice of the matcher's
// re-ranking model: the shipped one (claims/match's committed model) or a
// model file the newsroom trained on its own judgements (`vigie train
// matcher --judgements`). The choice lives in one key of the
// vigie_settings bucket with the model itself, so that every matcher
// process, wherever it runs, uses the same model; it keeps the choice it
// replaced, so a switch is undone in one step. Distinct from claims/match,
// which defines and runs a model, and from services/matcher, which follows
// this setting.
package matchermodel
