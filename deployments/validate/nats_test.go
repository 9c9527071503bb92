package validate

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/conf"
	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"
	"sigs.k8s.io/yaml"

	"vigie/pipeline/bus"
)

// The NATS configurations of deployments/nats.
var natsConfigs = []string{filepath.Join(deploymentsDir, "nats", "cluster.conf"), filepath.Join(deploymentsDir, "nats", "single.conf")}

// municipalities are the integration users of accounts.conf, by locality.
var municipalities = map[string]string{"FR-75056": "fr-75056", "FR-69123": "fr-69123"}

// natsTestEnv returns a value for every variable the NATS configurations
// read: random passwords of the documented shape, and the server name.
func natsTestEnv(t *testing.T, serverName string) map[string]string {
	t.Helper()
	env := map[string]string{}
	for _, f := range natsConfigs {
		for _, v := range natsVars(t, f) {
			b := make([]byte, 12)
			_, _ = rand.Read(b)
			env[v] = "p" + hex.EncodeToString(b)
		}
	}
	env["NATS_SERVER_NAME"] = serverName
	return env
}

// natsOptions parses a configuration the way nats-server does, with env set.
func natsOptions(t *testing.T, file string, env map[string]string) *server.Options {
	t.Helper()
	for k, v := range env {
		t.Setenv(k, v)
	}
	opts, err := server.ProcessConfigFile(file)
	if err != nil {
		t.Fatalf("nats-server configuration %s: %v", file, err)
	}
	return opts
}

var natsServerBin struct {
	once sync.Once
	path string
	err  error
	dir  string
}

// buildNATSServer builds nats-server from the module version in go.mod.
func buildNATSServer(t *testing.T) string {
	t.Helper()
	natsServerBin.once.Do(func() {
		dir, err := os.MkdirTemp("", "vigie-nats-server-")
		if err != nil {
			natsServerBin.err = err
			return
		}
		natsServerBin.dir = dir
		bin := filepath.Join(dir, "nats-server")
		cmd := exec.Command("go", "build", "-o", bin, "github.com/nats-io/nats-server/v2")
		if out, err := cmd.CombinedOutput(); err != nil {
			natsServerBin.err = fmt.Errorf("go build nats-server: %v\n%s", err, out)
			return
		}
		natsServerBin.path = bin
	})
	if natsServerBin.err != nil {
		t.Fatal(natsServerBin.err)
	}
	return natsServerBin.path
}

func TestMain(m *testing.M) {
	code := m.Run()
	if natsServerBin.dir != "" {
		os.RemoveAll(natsServerBin.dir)
	}
	os.Exit(code)
}

// TestNATSConfigCheck runs `nats-server -t -c FILE` on every configuration.
func TestNATSConfigCheck(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds nats-server; -short skips it")
	}
	bin := buildNATSServer(t)
	for _, file := range natsConfigs {
		t.Run(filepath.Base(file), func(t *testing.T) {
			env := natsTestEnv(t, "n1")
			run := func(env map[string]string) (string, error) {
				cmd := exec.Command(bin, "-t", "-c", file)
				cmd.Env = []string{"PATH=" + os.Getenv("PATH")}
				for k, v := range env {
					cmd.Env = append(cmd.Env, k+"="+v)
				}
				out, err := cmd.CombinedOutput()
				return string(out), err
			}
			out, err := run(env)
			if err != nil || !strings.Contains(out, "is valid") {
				t.Fatalf("nats-server -t -c %s: %v\n%s", file, err, out)
			}
			// The passwords are not in the file: without them the server refuses to start.
			delete(env, "NATS_VIGIE_PASSWORD")
			out, err = run(env)
			if err == nil || !strings.Contains(out, "NATS_VIGIE_PASSWORD") {
				t.Fatalf("nats-server -t without NATS_VIGIE_PASSWORD: err %v, output %q; want a refusal naming the variable", err, out)
			}
		})
	}
}

