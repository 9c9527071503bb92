package config

import (
	"bytes"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/goccy/go-yaml"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
	"unicode"
)

// Config is the whole configuration. Tags: yaml is the key, default its
// default value, doc its description.
type Config struct {
	Data        string        `yaml:"data" default:"./vigie-data" doc:"Folder holding JetStream files, the embedded index and credentials."`
	DataMinFree int64         `yaml:"data_min_free_bytes" default:"268435456" doc:"Free space kept on the data folder's disk: below it, new items (feeds, posts, tips, imports) are refused with an error naming the folder and /readyz fails, while items already accepted are still processed; 0 disables the check."`
	Services    []string      `yaml:"services" doc:"Services this process runs (ingester, matcher, indexer, reviewer, alerter, publisher; comma-separated in the environment); empty runs all."`
	HTTP        HTTP          `yaml:"http"`
	NATS        NATS          `yaml:"nats"`
	Fetch       Fetch         `yaml:"fetch"`
	Index       Index         `yaml:"index"`
	Meili       Meili         `yaml:"meili"`
	Matcher     Matcher       `yaml:"matcher"`
	Log         Log           `yaml:"log"`
	Intake      Intake        `yaml:"intake"`
	Bluesky     Bluesky       `yaml:"bluesky"`
	Site        Site          `yaml:"site"`
	Auth        Auth          `yaml:"auth"`
	Alerts      Alerts        `yaml:"alerts"`
	Retention   Retention     `yaml:"retention"`
	Sources     []Source      `yaml:"sources" doc:"Sources to ingest (list; see the source keys below)."`
	FactChecks  []string      `yaml:"factchecks" doc:"Fact-check files loaded at start by every matcher (ClaimReview JSON-LD, Fact Check Tools JSON, CSV, or TSV id, text, title)."`
	Localities  Localities    `yaml:"localities"`
	Shutdown    ShutdownLimit `yaml:"shutdown"`
}

// HTTP configures the web server.
type HTTP struct {
	Addr string `yaml:"addr" default:"127.0.0.1:8080" doc:"Address the review UI and API listen on."`
}

// NATS configures the bus.
type NATS struct {
	URL             []string `yaml:"url" doc:"External NATS server URLs (comma-separated in the environment); empty runs an embedded server."`
	User            string   `yaml:"user" doc:"User for an external NATS server."`
	PasswordFile    string   `yaml:"password_file" doc:"File holding the password for an external NATS server."`
	CredsFile       string   `yaml:"creds_file" doc:"NATS credentials file (JWT and nkey seed) for an external server."`
	NkeyFile        string   `yaml:"nkey_file" doc:"File holding an nkey seed for an external server."`
	TLSCA           string   `yaml:"tls_ca" doc:"PEM file of the CA that signs the NATS servers' certificates."`
	TLSCert         string   `yaml:"tls_cert" doc:"PEM client certificate for mutual TLS with NATS."`
	TLSKey          string   `yaml:"tls_key" doc:"PEM private key of the client certificate."`
	Port            int      `yaml:"port" default:"-1" doc:"Port of the embedded server on 127.0.0.1; -1 picks a free one."`
	Replicas        int      `yaml:"replicas" default:"1" doc:"Replicas of every stream and bucket (3 on a cluster)."`
	DuplicateWindow Duration `yaml:"duplicate_window" default:"2m" doc:"JetStream de-duplication window of Nats-Msg-Id."`
	MaxDeliver      int      `yaml:"max_deliver" default:"5" doc:"Deliveries of a failing message before it goes to vigie.dlq.<stage>."`
	AckWait         Duration `yaml:"ack_wait" default:"30s" doc:"How long a delivered message may stay unacknowledged before redelivery."`
}

// Fetch configures fetching of sources.
type Fetch struct {
	AllowPrivateNetworks bool     `yaml:"allow_private_networks" default:"false" doc:"Allow fetching from loopback, private and link-local addresses (all sources)."`
	Timeout              Duration `yaml:"timeout" default:"30s" doc:"Deadline of a whole request."`
	ConnectTimeout       Duration `yaml:"connect_timeout" default:"10s" doc:"Deadline of a connection."`
	MaxBodyBytes         int64    `yaml:"max_body_bytes" default:"10485760" doc:"Largest body accepted, counted after decompression."`
	MaxRedirects         int      `yaml:"max_redirects" default:"5" doc:"Most redirects followed."`
	UserAgent            string   `yaml:"user_agent" default:"Vigie/0.1 (+https://github.com/vigie)" doc:"User-Agent sent with every request."`
	Interval             Duration `yaml:"interval" default:"10m" doc:"Default polling interval of a source."`
	PerHost              int      `yaml:"per_host" default:"2" doc:"Most concurrent requests to one host."`
	MaxFailures          int      `yaml:"max_failures" default:"10" doc:"Consecutive failures after which a source is disabled."`
	BackoffBase          Duration `yaml:"backoff_base" default:"1m" doc:"Delay before retrying a source after its first failure; doubles with each failure (with jitter)."`
	BackoffMax           Duration `yaml:"backoff_max" default:"24h" doc:"Longest delay between retries of a failing source."`
}

