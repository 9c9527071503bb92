package validate

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"vigie/services/vigie/config"
)

var systemdDir = filepath.Join(deploymentsDir, "systemd")

// unit is a parsed systemd unit file: section -> key -> values in order.
type unit map[string]map[string][]string

func (u unit) get(section, key string) string {
	v := u[section][key]
	if len(v) == 0 {
		return ""
	}
	return v[len(v)-1]
}

// parseUnit reads the key=value syntax of systemd.syntax(7): sections,
// comments (# and ;), continuation lines ending in a backslash.
func parseUnit(t *testing.T, file string) unit {
	t.Helper()
	u := unit{}
	section := ""
	sc := bufio.NewScanner(bytes.NewReader(readFile(t, file)))
	n := 0
	var cont strings.Builder
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if cont.Len() == 0 && (line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, ";")) {
			continue
		}
		if strings.HasSuffix(line, `\`) {
			cont.WriteString(strings.TrimSuffix(line, `\`) + " ")
			continue
		}
		if cont.Len() > 0 {
			line = cont.String() + line
			cont.Reset()
		}
		if strings.HasPrefix(line, "[") {
			if !strings.HasSuffix(line, "]") {
				t.Fatalf("%s:%d: bad section header %q", file, n, line)
			}
			section = line[1 : len(line)-1]
			if u[section] == nil {
				u[section] = map[string][]string{}
			}
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok || section == "" || strings.TrimSpace(k) == "" || strings.ContainsAny(strings.TrimSpace(k), " \t") {
			t.Fatalf("%s:%d: want key=value inside a section, have %q", file, n, line)
		}
		k = strings.TrimSpace(k)
		u[section][k] = append(u[section][k], strings.TrimSpace(v))
	}
	if cont.Len() > 0 {
		t.Fatalf("%s: ends in a continuation line", file)
	}
	if len(u) == 0 {
		t.Fatalf("%s: no section", file)
	}
	return u
}

// environment returns the Environment= assignments of a [Service] section.
func (u unit) environment(t *testing.T) map[string]string {
	t.Helper()
	env := map[string]string{}
	for _, line := range u["Service"]["Environment"] {
		for _, kv := range strings.Fields(line) {
			k, v, ok := strings.Cut(kv, "=")
			if !ok {
				t.Fatalf("Environment=%s: want NAME=VALUE", line)
			}
			env[k] = v
		}
	}
	return env
}

// hardening lists the sandboxing settings both units must keep.
var hardening = map[string]string{
	"NoNewPrivileges": "yes", "ProtectSystem": "strict", "ProtectHome": "yes", "PrivateTmp": "yes",
	"PrivateDevices": "yes", "CapabilityBoundingSet": "", "ProtectKernelTunables": "yes", "ProtectKernelModules": "yes",
	"ProtectControlGroups": "yes", "RestrictSUIDSGID": "yes", "LockPersonality": "yes", "SystemCallArchitectures": "native",
	"RestrictNamespaces": "yes", "MemoryDenyWriteExecute": "yes", "UMask": "0077",
}

func checkHardening(t *testing.T, name string, u unit) {
	t.Helper()
	for k, want := range hardening {
		if v, ok := u["Service"][k]; !ok || u.get("Service", k) != want {
			t.Errorf("%s: %s=%q, want %q (have %v)", name, k, u.get("Service", k), want, v)
		}
	}
	if u.get("Service", "User") == "" || u.get("Service", "User") == "root" {
		t.Errorf("%s: runs as %q, want a dedicated user", name, u.get("Service", "User"))
	}
	if !strings.Contains(u.get("Service", "SystemCallFilter"), "@") {
		t.Errorf("%s: no SystemCallFilter", name)
	}
}

func TestSystemdUnits(t *testing.T) {
	vigie := parseUnit(t, filepath.Join(systemdDir, "vigie.service"))
	dropIn := parseUnit(t, filepath.Join(systemdDir, "vigie.service.d", "nats.conf"))
	nats := parseUnit(t, filepath.Join(systemdDir, "nats.service"))

	t.Run("vigie.service", func(t *testing.T) {
		s := vigie["Service"]
		if vigie.get("Service", "User") != "vigie" {
			t.Errorf("User=%q, want vigie", vigie.get("Service", "User"))
		}
		checkHardening(t, "vigie.service", vigie)
		exec := strings.Fields(vigie.get("Service", "ExecStart"))
		if len(exec) < 2 || exec[0] != "/usr/local/bin/vigie" {
			t.Fatalf("ExecStart=%q, want /usr/local/bin/vigie serve ...", exec)
		}
		va := parseVigieArgs(t, "vigie.service", exec[1:])
		if va.command != "serve" {
			t.Errorf("ExecStart runs `vigie %s`, want serve", va.command)
		}
		if state := s["StateDirectory"]; len(state) != 1 || "/var/lib/"+state[0] != va.flags["data"] {
			t.Errorf("--data %q is not the StateDirectory %v (under /var/lib)", va.flags["data"], state)
		}
		if cfg := vigie.get("Service", "ConfigurationDirectory"); cfg == "" || filepath.Dir(va.flags["config"]) != "/etc/"+cfg {
			t.Errorf("--config %q is not in ConfigurationDirectory /etc/%s", va.flags["config"], cfg)
		}
		if h := va.flags["http"]; portOf(t, h) != defaultHTTPPort(t) || !strings.HasPrefix(h, "127.0.0.1:") {
			t.Errorf("--http %q, want loopback on port %s (a reverse proxy serves it)", h, defaultHTTPPort(t))
		}
		for k := range vigie.environment(t) {
			checkEnv(t, "vigie.service", k)
		}
		stop, err := time.ParseDuration(vigie.get("Service", "TimeoutStopSec"))
		if err != nil {
			t.Fatalf("TimeoutStopSec: %v", err)
		}
		if limit := config.Default().Shutdown.Timeout.D(); stop <= limit {
			t.Errorf("TimeoutStopSec=%v, want more than shutdown.timeout %v so the ordered shutdown finishes", stop, limit)
		}
		if vigie.get("Install", "WantedBy") != "multi-user.target" {
			t.Error("no WantedBy=multi-user.target: systemctl enable would do nothing")
		}
	})

	t.Run("vigie.service.d/nats.conf", func(t *testing.T) {
		env := dropIn.environment(t)
		for k := range env {
			checkEnv(t, "nats.conf drop-in", k)
		}
		opts := natsOptions(t, filepath.Join(deploymentsDir, "nats", "single.conf"), natsTestEnv(t, "unused"))
		if want := "nats://127.0.0.1:" + strconv.Itoa(opts.Port); env["VIGIE_NATS_URL"] != want {
			t.Errorf("VIGIE_NATS_URL=%q, want %s (single.conf's client port)", env["VIGIE_NATS_URL"], want)
		}
		if env["VIGIE_NATS_USER"] != "vigie" {
			t.Errorf("VIGIE_NATS_USER=%q, want vigie (the services' user of accounts.conf)", env["VIGIE_NATS_USER"])
		}
		cred, _, _ := strings.Cut(dropIn.get("Service", "LoadCredential"), ":")
		if cred == "" || env["VIGIE_NATS_PASSWORD_FILE"] != "%d/"+cred {
			t.Errorf("VIGIE_NATS_PASSWORD_FILE=%q, want %%d/%s (the LoadCredential file)", env["VIGIE_NATS_PASSWORD_FILE"], cred)
		}
		if dropIn.get("Unit", "Requires") != "nats.service" {
			t.Error("the drop-in does not require nats.service")
		}
	})

	t.Run("nats.service", func(t *testing.T) {
		checkHardening(t, "nats.service", nats)
		exec := strings.Fields(nats.get("Service", "ExecStart"))
		if len(exec) != 3 || filepath.Base(exec[0]) != "nats-server" || exec[1] != "--config" {
			t.Fatalf("ExecStart=%q, want nats-server --config FILE", exec)
		}
		conf := filepath.Join(deploymentsDir, "nats", filepath.Base(exec[2]))
		if _, err := os.Stat(conf); err != nil {
			t.Fatalf("ExecStart's configuration %s is not in deployments/nats: %v", exec[2], err)
		}
		opts := natsOptions(t, conf, natsTestEnv(t, "unused"))
		state := nats.get("Service", "StateDirectory")
		if state == "" || !strings.HasPrefix(opts.StoreDir, "/var/lib/"+state+"/") {
			t.Errorf("store_dir %q is not under StateDirectory /var/lib/%s", opts.StoreDir, state)
		}
		if nats.get("Service", "KillSignal") != "SIGUSR2" {
			t.Error("KillSignal must be SIGUSR2 (lame duck mode) so clients move away before the server stops")
		}
		if nats.get("Service", "EnvironmentFile") == "" {
			t.Error("no EnvironmentFile: the configuration's $NATS_*_PASSWORD variables would be unset")
		}
	})
}

// verifyCopy copies the units into a temporary folder with the binaries
// replaced by stubs (systemd-analyze verify checks that ExecStart exists).
func verifyCopy(t *testing.T, withDropIn bool) string {
	t.Helper()
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	if err := os.MkdirAll(filepath.Join(dir, "vigie.service.d"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, b := range []string{"vigie", "nats-server"} {
		if err := os.WriteFile(filepath.Join(bin, b), []byte("#!/bin/sh\nexit 0\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	files := []string{"vigie.service", "nats.service"}
	if withDropIn {
		files = append(files, filepath.Join("vigie.service.d", "nats.conf"))
	}
	for _, f := range files {
		b := bytes.ReplaceAll(readFile(t, filepath.Join(systemdDir, f)), []byte("/usr/local/bin/"), []byte(bin+"/"))
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestSystemdAnalyzeVerify runs `systemd-analyze verify` on the units, with
// and without the drop-in; any message (an unknown key, a bad value) fails.
func TestSystemdAnalyzeVerify(t *testing.T) {
	t.Parallel()
	sa, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("systemd-analyze is not installed: only the parse check of TestSystemdUnits ran")
	}
	for _, withDropIn := range []bool{false, true} {
		name := "without drop-in"
		if withDropIn {
			name = "with drop-in"
		}
		t.Run(name, func(t *testing.T) {
			dir := verifyCopy(t, withDropIn)
			cmd := exec.Command(sa, "verify", "--man=no", filepath.Join(dir, "vigie.service"), filepath.Join(dir, "nats.service"))
			out, err := cmd.CombinedOutput()
			if err != nil || len(bytes.TrimSpace(out)) > 0 {
				t.Fatalf("systemd-analyze verify: %v\n%s", err, out)
			}
		})
	}
}

// TestSystemdSecurityExposure records systemd's own exposure score of each
// unit (0 safest, 10 unsandboxed) and fails above 2.0.
func TestSystemdSecurityExposure(t *testing.T) {
	t.Parallel()
	sa, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("systemd-analyze is not installed")
	}
	dir := verifyCopy(t, true)
	for _, u := range []string{"vigie.service", "nats.service"} {
		t.Run(u, func(t *testing.T) {
			out, err := exec.Command(sa, "security", "--offline=yes", "--no-pager", filepath.Join(dir, u)).CombinedOutput()
			if err != nil && bytes.Contains(out, []byte("--offline")) {
				t.Skipf("this systemd-analyze cannot score a unit offline: %s", out)
			}
			m := regexp.MustCompile(`Overall exposure level for \S+: (\d+\.\d+)`).FindSubmatch(out)
			if m == nil {
				t.Fatalf("systemd-analyze security: %v, no exposure level in\n%s", err, out)
			}
			score, _ := strconv.ParseFloat(string(m[1]), 64)
			t.Logf("%s exposure level %.1f", u, score)
			if score > 2.0 {
				t.Errorf("%s exposure level %.1f, want at most 2.0", u, score)
			}
		})
	}
}
