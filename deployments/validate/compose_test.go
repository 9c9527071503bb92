package validate

import (
	"context"
	"maps"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/types"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"

	"vigie/services/vigie/config"
)

// composeDir holds compose.yaml.
var composeDir = filepath.Join(deploymentsDir, "compose")

func loadCompose(t *testing.T) *types.Project {
	t.Helper()
	dir, err := filepath.Abs(composeDir)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "compose.yaml")
	p, err := loader.LoadWithContext(context.Background(), types.ConfigDetails{
		WorkingDir:  dir,
		ConfigFiles: []types.ConfigFile{{Filename: file}},
		Environment: types.Mapping{},
	}, func(o *loader.Options) { o.ResolvePaths = true })
	if err != nil {
		t.Fatalf("compose loader: %v", err)
	}
	return p
}

// secretPath is where a service's secret is mounted.
func secretPath(s types.ServiceSecretConfig) string {
	switch {
	case s.Target == "":
		return "/run/secrets/" + s.Source
	case strings.HasPrefix(s.Target, "/"):
		return s.Target
	}
	return "/run/secrets/" + s.Target
}

func mountedSecrets(svc types.ServiceConfig) map[string]string {
	out := map[string]string{}
	for _, s := range svc.Secrets {
		out[secretPath(s)] = s.Source
	}
	return out
}

func mountedConfigs(svc types.ServiceConfig) map[string]string {
	out := map[string]string{}
	for _, c := range svc.Configs {
		target := c.Target
		if target == "" {
			target = "/" + c.Source
		}
		out[target] = c.Source
	}
	return out
}

// natsVars lists the $VARIABLES a NATS configuration file (and what it
// includes) reads from the environment.
func natsVars(t *testing.T, file string) []string {
	t.Helper()
	var out []string
	seen := map[string]bool{}
	var walk func(string)
	walk = func(file string) {
		for _, line := range strings.Split(string(readFile(t, file)), "\n") {
			line, _, _ = strings.Cut(line, "#")
			if inc, ok := strings.CutPrefix(strings.TrimSpace(line), "include "); ok {
				walk(filepath.Join(filepath.Dir(file), strings.Trim(strings.TrimSpace(inc), `"'`)))
				continue
			}
			// A $ inside quotes is text ("$JS.API…"), not a variable.
			line = regexp.MustCompile(`"[^"]*"`).ReplaceAllString(line, "")
			for _, m := range regexp.MustCompile(`\$([A-Za-z_][A-Za-z0-9_]*)`).FindAllStringSubmatch(line, -1) {
				if !seen[m[1]] {
					seen[m[1]] = true
					out = append(out, m[1])
				}
			}
		}
	}
	walk(file)
	return out
}