// TestNATSOptions checks what the configurations mean to nats-server.
func TestNATSOptions(t *testing.T) {
	for _, file := range natsConfigs {
		t.Run(filepath.Base(file), func(t *testing.T) {
			opts := natsOptions(t, file, natsTestEnv(t, "n1"))
			if !opts.JetStream || opts.JetStreamMaxStore <= 0 || opts.JetStreamMaxMemory <= 0 {
				t.Errorf("JetStream %v with limits file %d, memory %d: want it enabled with limits", opts.JetStream, opts.JetStreamMaxStore, opts.JetStreamMaxMemory)
			}
			if opts.Port != 4222 {
				t.Errorf("client port %d, want 4222 (the port of every --nats-url)", opts.Port)
			}
			if opts.SystemAccount != "SYS" {
				t.Errorf("system account %q, want SYS", opts.SystemAccount)
			}
			accounts := map[string]*server.Account{}
			for _, a := range opts.Accounts {
				accounts[a.Name] = a
			}
			for _, name := range []string{"SYS", "VIGIE", "MUNICIPALITIES"} {
				if accounts[name] == nil {
					t.Errorf("no account %s", name)
				}
			}
			users := map[string]*server.User{}
			for _, u := range opts.Users {
				users[u.Username] = u
			}
			if u := users["vigie"]; u == nil || u.Account == nil || u.Account.Name != "VIGIE" {
				t.Error("user vigie is not in account VIGIE")
			}
			for locality, user := range municipalities {
				u := users[user]
				if u == nil || u.Account == nil || u.Account.Name != "MUNICIPALITIES" || u.Permissions == nil {
					t.Errorf("user %s: want it in MUNICIPALITIES with permissions", user)
					continue
				}
				subject := bus.SubjectAlerts + "." + bus.Token(locality)
				inbox := "_INBOX_" + user + ".>"
				if sub := u.Permissions.Subscribe; sub == nil || !reflect.DeepEqual(sub.Allow, []string{subject, subject + ".>", inbox}) || len(sub.Deny) > 0 {
					t.Errorf("user %s may subscribe to %+v, want only %s, %s.> and its inbox %s", user, sub, subject, subject, inbox)
				}
				wantPub := []string{"JS.vigie.API.STREAM.INFO." + bus.StreamAlerts,
					"JS.vigie.API.CONSUMER.CREATE." + bus.StreamAlerts + "." + user + "." + subject,
					"JS.vigie.API.CONSUMER.INFO." + bus.StreamAlerts + "." + user,
					"JS.vigie.API.CONSUMER.MSG.NEXT." + bus.StreamAlerts + "." + user,
					"$JS.ACK." + bus.StreamAlerts + "." + user + ".>"}
				if pub := u.Permissions.Publish; pub == nil || !reflect.DeepEqual(pub.Allow, wantPub) || len(pub.Deny) > 0 {
					t.Errorf("user %s publish permissions %+v, want only its own consumer's requests %v", user, pub, wantPub)
				}
				for _, tok := range strings.Split(subject, ".") {
					if !bus.TokenPattern.MatchString(tok) {
						t.Errorf("subject %s: token %q is not [a-z0-9_-]", subject, tok)
					}
				}
			}
			if filepath.Base(file) == "cluster.conf" {
				if opts.Cluster.Name != "vigie" || opts.Cluster.Port != 6222 || len(opts.Routes) != 3 {
					t.Errorf("cluster %q on port %d with %d routes, want vigie on 6222 with 3", opts.Cluster.Name, opts.Cluster.Port, len(opts.Routes))
				}
				if opts.ServerName != "n1" {
					t.Errorf("server_name %q, want it from NATS_SERVER_NAME", opts.ServerName)
				}
			}
		})
	}
}

