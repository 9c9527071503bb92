package feed

import (
	"reflect"
	"testing"
)

func TestDiscover(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, page string
		want       []string
	}{
		{"rss and atom", `<html><head><title>x</title>
<link rel="alternate" type="application/rss+xml" title="RSS" href="/feed/?utm_source=x">
<link rel="Alternate" type="application/atom+xml; charset=utf-8" href="https://Site.example:443/atom.xml">
<link rel="stylesheet" href="/s.css"><link rel="alternate" hreflang="fr" href="/fr/">
</head><body><link rel="alternate" type="application/rss+xml" href="/ignored-in-body"></body></html>`,
			[]string{"https://site.example/feed/", "https://site.example/atom.xml"}},
		{"json feed and base", `<head><base href="https://cdn.example/sub/"><link rel="alternate" type="application/feed+json" href="feed.json"></head>`,
			[]string{"https://cdn.example/sub/feed.json"}},
		{"duplicates and javascript dropped", `<head><link rel="alternate" type="application/rss+xml" href="/f"><link rel="alternate" type="application/rss+xml" href="/f#x"><link rel="alternate" type="application/rss+xml" href="javascript:alert(1)"></head>`,
			[]string{"https://site.example/f"}},
		{"none", `<html><head><title>no feed</title></head></html>`, nil},
		{"not html", "\x00\x01garbage", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Discover([]byte(tc.page), "https://site.example/page")
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("Discover = %q, want %q", got, tc.want)
			}
		})
	}
}