// Index configures the search index.
type Index struct {
	Backend       string   `yaml:"backend" default:"bleve" doc:"Search backend: bleve (embedded) or meilisearch."`
	BatchSize     int      `yaml:"batch_size" default:"500" doc:"Most documents written in one batch."`
	FlushInterval Duration `yaml:"flush_interval" default:"200ms" doc:"Longest wait before a partial batch is written."`
}

// Meili configures the Meilisearch backend.
type Meili struct {
	URL     string `yaml:"url" doc:"Meilisearch URL, when index.backend is meilisearch."`
	KeyFile string `yaml:"key_file" doc:"File holding the Meilisearch key; the key never reaches a browser."`
	Index   string `yaml:"index" default:"claims" doc:"Meilisearch index uid."`
}

// Matcher configures the claims engine.
type Matcher struct {
	SuggestThreshold    float64 `yaml:"suggest_threshold" default:"0.70" doc:"Match score from which a match is suggested to reviewers."`
	AutoThreshold       float64 `yaml:"auto_threshold" default:"0.875" doc:"Match score from which a match counts as automatic (flags the claim)."`
	WorthinessThreshold float64 `yaml:"worthiness_threshold" default:"0.5" doc:"Check-worthiness from which a sentence enters the queue; the workspace's threshold."`
	KeepLowPriority     bool    `yaml:"keep_low_priority" default:"true" doc:"Keep the sentences under the threshold that could be claims, searchable and in the queue's low-priority view (nothing dropped in silence)."`
}

// Localities configures locality detection.
type Localities struct {
	Gazetteers []string `yaml:"gazetteers" doc:"Gazetteer CSV files (code,name,aliases,region) whose names are found in item texts."`
}

// Site describes the public site.
type Site struct {
	BaseURL   string `yaml:"base_url" doc:"Public root URL of this Vigie, as readers reach it through the TLS proxy: verdict pages and their ClaimReview url, feeds, CAP, links in alerts are built from it; default http:// + http.addr (a server listening beyond loopback warns at start)."`
	Publisher string `yaml:"publisher" default:"Vigie newsroom" doc:"Name of the newsroom that publishes verdicts (ClaimReview author, feeds)."`
}

// Auth configures accounts and sessions.
type Auth struct {
	TOTPRequired   bool     `yaml:"totp_required" default:"false" doc:"Require two-factor login (TOTP) for admins and editors."`
	SessionIdle    Duration `yaml:"session_idle" default:"12h" doc:"A session ends after this long without use."`
	SessionMax     Duration `yaml:"session_max" default:"168h" doc:"A session ends this long after login, used or not."`
	TrustedOrigins []string `yaml:"trusted_origins" doc:"Extra origins allowed to send state-changing requests (cross-origin protection)."`
	TrustedProxies []string `yaml:"trusted_proxies" doc:"Proxies (CIDR) whose X-Forwarded-For gives the client address for login rate limits."`
}

// Retention bounds how long raw content is kept.
type Retention struct {
	ItemsDays int `yaml:"items_days" default:"0" doc:"Purge raw items and their unreviewed claims older than this many days from the streams and the index (0 keeps them); verdicts and the audit log are kept."`
}

// Alerts configures alerting.
type Alerts struct {
	Window               Duration `yaml:"window" default:"24h" doc:"At most one flagged and one trending alert per subscription and cluster in this window."`
	TrendingItems        int      `yaml:"trending_items" default:"5" doc:"Items of one cluster in a window that make it trend."`
	TrendingSources      int      `yaml:"trending_sources" default:"3" doc:"Distinct sources those items must come from."`
	RequireConfirmation  bool     `yaml:"require_confirmation" default:"false" doc:"Alert on flagged claims only once a reviewer confirmed them (a published verdict)."`
	AllowPrivateNetworks bool     `yaml:"allow_private_networks" default:"false" doc:"Let webhooks reach loopback and private addresses."`
}