// startNATS starts single.conf in process on a random 127.0.0.1 port.
func startNATS(t *testing.T, env map[string]string) *server.Server {
	t.Helper()
	opts := natsOptions(t, filepath.Join(deploymentsDir, "nats", "single.conf"), env)
	opts.Host, opts.Port = "127.0.0.1", -1
	opts.HTTPPort = 0
	opts.StoreDir = t.TempDir()
	opts.NoLog, opts.NoSigs = true, true
	s, err := server.NewServer(opts)
	if err != nil {
		t.Fatalf("start nats-server: %v", err)
	}
	go s.Start()
	if !s.ReadyForConnections(10 * time.Second) {
		t.Fatal("nats-server not ready within 10s")
	}
	t.Cleanup(s.Shutdown)
	return s
}

// municipalityConn connects as an integration user and collects async errors.
func municipalityConn(t *testing.T, url, user, password string) (*nats.Conn, chan error) {
	t.Helper()
	errs := make(chan error, 16)
	nc, err := nats.Connect(url, nats.UserInfo(user, password), nats.ErrorHandler(func(_ *nats.Conn, _ *nats.Subscription, err error) {
		select {
		case errs <- err:
		default:
		}
	}))
	if err != nil {
		t.Fatalf("connect as %s: %v", user, err)
	}
	t.Cleanup(nc.Close)
	return nc, errs
}

// wantViolation waits for a permissions violation naming subject.
func wantViolation(t *testing.T, errs chan error, what, subject string) {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		select {
		case err := <-errs:
			if errors.Is(err, nats.ErrPermissionViolation) && strings.Contains(err.Error(), what) && strings.Contains(err.Error(), `"`+subject+`"`) {
				return
			}
			t.Logf("other async error: %v", err)
		case <-deadline:
			t.Fatalf("no permissions violation for %s %q within 5s", what, subject)
		}
	}
}

func nextData(t *testing.T, sub *nats.Subscription) string {
	t.Helper()
	m, err := sub.NextMsg(5 * time.Second)
	if err != nil {
		t.Fatalf("subscription %s: no message: %v", sub.Subject, err)
	}
	return string(m.Data)
}

