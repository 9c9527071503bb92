// Package eval reads the evaluation formats of ../shared/datasets and
// computes the claims engine's quality measures: for claim matching MAP@k
// (as the CheckThat! 2020 scorer defines it), MRR, P@1 with a bootstrap
// confidence interval; for check-worthiness MAP averaged over groups, P@10
// and F1 of the positive class. Everything is deterministic.
package eval