// Bluesky locates the Bluesky services.
type Bluesky struct {
	JetstreamURL string `yaml:"jetstream_url" default:"wss://jetstream2.us-east.bsky.network/subscribe" doc:"Jetstream WebSocket endpoint."`
	AppViewURL   string `yaml:"appview_url" default:"https://public.api.bsky.app" doc:"AppView used to resolve handles to DIDs."`
}

// Intake configures the signed tipline intake (POST /api/v1/intake).
type Intake struct {
	SecretFile   string `yaml:"secret_file" doc:"File holding the Standard Webhooks secret(s) (whsec_…, one per line) that sign tips; empty disables the intake."`
	MaxBodyBytes int64  `yaml:"max_body_bytes" default:"65536" doc:"Largest tip body accepted; larger bodies get 413."`
}

// Log configures logging.
type Log struct {
	Level  string `yaml:"level" default:"info" doc:"Log level: debug, info, warn, error."`
	Format string `yaml:"format" default:"console" doc:"Log format: console or json."`
}

// ShutdownLimit bounds the ordered shutdown.
type ShutdownLimit struct {
	Timeout Duration `yaml:"timeout" default:"20s" doc:"Deadline of the ordered shutdown; a second signal exits at once."`
}

// Source is one source to ingest.
type Source struct {
	ID                   string   `yaml:"id" doc:"Immutable slug used in subjects; defaults to a slug of the name."`
	Name                 string   `yaml:"name" doc:"Human name."`
	Kind                 string   `yaml:"kind" default:"feed" doc:"feed, mastodon or bluesky."`
	URL                  string   `yaml:"url" doc:"Feed URL; a Mastodon timeline address (https://instance/tags/x, /@account, /public/local); a Bluesky address (https://bsky.app/profile/…, /hashtag/…, /search?q=… with lang:xx)."`
	Language             string   `yaml:"language" doc:"Language hint when the feed gives none."`
	Localities           []string `yaml:"localities" doc:"Municipality codes (FR-75056, PT-1312, …)."`
	Interval             Duration `yaml:"interval" doc:"Polling interval; defaults to fetch.interval."`
	AllowPrivateNetworks bool     `yaml:"allow_private_networks" default:"false" doc:"Allow this source on private addresses."`
}

// Duration is a time.Duration written as "10m", "30s" in YAML and the environment.
type Duration time.Duration

// D returns the time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

// String formats d like time.Duration.
func (d Duration) String() string { return time.Duration(d).String() }

// UnmarshalText parses "10m", "1h30m".
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(strings.TrimSpace(string(b)))
	if err != nil {
		return fmt.Errorf("invalid duration %q", string(b))
	}
	*d = Duration(v)
	return nil
}

// MarshalText formats d like time.Duration.
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// Default returns the configuration with every default applied.
func Default() Config {
	var c Config
	if err := applyDefaults(&c); err != nil {
		panic(err) // defaults are compile-time constants; a bad one is a programming error caught by tests
	}
	return c
}

// Load builds the configuration: defaults, then the YAML file (if path is
// not empty), then the environment (lookup is os.LookupEnv in production).
// Unknown keys in the file are an error that names them.
func Load(path string, lookup func(string) (string, bool)) (Config, error) {
	c := Default()
	if path != "" {
		b, err := os.ReadFile(path)
		if err != nil {
			return c, fmt.Errorf("read config: %w", err)
		}
		if len(bytes.TrimSpace(b)) > 0 {
			if err := yaml.NewDecoder(bytes.NewReader(b), yaml.Strict()).Decode(&c); err != nil {
				return c, fmt.Errorf("config %s: %s", path, yaml.FormatError(err, false, true))
			}
		}
	}
	if lookup != nil {
		if err := applyEnv(&c, lookup); err != nil {
			return c, err
		}
	}
	if err := c.normalize(); err != nil {
		return c, err
	}
	return c, nil
}

