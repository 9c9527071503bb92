// Package worthiness scores how check-worthy a sentence is, in [0,1], from
// interpretable features (numbers, percentages, comparatives and
// superlatives, named-entity-like spans, attribution and claim verbs, time
// expressions, predictions, questions, first-person experience, length) plus
// learned lexical weights. Every score carries its top contributing features.
package worthiness
