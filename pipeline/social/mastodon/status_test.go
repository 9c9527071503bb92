package mastodon

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"vigie/pipeline/social"
	"vigie/pipeline/social/socialtest"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// fixturePosts reads a fixture (an array of statuses, one status, or the
// SSE capture) and maps every status it holds to a Post.
func fixturePosts(t *testing.T, name string) []social.Post {
	t.Helper()
	b := readFixture(t, name)
	var posts []social.Post
	switch {
	case strings.HasSuffix(name, ".txt"):
		err := readSSE(bytes.NewReader(b), nil, func(ev sseEvent) error {
			if ev.Event != "update" && ev.Event != "status.update" {
				return nil
			}
			s, err := decodeStatus([]byte(ev.Data))
			if err != nil {
				t.Fatalf("decode %s event: %v", ev.Event, err)
			}
			posts = append(posts, s.toPost())
			return nil
		})
		if err != nil && err.Error() != "EOF" {
			t.Fatal(err)
		}
	case bytes.HasPrefix(bytes.TrimSpace(b), []byte("[")):
		for _, s := range loadFixtureStatuses(t, name) {
			posts = append(posts, s.toPost())
		}
	default:
		s, err := decodeStatus(b)
		if err != nil {
			t.Fatal(err)
		}
		posts = append(posts, s.toPost())
	}
	return posts
}

func TestStatusGolden(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		fixture string
		posts   int
	}{
		{name: "public_timeline", fixture: "bigbone_public_timeline.json", posts: 20},
		{name: "tag_timeline", fixture: "bigbone_tag_timeline.json", posts: 20},
		{name: "status", fixture: "bigbone_status.json", posts: 1},
		{name: "status_with_poll", fixture: "bigbone_status_with_poll.json", posts: 1},
		{name: "status_with_previewcard", fixture: "bigbone_status_with_previewcard.json", posts: 1},
		{name: "docs_status_example", fixture: "mastodon_docs_entity_status_example.json", posts: 1},
		{name: "streaming_sse_events", fixture: "mastodon_docs_streaming_sse_events.txt", posts: 9},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			posts := fixturePosts(t, tt.fixture)
			if len(posts) != tt.posts {
				t.Fatalf("got %d posts, want %d", len(posts), tt.posts)
			}
			for i, p := range posts {
				if p.ID == "" || p.SourceID == "" || p.Author == "" || p.Created.IsZero() {
					t.Errorf("post %d lacks identity: %+v", i, p)
				}
				socialtest.CheckPost(t, p)
			}
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			enc.SetIndent("", "  ")
			if err := enc.Encode(posts); err != nil {
				t.Fatal(err)
			}
			got := buf.Bytes()
			golden := filepath.Join("testdata", "golden", tt.name+".golden.json")
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("read golden (run with -update to create): %v", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("posts differ from %s (run with -update after checking):\n%s", golden, firstDiff(string(want), string(got)))
			}
		})
	}
}