// normalize fills derived values and validates.
func (c *Config) normalize() error {
	seen := map[string]bool{}
	for i := range c.Sources {
		s := &c.Sources[i]
		if s.Kind == "" {
			s.Kind = "feed"
		}
		if s.ID == "" {
			s.ID = Slug(s.Name)
		}
		if s.ID == "" {
			return fmt.Errorf("config: sources[%d]: a source needs a name or an id", i)
		}
		if !validSlug(s.ID) {
			return fmt.Errorf("config: sources[%d]: id %q may only contain a-z, 0-9, '-' and '_'", i, s.ID)
		}
		if seen[s.ID] {
			return fmt.Errorf("config: sources[%d]: duplicate id %q", i, s.ID)
		}
		seen[s.ID] = true
		if s.Name == "" {
			s.Name = s.ID
		}
		switch s.Kind {
		case "feed", "mastodon", "bluesky":
			if s.URL == "" {
				return fmt.Errorf("config: source %q: url is required", s.ID)
			}
		default:
			return fmt.Errorf("config: source %q: unknown kind %q (want feed, mastodon or bluesky)", s.ID, s.Kind)
		}
		if s.Interval == 0 {
			s.Interval = c.Fetch.Interval
		}
	}
	for _, p := range c.Auth.TrustedProxies {
		if _, err := netip.ParsePrefix(p); err != nil {
			return fmt.Errorf("config: auth.trusted_proxies: %q is not a CIDR prefix (e.g. 10.0.0.0/8)", p)
		}
	}
	for _, svc := range c.Services {
		if !slices.Contains(KnownServices, svc) {
			return fmt.Errorf("config: services: unknown service %q (want some of %s)", svc, strings.Join(KnownServices, ", "))
		}
	}
	if c.DataMinFree < 0 {
		return fmt.Errorf("config: data_min_free_bytes %d is negative (0 disables the check)", c.DataMinFree)
	}
	switch c.Index.Backend {
	case "bleve", "meilisearch":
	default:
		return fmt.Errorf("config: index.backend %q: want bleve or meilisearch", c.Index.Backend)
	}
	if c.Index.Backend == "meilisearch" && c.Meili.URL == "" {
		return errors.New("config: index.backend is meilisearch but meili.url is empty")
	}
	if c.Matcher.AutoThreshold < c.Matcher.SuggestThreshold {
		return fmt.Errorf("config: matcher.auto_threshold %.3f is below matcher.suggest_threshold %.3f", c.Matcher.AutoThreshold, c.Matcher.SuggestThreshold)
	}
	return nil
}

// KnownServices are the services one process can run.
var KnownServices = []string{"ingester", "matcher", "indexer", "reviewer", "alerter", "publisher"}

// Runs reports whether this process runs service svc.
func (c Config) Runs(svc string) bool {
	return len(c.Services) == 0 || slices.Contains(c.Services, svc)
}

// Slug makes an immutable source id from a name: ASCII, lower case, words joined by '-'.
func Slug(name string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	s, _, err := transform.String(t, strings.ToLower(name))
	if err != nil {
		s = strings.ToLower(name)
	}
	var b strings.Builder
	dash := false
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
			dash = false
		default:
			if b.Len() > 0 && !dash {
				b.WriteByte('-')
				dash = true
			}
		}
	}
	return strings.TrimRight(b.String(), "-")
}

func validSlug(s string) bool {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return s != ""
}

// Overrides are the values `vigie serve` takes from its flags; each one
// given (not empty) wins over the file and the environment.
type Overrides struct {
	Data, HTTPAddr, Index, MeiliURL, MeiliKeyFile string
	// NATSURL are external NATS servers' URLs, comma-separated.
	NATSURL string
	// Only are the services to run, comma-separated.
	Only string
}

// Apply applies the overrides given and checks the index backend they
// leave.
func (c *Config) Apply(o Overrides) error {
	set := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	set(&c.Data, o.Data)
	set(&c.HTTP.Addr, o.HTTPAddr)
	set(&c.Index.Backend, o.Index)
	set(&c.Meili.URL, o.MeiliURL)
	set(&c.Meili.KeyFile, o.MeiliKeyFile)
	if o.NATSURL != "" {
		c.NATS.URL = strings.Split(o.NATSURL, ",")
	}
	if o.Only != "" {
		c.Services = nil
		for _, svc := range strings.Split(o.Only, ",") {
			svc = strings.TrimSpace(svc)
			if !slices.Contains(KnownServices, svc) {
				return fmt.Errorf("--only: unknown service %q (want some of %s)", svc, strings.Join(KnownServices, ", "))
			}
			c.Services = append(c.Services, svc)
		}
	}
	switch c.Index.Backend {
	case "bleve":
	case "meilisearch":
		if c.Meili.URL == "" {
			return errors.New("index backend meilisearch needs --meili-url (meili.url)")
		}
	default:
		return fmt.Errorf("index backend %q: want bleve or meilisearch", c.Index.Backend)
	}
	return nil
}