// TestNATSMunicipalityPermissions runs single.conf (the accounts of every
// deployment) and proves that each municipality's integration user receives
// the alerts of its own locality, and that another's subject is refused.
func TestNATSMunicipalityPermissions(t *testing.T) {
	env := natsTestEnv(t, "unused")
	s := startNATS(t, env)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	// The services connect as vigie and declare the real topology: the
	// VIGIE account's JetStream limits must hold it.
	b, err := bus.Connect(ctx, bus.ConnectConfig{URLs: []string{s.ClientURL()}, User: "vigie", Password: env["NATS_VIGIE_PASSWORD"], Name: "deployments-test"}, bus.DefaultTopology(), zap.NewNop())
	if err != nil {
		t.Fatalf("connect as vigie: %v", err)
	}
	defer b.Close()
	if err := b.Apply(ctx); err != nil {
		t.Fatalf("declare the topology in account VIGIE: %v", err)
	}

	paris := bus.SubjectAlerts + "." + bus.Token("FR-75056")
	lyon := bus.SubjectAlerts + "." + bus.Token("FR-69123")
	parisConn, parisErrs := municipalityConn(t, s.ClientURL(), "fr-75056", env["NATS_ALERTS_FR_75056_PASSWORD"])
	lyonConn, lyonErrs := municipalityConn(t, s.ClientURL(), "fr-69123", env["NATS_ALERTS_FR_69123_PASSWORD"])

	parisSub, err := parisConn.SubscribeSync(paris)
	if err != nil {
		t.Fatal(err)
	}
	lyonSub, err := lyonConn.SubscribeSync(lyon)
	if err != nil {
		t.Fatal(err)
	}
	// The second municipality on the first one's subject: refused.
	stolen, err := lyonConn.SubscribeSync(paris)
	if err != nil {
		t.Fatal(err)
	}
	for _, nc := range []*nats.Conn{parisConn, lyonConn} {
		if err := nc.Flush(); err != nil {
			t.Fatal(err)
		}
	}
	wantViolation(t, lyonErrs, "Subscription", paris)

	// X for Lyon, A and B for Paris, Y for Lyon, published through
	// JetStream into the ALERTS stream by the services' user. Messages from
	// one publisher arrive in order, so each user's first message proves it
	// got nothing published before it.
	for _, m := range []struct{ subject, data string }{{lyon, "X"}, {paris, "A"}, {paris, "B"}, {lyon, "Y"}} {
		if _, err := b.JS.Publish(ctx, m.subject, []byte(m.data)); err != nil {
			t.Fatalf("publish %s on %s: %v", m.data, m.subject, err)
		}
	}
	for _, tt := range []struct {
		name string
		sub  *nats.Subscription
		want []string
	}{
		{"FR-75056 receives its alerts", parisSub, []string{"A", "B"}},
		{"FR-69123 receives its alerts only", lyonSub, []string{"X", "Y"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for range tt.want {
				got = append(got, nextData(t, tt.sub))
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("received %v, want %v", got, tt.want)
			}
		})
	}
	t.Run("FR-69123 gets nothing on FR-75056's subject", func(t *testing.T) {
		if m, err := stolen.NextMsg(200 * time.Millisecond); err == nil {
			t.Fatalf("refused subscription received %q", m.Data)
		}
	})

	t.Run("integration users publish nothing", func(t *testing.T) {
		if err := parisConn.Publish(paris, []byte("forged")); err != nil {
			t.Fatal(err)
		}
		if err := parisConn.Flush(); err != nil {
			t.Fatal(err)
		}
		wantViolation(t, parisErrs, "Publish", paris)
	})

	t.Run("no wildcard over other localities", func(t *testing.T) {
		if _, err := parisConn.SubscribeSync(bus.SubjectAlerts + ".>"); err != nil {
			t.Fatal(err)
		}
		if err := parisConn.Flush(); err != nil {
			t.Fatal(err)
		}
		wantViolation(t, parisErrs, "Subscription", bus.SubjectAlerts+".>")
	})

	t.Run("no access to the services' subjects", func(t *testing.T) {
		subject := bus.SubjectItems + ".>"
		if _, err := parisConn.SubscribeSync(subject); err != nil {
			t.Fatal(err)
		}
		if err := parisConn.Flush(); err != nil {
			t.Fatal(err)
		}
		wantViolation(t, parisErrs, "Subscription", subject)
	})

	t.Run("wrong password", func(t *testing.T) {
		nc, err := nats.Connect(s.ClientURL(), nats.UserInfo("fr-75056", env["NATS_ALERTS_FR_69123_PASSWORD"]), nats.MaxReconnects(0))
		if err == nil {
			nc.Close()
			t.Fatal("fr-75056 connected with another user's password")
		}
		if !strings.Contains(strings.ToLower(err.Error()), "authorization") {
			t.Errorf("connect error %v, want an authorization violation", err)
		}
	})
}