func TestCompose(t *testing.T) {
	p := loadCompose(t)
	df := parseDockerfile(t)
	final := df.stages[len(df.stages)-1]
	httpPort := defaultHTTPPort(t)
	root, err := filepath.Abs(repoRoot)
	if err != nil {
		t.Fatal(err)
	}
	secretsDir, _ := filepath.Abs(filepath.Join(composeDir, "secrets"))
	ops := string(readFile(t, filepath.Join(repoRoot, "docs", "operations.md")))

	var natsNodes []string
	for name, svc := range p.Services {
		if strings.HasPrefix(svc.Image, "nats:") {
			natsNodes = append(natsNodes, name)
		}
	}
	slices.Sort(natsNodes)

	t.Run("nats cluster", func(t *testing.T) {
		if len(natsNodes) != 3 {
			t.Fatalf("compose runs %d NATS nodes %v, want 3", len(natsNodes), natsNodes)
		}
		names := map[string]bool{}
		for _, name := range natsNodes {
			svc := p.Services[name]
			cfgs := mountedConfigs(svc)
			script := strings.Join(svc.Entrypoint, " ")
			m := regexp.MustCompile(`--config (\S+)`).FindStringSubmatch(script)
			if m == nil {
				t.Fatalf("%s: entrypoint %q runs no nats-server --config FILE", name, script)
			}
			src, ok := cfgs[m[1]]
			if !ok {
				t.Fatalf("%s: --config %s is not a mounted config (have %v)", name, m[1], mapKeys(cfgs))
			}
			file := p.Configs[src].File
			if rel, err := filepath.Rel(root, file); err != nil || rel != filepath.Join("deployments", "nats", "cluster.conf") {
				t.Errorf("%s: config %s is %s, want deployments/nats/cluster.conf", name, src, file)
			}
			// Every file the configuration includes is mounted beside it.
			for _, inc := range regexp.MustCompile(`(?m)^include\s+(\S+)`).FindAllStringSubmatch(string(readFile(t, file)), -1) {
				target := filepath.ToSlash(filepath.Join(filepath.Dir(m[1]), inc[1]))
				if src, ok := cfgs[target]; !ok || filepath.Base(p.Configs[src].File) != filepath.Base(inc[1]) {
					t.Errorf("%s: cluster.conf includes %s, but %s is not mounted from it", name, inc[1], target)
				}
			}
			// Every variable the configuration reads is set: from the
			// environment, or exported from a secret file by the entrypoint.
			if !strings.Contains(script, "/run/secrets/nats_*") || !strings.Contains(script, `tr 'a-z-' 'A-Z_'`) {
				t.Errorf("%s: the entrypoint no longer exports /run/secrets/nats_* as NATS_* variables", name)
			}
			exported := map[string]bool{}
			for path := range mountedSecrets(svc) {
				if b, ok := strings.CutPrefix(path, "/run/secrets/"); ok && strings.HasPrefix(b, "nats_") {
					exported[strings.ToUpper(strings.ReplaceAll(b, "-", "_"))] = true
				}
			}
			for _, v := range natsVars(t, file) {
				if _, ok := svc.Environment[v]; !ok && !exported[v] {
					t.Errorf("%s: cluster.conf reads $%s, which neither the environment nor a secret sets", name, v)
				}
			}
			sn := svc.Environment["NATS_SERVER_NAME"]
			if sn == nil || *sn != name || svc.Hostname != name {
				t.Errorf("%s: NATS_SERVER_NAME and hostname must be the service name", name)
			}
			names[name] = true
			if svc.HealthCheck == nil || !strings.Contains(strings.Join(svc.HealthCheck.Test, " "), ":8222/healthz") {
				t.Errorf("%s: no health check on the monitoring port's /healthz", name)
			}
			if !slices.ContainsFunc(svc.Volumes, func(v types.ServiceVolumeConfig) bool { return v.Type == types.VolumeTypeVolume && v.Target == "/data" }) {
				t.Errorf("%s: JetStream's /data is not on a named volume", name)
			}
		}
		opts := natsOptions(t, filepath.Join(deploymentsDir, "nats", "cluster.conf"), natsTestEnv(t, "n1"))
		var routes []string
		for _, r := range opts.Routes {
			if r.Port() != "6222" {
				t.Errorf("route %s: want port 6222", r)
			}
			routes = append(routes, r.Hostname())
		}
		slices.Sort(routes)
		if !slices.Equal(routes, natsNodes) {
			t.Errorf("cluster.conf routes to %v, compose runs %v", routes, natsNodes)
		}
		// Lame duck mode (SIGUSR2) must end before Compose kills the node.
		for _, name := range natsNodes {
			svc := p.Services[name]
			ldm := opts.LameDuckDuration + opts.LameDuckGracePeriod
			if svc.StopSignal != "SIGUSR2" || svc.StopGracePeriod == nil || time.Duration(*svc.StopGracePeriod) <= ldm {
				t.Errorf("%s: stop_signal %q, stop_grace_period %v; want SIGUSR2 and more than lame duck mode's %v", name, svc.StopSignal, svc.StopGracePeriod, ldm)
			}
		}
		if !strings.HasPrefix(opts.StoreDir, "/data/") {
			t.Errorf("cluster.conf store_dir %q is not on the /data volume", opts.StoreDir)
		}
	})

	t.Run("meilisearch", func(t *testing.T) {
		svc, ok := p.Services["meilisearch"]
		if !ok {
			t.Fatal("no meilisearch service")
		}
		if !strings.HasPrefix(svc.Image, "getmeili/meilisearch:v") {
			t.Errorf("meilisearch image %q, want a pinned getmeili/meilisearch:vX", svc.Image)
		}
		if k := svc.Environment["MEILI_MASTER_KEY"]; k != nil {
			t.Error("MEILI_MASTER_KEY is written in compose.yaml; it must come from a secret file")
		}
		script := strings.Join(svc.Command, " ")
		m := regexp.MustCompile(`MEILI_MASTER_KEY=\$\(cat (\S+)\)`).FindStringSubmatch(script)
		if m == nil {
			t.Fatalf("meilisearch command %q does not read MEILI_MASTER_KEY from a file", script)
		}
		if _, ok := mountedSecrets(svc)[m[1]]; !ok {
			t.Errorf("meilisearch reads its key from %s, which is not a mounted secret", m[1])
		}
		if a := svc.Environment["MEILI_HTTP_ADDR"]; a == nil || portOf(t, *a) != "7700" {
			t.Error("MEILI_HTTP_ADDR must listen on 7700")
		}
		if svc.HealthCheck == nil || !strings.Contains(strings.Join(svc.HealthCheck.Test, " "), ":7700/health") {
			t.Error("meilisearch has no health check on /health")
		}
	})

	for _, name := range services {
		t.Run(name, func(t *testing.T) {
			svc, ok := p.Services[name]
			if !ok {
				t.Fatalf("compose has no %s service", name)
			}
			if svc.Build == nil || svc.Build.Context != root || svc.Build.Dockerfile != "Dockerfile" {
				t.Errorf("%s: build %+v, want the repository's Dockerfile", name, svc.Build)
			}
			if svc.Image != "vigie:dev" {
				t.Errorf("%s: image %q, want vigie:dev (the Kubernetes manifests use the same)", name, svc.Image)
			}
			// The ingester's lease owner is hostname + data folder: a fixed
			// hostname would give every scaled process the same identity.
			if svc.Hostname != "" || svc.ContainerName != "" {
				t.Errorf("%s: sets hostname %q / container_name %q; scaled processes need their own", name, svc.Hostname, svc.ContainerName)
			}
			if u, _, _ := strings.Cut(svc.User, ":"); u == "" || u == "0" || u == "root" {
				t.Errorf("%s: user %q, want a non-root user", name, svc.User)
			}
			if !svc.ReadOnly || !slices.Contains(svc.CapDrop, "ALL") {
				t.Errorf("%s: want read_only and cap_drop ALL", name)
			}
			va := parseVigieArgs(t, name, svc.Command)
			if va.command != "serve" || va.flags["only"] != name {
				t.Errorf("%s: runs `vigie %s --only %s`, want serve --only %s", name, va.command, va.flags["only"], name)
			}
			if h := va.flags["http"]; h != "0.0.0.0:"+httpPort {
				t.Errorf("%s: --http %q, want 0.0.0.0:%s", name, h, httpPort)
			}
			var urls []string
			for _, raw := range strings.Split(va.flags["nats-url"], ",") {
				u, err := url.Parse(raw)
				if err != nil || u.Scheme != "nats" || u.Port() != "4222" {
					t.Errorf("%s: --nats-url entry %q, want nats://HOST:4222", name, raw)
					continue
				}
				urls = append(urls, u.Hostname())
			}
			slices.Sort(urls)
			if !slices.Equal(urls, natsNodes) {
				t.Errorf("%s: --nats-url names %v, want every NATS node %v", name, urls, natsNodes)
			}
			secrets := mountedSecrets(svc)
			if slices.Contains(indexUsers, name) {
				if va.flags["index"] != "meilisearch" {
					t.Errorf("%s: --index %q, want meilisearch", name, va.flags["index"])
				}
				if u, err := url.Parse(va.flags["meili-url"]); err != nil || u.Hostname() != "meilisearch" || u.Port() != "7700" {
					t.Errorf("%s: --meili-url %q, want http://meilisearch:7700", name, va.flags["meili-url"])
				}
				if _, ok := secrets[va.flags["meili-key-file"]]; !ok {
					t.Errorf("%s: --meili-key-file %q is not a mounted secret", name, va.flags["meili-key-file"])
				}
				if d, ok := svc.DependsOn["meilisearch"]; !ok || d.Condition != types.ServiceConditionHealthy {
					t.Errorf("%s: does not wait for meilisearch to be healthy", name)
				}
			} else if slices.Contains(slices.Collect(maps.Values(secrets)), "meili_master_key") || va.flags["meili-key-file"] != "" {
				t.Errorf("%s: gets the Meilisearch key, but only %v open the index", name, indexUsers)
			}
			if c, ok := mountedConfigs(svc)[va.flags["config"]]; !ok {
				t.Errorf("%s: --config %q is not a mounted config", name, va.flags["config"])
			} else if _, err := config.Load(p.Configs[c].File, func(string) (string, bool) { return "", false }); err != nil {
				t.Errorf("%s: --config %s does not load: %v", name, p.Configs[c].File, err)
			}
			if d := va.flags["data"]; !slices.ContainsFunc(svc.Tmpfs, func(s string) bool { return strings.HasPrefix(s, d+":") || s == d }) &&
				!slices.ContainsFunc(svc.Volumes, func(v types.ServiceVolumeConfig) bool { return v.Target == d }) {
				t.Errorf("%s: --data %q is neither a tmpfs nor a volume (the root file system is read-only)", name, d)
			}
			for k, v := range svc.Environment {
				checkEnv(t, name, k)
				if strings.HasSuffix(k, "_FILE") && strings.HasPrefix(k, "VIGIE_") {
					if v == nil {
						t.Errorf("%s: %s has no value", name, k)
					} else if _, ok := secrets[*v]; !ok {
						t.Errorf("%s: %s=%s is not a mounted secret", name, k, *v)
					}
				}
			}
			if g := svc.StopGracePeriod; g == nil || time.Duration(*g) <= config.Default().Shutdown.Timeout.D() {
				t.Errorf("%s: stop_grace_period %v, want more than shutdown.timeout %v", name, g, config.Default().Shutdown.Timeout)
			}
			if r := svc.Environment["VIGIE_NATS_REPLICAS"]; r == nil || *r != strconv.Itoa(len(natsNodes)) {
				t.Errorf("%s: VIGIE_NATS_REPLICAS must be %d, one replica per NATS node", name, len(natsNodes))
			}
			if svc.Environment["VIGIE_NATS_USER"] == nil || svc.Environment["VIGIE_NATS_PASSWORD_FILE"] == nil {
				t.Errorf("%s: no NATS credentials (VIGIE_NATS_USER, VIGIE_NATS_PASSWORD_FILE)", name)
			}
			for _, dep := range natsNodes {
				if d, ok := svc.DependsOn[dep]; !ok || d.Condition != types.ServiceConditionHealthy {
					t.Errorf("%s: does not wait for %s to be healthy", name, dep)
				}
			}
			if svc.HealthCheck == nil || len(svc.HealthCheck.Test) != 3 || svc.HealthCheck.Test[0] != "CMD" {
				t.Fatalf("%s: want a health check [CMD, probe, url]", name)
			}
			probe := svc.HealthCheck.Test[1]
			if !slices.ContainsFunc(commandsOf[*instructions.CopyCommand](final), func(c *instructions.CopyCommand) bool { return c.DestPath == probe }) {
				t.Errorf("%s: health check runs %s, which the Dockerfile does not install", name, probe)
			}
			checkHealthURL(t, name, svc.HealthCheck.Test[2])
			for _, port := range svc.Ports {
				if name != "reviewer" {
					t.Errorf("%s: publishes port %d; only the reviewer is reachable from the host", name, port.Target)
				}
				if strconv.Itoa(int(port.Target)) != httpPort || port.HostIP != "127.0.0.1" {
					t.Errorf("%s: publishes %s:%s->%d, want 127.0.0.1:...->%s", name, port.HostIP, port.Published, port.Target, httpPort)
				}
			}
		})
	}

	t.Run("secrets", func(t *testing.T) {
		if len(p.Secrets) == 0 {
			t.Fatal("compose declares no secret")
		}
		for name, s := range p.Secrets {
			if filepath.Dir(s.File) != secretsDir {
				t.Errorf("secret %s: file %s, want it under %s (ignored by git and .dockerignore)", name, s.File, secretsDir)
			}
			if !strings.Contains(ops, "secrets/"+filepath.Base(s.File)) {
				t.Errorf("secret %s: docs/operations.md does not say how to create secrets/%s", name, filepath.Base(s.File))
			}
		}
	})

	t.Run("volumes", func(t *testing.T) {
		used := map[string]bool{}
		for _, svc := range p.Services {
			for _, v := range svc.Volumes {
				if v.Type == types.VolumeTypeVolume {
					used[v.Source] = true
				}
			}
		}
		for name := range p.Volumes {
			if !used[name] {
				t.Errorf("volume %s is declared and never mounted", name)
			}
		}
		for name := range used {
			if _, ok := p.Volumes[name]; !ok {
				t.Errorf("volume %s is mounted and not declared", name)
			}
		}
	})
}