func firstDiff(want, got string) string {
	ws, gs := bufio.NewScanner(strings.NewReader(want)), bufio.NewScanner(strings.NewReader(got))
	for line := 1; ; line++ {
		wok, gok := ws.Scan(), gs.Scan()
		if !wok && !gok {
			return "(no line differs)"
		}
		if ws.Text() != gs.Text() || wok != gok {
			return "line " + itoa(line) + ":\n- " + ws.Text() + "\n+ " + gs.Text()
		}
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func TestStatusToPost(t *testing.T) {
	t.Parallel()
	t.Run("fields of the docs example", func(t *testing.T) {
		p := fixturePosts(t, "mastodon_docs_entity_status_example.json")[0]
		want := social.Post{
			ID:       "https://mastodon.social/users/Gargron/statuses/103270115826048975",
			SourceID: "103270115826048975",
			URL:      "https://mastodon.social/@Gargron/103270115826048975",
			Author:   "Gargron",
			AuthorID: "https://mastodon.social/@Gargron",
			Language: "en",
			Text:     "\"I lost my inheritance with one wrong digit on my sort code\"\n\nhttps://www.theguardian.com/money/2019/dec/07/i-lost-my-193000-inheritance-with-one-wrong-digit-on-my-sort-code",
		}
		if p.ID != want.ID || p.SourceID != want.SourceID || p.URL != want.URL || p.Author != want.Author ||
			p.AuthorID != want.AuthorID || p.Language != want.Language || p.Text != want.Text {
			t.Errorf("got %+v\nwant %+v", p, want)
		}
		if got := p.Created.Format("2006-01-02T15:04:05.000Z07:00"); got != "2019-12-08T03:48:33.901Z" {
			t.Errorf("created = %s", got)
		}
		if p.Edited != nil || p.BoostOf != "" || p.Deleted {
			t.Errorf("unexpected edit/boost/delete: %+v", p)
		}
		if len(p.Links) != 1 || !strings.HasPrefix(p.Links[0], "https://www.theguardian.com/") {
			t.Errorf("links = %q", p.Links)
		}
	})
	t.Run("boost maps to the original", func(t *testing.T) {
		b, err := os.ReadFile(filepath.Join("testdata", "boost.json"))
		if err != nil {
			t.Fatal(err)
		}
		s, err := decodeStatus(b)
		if err != nil {
			t.Fatal(err)
		}
		p := s.toPost()
		socialtest.CheckPost(t, p)
		if p.ID != "https://mastodon.social/users/Gargron/statuses/103270115826048975" {
			t.Errorf("ID = %q, want the original's URI", p.ID)
		}
		if p.BoostOf != "https://mastodon.example/users/booster/statuses/103270115826048980/activity" {
			t.Errorf("BoostOf = %q, want the boost's URI", p.BoostOf)
		}
		if p.SourceID != "103270115826048980" {
			t.Errorf("SourceID = %q, want the boost's id (the one timelines page on)", p.SourceID)
		}
		if p.Author != "Gargron" || p.BoostedBy != "booster@mastodon.example" {
			t.Errorf("author = %q boosted by %q", p.Author, p.BoostedBy)
		}
		if !strings.HasPrefix(p.Text, "\"I lost my inheritance") || p.Language != "en" {
			t.Errorf("text/lang not the original's: %q %q", p.Text, p.Language)
		}
	})
	t.Run("edit keeps the id and sets edited", func(t *testing.T) {
		var edited *social.Post
		for _, p := range fixturePosts(t, "mastodon_docs_streaming_sse_events.txt") {
			if p.Edited != nil {
				edited = &p
				break
			}
		}
		if edited == nil {
			t.Fatal("no edited status in the SSE capture")
		}
		if edited.ID == "" || !edited.Edited.After(edited.Created) {
			t.Errorf("edit: id %q created %s edited %s", edited.ID, edited.Created, edited.Edited)
		}
	})
	t.Run("poll options join the text", func(t *testing.T) {
		p := fixturePosts(t, "bigbone_status_with_poll.json")[0]
		var s struct {
			Poll struct {
				Options []struct{ Title string } `json:"options"`
			} `json:"poll"`
		}
		if err := json.Unmarshal(readFixture(t, "bigbone_status_with_poll.json"), &s); err != nil {
			t.Fatal(err)
		}
		if len(s.Poll.Options) == 0 {
			t.Fatal("fixture has no poll options")
		}
		for _, o := range s.Poll.Options {
			if !strings.Contains(p.Text, o.Title) {
				t.Errorf("text %q lacks poll option %q", p.Text, o.Title)
			}
		}
	})
}

func TestStatusSanitize(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile(filepath.Join("testdata", "hostile_status.json"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := decodeStatus(b)
	if err != nil {
		t.Fatal(err)
	}
	p := s.toPost()
	socialtest.CheckPost(t, p)
	lower := strings.ToLower(p.HTML)
	for _, bad := range []string{"<script", "onclick", "onmouseover", "onerror", "javascript:", "data:text", "<iframe", "<svg", "style=", "document.cookie"} {
		if strings.Contains(lower, bad) {
			t.Errorf("sanitized HTML keeps %q: %s", bad, p.HTML)
		}
	}
	for _, keep := range []string{"<p>", "<b>ment</b>", `href="https://ok.example/a"`, "nofollow", "noopener"} {
		if !strings.Contains(p.HTML, keep) {
			t.Errorf("sanitized HTML lost %q: %s", keep, p.HTML)
		}
	}
	if strings.Contains(p.Text, "document") || strings.Contains(p.Text, "alert") {
		t.Errorf("text keeps script content: %q", p.Text)
	}
	if want := "Le maire ment\n\nclic sourcebc"; p.Text != want {
		t.Errorf("text = %q, want %q", p.Text, want)
	}
	if len(p.Links) != 1 || p.Links[0] != "https://ok.example/a" {
		t.Errorf("links = %q, want only the https one", p.Links)
	}
}

func BenchmarkStatusToPost(b *testing.B) {
	statuses := loadFixtureStatuses(b, "bigbone_tag_timeline.json")
	b.ReportAllocs()
	for b.Loop() {
		for _, s := range statuses {
			_ = s.toPost()
		}
	}
}
