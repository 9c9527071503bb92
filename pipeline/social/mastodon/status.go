package mastodon

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"vigie/pipeline/social"
)

// status is the subset of the Mastodon Status entity the client reads.
type status struct {
	ID          string     `json:"id"`
	URI         string     `json:"uri"`
	URL         *string    `json:"url"`
	CreatedAt   time.Time  `json:"created_at"`
	EditedAt    *time.Time `json:"edited_at"`
	Content     string     `json:"content"`
	SpoilerText string     `json:"spoiler_text"`
	Language    *string    `json:"language"`
	Account     account    `json:"account"`
	Reblog      *status    `json:"reblog"`
	Tags        []struct {
		Name string `json:"name"`
	} `json:"tags"`
	Poll *struct {
		Options []struct {
			Title string `json:"title"`
		} `json:"options"`
	} `json:"poll"`
}

type account struct {
	ID   string `json:"id"`
	Acct string `json:"acct"`
	URL  string `json:"url"`
}

// decodeStatus parses one Status entity.
func decodeStatus(data []byte) (status, error) {
	var s status
	if err := json.Unmarshal(data, &s); err != nil {
		return status{}, fmt.Errorf("decode status: %w", err)
	}
	if s.ID == "" {
		return status{}, fmt.Errorf("decode status: missing id")
	}
	return s, nil
}

// toPost maps a status to a Post. A boost is mapped to the boosted status:
// ID, author and content are the original's, BoostOf is the boost's URI and
// SourceID the boost's id (the one timelines page and deletes refer to).
func (s status) toPost() social.Post {
	if s.Reblog != nil {
		p := s.Reblog.toPost()
		p.SourceID = s.ID
		p.BoostOf = s.URI
		if p.BoostOf == "" {
			p.BoostOf = s.ID
		}
		p.BoostedBy = s.Account.Acct
		return p
	}
	conv := HTMLToText(s.Content)
	text := conv.Text
	if cw := strings.TrimSpace(s.SpoilerText); cw != "" {
		text = strings.TrimSpace(cw + "\n\n" + text)
	}
	if s.Poll != nil {
		var opts []string
		for _, o := range s.Poll.Options {
			if t := strings.TrimSpace(o.Title); t != "" {
				opts = append(opts, t)
			}
		}
		if len(opts) > 0 {
			text = strings.TrimSpace(text + "\n\n" + strings.Join(opts, "\n"))
		}
	}
	p := social.Post{
		ID:       s.URI,
		SourceID: s.ID,
		Author:   s.Account.Acct,
		AuthorID: s.Account.URL,
		Text:     text,
		HTML:     social.SanitizeHTML(s.Content),
		Created:  s.CreatedAt.UTC(),
		Links:    conv.Links,
	}
	if p.ID == "" {
		p.ID = s.ID
	}
	if p.AuthorID == "" {
		p.AuthorID = s.Account.ID
	}
	if s.URL != nil {
		p.URL = *s.URL
	}
	if s.Language != nil {
		p.Language = *s.Language
	}
	if s.EditedAt != nil && !s.EditedAt.IsZero() {
		t := s.EditedAt.UTC()
		p.Edited = &t
	}
	for _, t := range s.Tags {
		if t.Name != "" {
			p.Tags = append(p.Tags, t.Name)
		}
	}
	if len(p.Tags) == 0 {
		p.Tags = conv.Tags
	}
	return p
}
