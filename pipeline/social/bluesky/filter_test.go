package bluesky

import (
	"testing"

	"vigie/pipeline/social"
)

func TestContainsWord(t *testing.T) {
	t.Parallel()
	tests := []struct {
		text, kw string
		want     bool
	}{
		{"the vote is today", "vote", true},
		{"devoted fans", "vote", false},
		{"vote!", "vote", true},
		{"votes", "vote", false},
		{"le maire ment", "maire ment", true},
		{"élections municipales", "élections", true},
		{"préélections", "élections", false},
		{"выборы мэра", "выборы", true},
		{"待って天幕のジャードゥーガル観よう", "天幕", true},
		{"a covid-19 claim", "covid-19", true},
		{"covid-190", "covid-19", false},
		{"vote vote devoted", "devoted", true},
		{"", "vote", false},
		{"devote, vote", "vote", true},
	}
	for _, tt := range tests {
		t.Run(tt.text+"/"+tt.kw, func(t *testing.T) {
			if got := containsWord(tt.text, tt.kw); got != tt.want {
				t.Errorf("containsWord(%q, %q) = %v, want %v", tt.text, tt.kw, got, tt.want)
			}
		})
	}
}

func TestFilterMatch(t *testing.T) {
	t.Parallel()
	post := social.Post{AuthorID: "did:plc:a", Text: "Les Élections à Lyon", Tags: []string{"Lyon2026"}}
	tests := []struct {
		name   string
		filter Filter
		langs  []string
		want   bool
	}{
		{name: "empty filter", want: true},
		{name: "keyword case-insensitive", filter: Filter{Keywords: []string{"élections"}}, want: true},
		{name: "keyword absent", filter: Filter{Keywords: []string{"paris"}}, want: false},
		{name: "keyword as hashtag", filter: Filter{Keywords: []string{"#lyon2026"}}, want: true},
		{name: "did", filter: Filter{DIDs: []string{"did:plc:b", "did:plc:a"}}, want: true},
		{name: "other did", filter: Filter{DIDs: []string{"did:plc:b"}}, want: false},
		{name: "language primary subtag", filter: Filter{Languages: []string{"fr"}}, langs: []string{"fr-FR"}, want: true},
		{name: "language region in filter", filter: Filter{Languages: []string{"pt-BR"}}, langs: []string{"pt"}, want: true},
		{name: "other language", filter: Filter{Languages: []string{"de"}}, langs: []string{"fr"}, want: false},
		{name: "no declared language", filter: Filter{Languages: []string{"fr"}}, want: false},
		{name: "all must match", filter: Filter{Keywords: []string{"lyon"}, Languages: []string{"de"}}, langs: []string{"fr"}, want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.filter.compile().post(post, tt.langs); got != tt.want {
				t.Errorf("match = %v, want %v", got, tt.want)
			}
		})
	}
}