// TestNATSMunicipalityReplay runs single.conf and proves that a
// municipality's integration user that was offline replays the alerts of
// its locality kept in the ALERTS stream (done-when 4 of issue 13): its own
// durable pull consumer, filtered to its subject, resumes where it stopped;
// it cannot create a consumer on another locality's subject, nor under
// another name, nor pull from another municipality's consumer.
func TestNATSMunicipalityReplay(t *testing.T) {
	env := natsTestEnv(t, "unused")
	s := startNATS(t, env)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	b, err := bus.Connect(ctx, bus.ConnectConfig{URLs: []string{s.ClientURL()}, User: "vigie", Password: env["NATS_VIGIE_PASSWORD"], Name: "deployments-test"}, bus.DefaultTopology(), zap.NewNop())
	if err != nil {
		t.Fatalf("connect as vigie: %v", err)
	}
	defer b.Close()
	if err := b.Apply(ctx); err != nil {
		t.Fatal(err)
	}
	paris := bus.AlertSubject("FR-75056")
	lyon := bus.AlertSubject("FR-69123")
	publish := func(subject, data string) {
		t.Helper()
		if _, err := b.JS.Publish(ctx, subject, []byte(data), jetstream.WithMsgID(data)); err != nil {
			t.Fatalf("publish %s: %v", data, err)
		}
	}
	// Alerts published while Paris's integration was offline.
	publish(paris, "A1")
	publish(lyon, "L1")
	publish(paris, "A2")

	connect := func(user string) (jetstream.JetStream, chan error, *nats.Conn) {
		t.Helper()
		errs := make(chan error, 16)
		nc, err := nats.Connect(s.ClientURL(), nats.UserInfo(user, env["NATS_ALERTS_"+strings.ToUpper(strings.ReplaceAll(user, "-", "_"))+"_PASSWORD"]),
			nats.CustomInboxPrefix("_INBOX_"+user), nats.ErrorHandler(func(_ *nats.Conn, _ *nats.Subscription, err error) {
				select {
				case errs <- err:
				default:
				}
			}))
		if err != nil {
			t.Fatalf("connect as %s: %v", user, err)
		}
		t.Cleanup(nc.Close)
		js, err := jetstream.NewWithAPIPrefix(nc, "JS.vigie.API")
		if err != nil {
			t.Fatal(err)
		}
		return js, errs, nc
	}
	consumerOf := func(js jetstream.JetStream, name, filter string) (jetstream.Consumer, error) {
		c, cancel := context.WithTimeout(ctx, 3*time.Second)
		defer cancel()
		return js.CreateOrUpdateConsumer(c, bus.StreamAlerts, jetstream.ConsumerConfig{Durable: name, FilterSubject: filter,
			AckPolicy: jetstream.AckExplicitPolicy, DeliverPolicy: jetstream.DeliverAllPolicy})
	}
	pull := func(t *testing.T, c jetstream.Consumer, n int) []string {
		t.Helper()
		batch, err := c.Fetch(n, jetstream.FetchMaxWait(2*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for m := range batch.Messages() {
			got = append(got, string(m.Data()))
			if err := m.DoubleAck(ctx); err != nil {
				t.Fatalf("ack %s: %v", m.Data(), err)
			}
		}
		if err := batch.Error(); err != nil && !errors.Is(err, nats.ErrTimeout) {
			t.Fatal(err)
		}
		return got
	}

	js, parisErrs, parisNC := connect("fr-75056")
	c, err := consumerOf(js, "fr-75056", paris)
	if err != nil {
		t.Fatalf("fr-75056 creates its consumer on ALERTS: %v", err)
	}
	if got := pull(t, c, 10); !reflect.DeepEqual(got, []string{"A1", "A2"}) {
		t.Fatalf("replay after being offline: %v, want [A1 A2] (Paris's alerts only)", got)
	}
	// Offline again: a new alert, then a new connection resumes after A2.
	publish(paris, "A3")
	js2, _, _ := connect("fr-75056")
	c2, err := consumerOf(js2, "fr-75056", paris)
	if err != nil {
		t.Fatal(err)
	}
	if got := pull(t, c2, 10); !reflect.DeepEqual(got, []string{"A3"}) {
		t.Fatalf("second replay: %v, want only [A3], what it missed", got)
	}

	lyonJS, lyonErrs, _ := connect("fr-69123")
	for _, tt := range []struct{ name, durable, filter string }{
		{"another locality's subject", "fr-75056", lyon},
		{"a consumer named after another user", "fr-69123", paris},
	} {
		t.Run("fr-75056 cannot create "+tt.name, func(t *testing.T) {
			if _, err := consumerOf(js, tt.durable, tt.filter); err == nil {
				t.Fatalf("consumer %s on %s created", tt.durable, tt.filter)
			}
			wantViolation(t, parisErrs, "Publish", "JS.vigie.API.CONSUMER.CREATE.ALERTS."+tt.durable+"."+tt.filter)
		})
	}
	t.Run("the server checks the filter against the one in the subject", func(t *testing.T) {
		body := fmt.Sprintf(`{"stream_name":%q,"config":{"durable_name":"fr-75056","filter_subject":%q,"ack_policy":"explicit","deliver_policy":"all"}}`,
			bus.StreamAlerts, lyon)
		msg, err := parisNC.Request("JS.vigie.API.CONSUMER.CREATE.ALERTS.fr-75056."+paris, []byte(body), 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(msg.Data), "did not match filtered subject") {
			t.Fatalf("a create request filtered to %s under %s's subject was accepted: %s", lyon, paris, msg.Data)
		}
	})
	t.Run("fr-69123 cannot pull from fr-75056's consumer", func(t *testing.T) {
		publish(paris, "A4")
		short, cancel := context.WithTimeout(ctx, 3*time.Second)
		defer cancel()
		c, err := lyonJS.Consumer(short, bus.StreamAlerts, "fr-75056")
		if err != nil {
			wantViolation(t, lyonErrs, "Publish", "JS.vigie.API.CONSUMER.INFO.ALERTS.fr-75056")
		} else {
			if batch, err := c.Fetch(1, jetstream.FetchMaxWait(time.Second)); err == nil {
				for m := range batch.Messages() {
					t.Fatalf("fr-69123 pulled %q from fr-75056's consumer", m.Data())
				}
			}
		}
		// The alert is still there for Paris.
		if got := pull(t, c2, 10); !reflect.DeepEqual(got, []string{"A4"}) {
			t.Fatalf("Paris's consumer after the attempt: %v, want [A4]", got)
		}
	})
}

// helmPlaceholder is the NATS chart's syntax for an unquoted value.
var helmPlaceholder = regexp.MustCompile(`^<<\s*(.*?)\s*>>$`)

// normalizeConf turns a YAML or NATS-config value into comparable values:
// chart placeholders resolved, numbers as int64.
func normalizeConf(t *testing.T, v any) any {
	t.Helper()
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			out[k] = normalizeConf(t, e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = normalizeConf(t, e)
		}
		return out
	case float64:
		if x == float64(int64(x)) {
			return int64(x)
		}
		return x
	case string:
		m := helmPlaceholder.FindStringSubmatch(x)
		if m == nil {
			return x
		}
		if name, ok := strings.CutPrefix(m[1], "$"); ok {
			val, set := os.LookupEnv(name)
			if !set {
				t.Fatalf("chart value %q reads $%s, which the test did not set", x, name)
			}
			return val
		}
		parsed, err := conf.Parse("v: " + m[1])
		if err != nil {
			t.Fatalf("chart value %q: %v", x, err)
		}
		return normalizeConf(t, parsed["v"])
	}
	return v
}

// TestNATSHelmValues checks nats-values.yaml as far as it can be without the
// chart: the chart's schema and templates are not available offline, so
// `helm lint`/`helm template` are not run here. What is checked: the values
// decode, ask for 3 JetStream servers with file storage, merge exactly the
// settings and accounts of deployments/nats/cluster.conf into the server
// configuration, and take every password from the Secret vigie-nats.
func TestNATSHelmValues(t *testing.T) {
	env := natsTestEnv(t, "n1")
	for k, v := range env {
		t.Setenv(k, v)
	}
	var values struct {
		Config struct {
			Cluster struct {
				Enabled  bool `json:"enabled"`
				Replicas int  `json:"replicas"`
			} `json:"cluster"`
			JetStream struct {
				Enabled   bool `json:"enabled"`
				FileStore struct {
					Enabled bool `json:"enabled"`
					PVC     struct {
						Enabled bool   `json:"enabled"`
						Size    string `json:"size"`
					} `json:"pvc"`
				} `json:"fileStore"`
			} `json:"jetstream"`
			NATS struct {
				Port int `json:"port"`
			} `json:"nats"`
			Merge map[string]any `json:"merge"`
		} `json:"config"`
		Container struct {
			Env map[string]struct {
				ValueFrom struct {
					SecretKeyRef struct {
						Name string `json:"name"`
						Key  string `json:"key"`
					} `json:"secretKeyRef"`
				} `json:"valueFrom"`
			} `json:"env"`
		} `json:"container"`
	}
	raw := readFile(t, filepath.Join(kubeDir, "nats-values.yaml"))
	// Not strict: the chart has many more keys than this test reads.
	if err := yaml.Unmarshal(raw, &values); err != nil {
		t.Fatalf("nats-values.yaml: %v", err)
	}
	c := values.Config
	if !c.Cluster.Enabled || c.Cluster.Replicas != 3 {
		t.Errorf("cluster enabled %v with %d replicas, want 3", c.Cluster.Enabled, c.Cluster.Replicas)
	}
	if !c.JetStream.Enabled || !c.JetStream.FileStore.Enabled || !c.JetStream.FileStore.PVC.Enabled || c.JetStream.FileStore.PVC.Size == "" {
		t.Error("want JetStream with file storage on a PersistentVolumeClaim")
	}
	if c.NATS.Port != 4222 {
		t.Errorf("client port %d, want 4222", c.NATS.Port)
	}
	if len(c.Merge) == 0 {
		t.Fatal("config.merge is empty: the accounts would be missing")
	}
	cluster, err := conf.ParseFile(filepath.Join(deploymentsDir, "nats", "cluster.conf"))
	if err != nil {
		t.Fatal(err)
	}
	for key, v := range c.Merge {
		got, want := normalizeConf(t, v), normalizeConf(t, cluster[key])
		if d := firstDiff(key, got, want); d != "" {
			t.Errorf("config.merge and cluster.conf differ: %s", d)
		}
	}
	for _, key := range []string{"accounts", "system_account"} {
		if _, ok := c.Merge[key]; !ok {
			t.Errorf("config.merge has no %s", key)
		}
	}
	ops := string(readFile(t, filepath.Join(repoRoot, "docs", "operations.md")))
	for _, v := range natsVars(t, filepath.Join(deploymentsDir, "nats", "accounts.conf")) {
		e, ok := values.Container.Env[v]
		if !ok {
			t.Errorf("container.env does not set %s", v)
			continue
		}
		ref := e.ValueFrom.SecretKeyRef
		if ref.Name != "vigie-nats" || ref.Key == "" {
			t.Errorf("container.env.%s comes from %+v, want a key of Secret vigie-nats", v, ref)
		}
		if !strings.Contains(ops, ref.Key+"=") {
			t.Errorf("docs/operations.md does not show how to create key %s of Secret vigie-nats", ref.Key)
		}
	}
}

// firstDiff describes where two decoded configurations first differ, or
// returns "" when they are equal. Passwords are not printed.
func firstDiff(path string, got, want any) string {
	switch g := got.(type) {
	case map[string]any:
		w, ok := want.(map[string]any)
		if !ok {
			return fmt.Sprintf("%s: a map in the values, %T in cluster.conf", path, want)
		}
		for _, k := range mapKeys(g) {
			if _, ok := w[k]; !ok {
				return fmt.Sprintf("%s.%s: only in the values", path, k)
			}
			if d := firstDiff(path+"."+k, g[k], w[k]); d != "" {
				return d
			}
		}
		for _, k := range mapKeys(w) {
			if _, ok := g[k]; !ok {
				return fmt.Sprintf("%s.%s: only in cluster.conf", path, k)
			}
		}
		return ""
	case []any:
		w, ok := want.([]any)
		if !ok || len(w) != len(g) {
			return fmt.Sprintf("%s: %d entries in the values, cluster.conf has %v", path, len(g), want)
		}
		for i := range g {
			if d := firstDiff(fmt.Sprintf("%s[%d]", path, i), g[i], w[i]); d != "" {
				return d
			}
		}
		return ""
	}
	if reflect.DeepEqual(got, want) {
		return ""
	}
	if strings.HasSuffix(path, ".password") {
		return path + ": not the same password variable"
	}
	return fmt.Sprintf("%s: %v (%T) in the values, %v (%T) in cluster.conf", path, got, got, want, want)
}
