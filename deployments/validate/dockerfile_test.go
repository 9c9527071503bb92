package validate

import (
	"bufio"
	"bytes"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/linter"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerfile/shell"
)

// dockerfile is the parsed Dockerfile at the repository root.
type dockerfile struct {
	stages  []instructions.Stage
	metaArg map[string]string
}

func parseDockerfile(t *testing.T) dockerfile {
	t.Helper()
	res, err := parser.Parse(bytes.NewReader(readFile(t, filepath.Join(repoRoot, "Dockerfile"))))
	if err != nil {
		t.Fatalf("parse Dockerfile: %v", err)
	}
	for _, w := range res.Warnings {
		t.Errorf("Dockerfile parser warning: %s", w.Short)
	}
	var lints []string
	lint := linter.New(&linter.Config{Warn: func(rule, desc, url, msg string, loc []parser.Range) {
		lints = append(lints, rule+": "+msg)
	}})
	stages, metaArgs, err := instructions.Parse(res.AST, lint)
	if err != nil {
		t.Fatalf("Dockerfile instructions: %v", err)
	}
	for _, l := range lints {
		t.Errorf("Dockerfile lint: %s", l)
	}
	df := dockerfile{stages: stages, metaArg: map[string]string{}}
	for _, a := range metaArgs {
		for _, kv := range a.Args {
			if kv.Value != nil {
				df.metaArg[kv.Key] = *kv.Value
			}
		}
	}
	return df
}

// base expands the meta ARGs in a stage's FROM.
func (d dockerfile) base(t *testing.T, s instructions.Stage) string {
	t.Helper()
	lex := shell.NewLex('\\')
	res, err := lex.ProcessWordWithMatches(s.BaseName, shell.EnvsFromSlice(envList(d.metaArg)))
	if err != nil {
		t.Fatalf("expand FROM %q: %v", s.BaseName, err)
	}
	return res.Result
}

func envList(m map[string]string) []string {
	var out []string
	for k, v := range m {
		out = append(out, k+"="+v)
	}
	return out
}

func commandsOf[T any](s instructions.Stage) []T {
	var out []T
	for _, c := range s.Commands {
		if v, ok := c.(T); ok {
			out = append(out, v)
		}
	}
	return out
}

func TestDockerfile(t *testing.T) {
	t.Parallel()
	df := parseDockerfile(t)
	if len(df.stages) < 2 {
		t.Fatalf("Dockerfile has %d stage(s), want a multi-stage build", len(df.stages))
	}
	build, final := df.stages[0], df.stages[len(df.stages)-1]

	t.Run("builder is the Go version of go.mod", func(t *testing.T) {
		base := df.base(t, build)
		m := regexp.MustCompile(`(?m)^go (\d+\.\d+)`).FindSubmatch(readFile(t, filepath.Join(repoRoot, "go.mod")))
		if m == nil {
			t.Fatal("go.mod has no go directive")
		}
		if want := "golang:" + string(m[1]); base != want && !strings.HasPrefix(base, want+".") && !strings.HasPrefix(base, want+"-") {
			t.Errorf("build stage FROM %q, want %s (go.mod says go %s)", base, want, m[1])
		}
	})

	t.Run("static build", func(t *testing.T) {
		env := map[string]string{}
		for _, e := range commandsOf[*instructions.EnvCommand](build) {
			for _, kv := range e.Env {
				env[kv.Key] = kv.Value
			}
		}
		var builds []string
		for _, r := range commandsOf[*instructions.RunCommand](build) {
			line := strings.Join(r.CmdLine, " ")
			if strings.Contains(line, "CGO_ENABLED=0") {
				env["CGO_ENABLED"] = "0"
			}
			for _, part := range strings.Split(line, "&&") {
				if f := strings.Fields(part); len(f) > 2 && f[0] == "go" && f[1] == "build" {
					builds = append(builds, strings.TrimSpace(part))
				}
			}
		}
		if env["CGO_ENABLED"] != "0" {
			t.Errorf("build stage does not set CGO_ENABLED=0 (env %v): the binary would link libc and not run on a static base", env)
		}
		if !strings.Contains(env["GOFLAGS"], "-trimpath") && !slices.ContainsFunc(builds, func(b string) bool { return strings.Contains(b, "-trimpath") }) {
			t.Error("build does not use -trimpath: the binary would hold the builder's paths")
		}
		var pkgs []string
		for _, b := range builds {
			f := strings.Fields(b)
			pkg := f[len(f)-1]
			pkgs = append(pkgs, pkg)
			if _, err := os.Stat(filepath.Join(repoRoot, filepath.FromSlash(pkg))); err != nil {
				t.Errorf("go build of %s: no such package folder in the repository", pkg)
			}
		}
		if !slices.Contains(pkgs, "./services/vigie") {
			t.Errorf("build stage builds %v, want ./services/vigie", pkgs)
		}
	})

	t.Run("runtime base", func(t *testing.T) {
		base := df.base(t, final)
		if base != "scratch" && !strings.HasPrefix(base, "gcr.io/distroless/static") {
			t.Errorf("final stage FROM %q, want scratch or gcr.io/distroless/static", base)
		}
		if len(commandsOf[*instructions.RunCommand](final)) > 0 {
			t.Error("final stage has RUN: a static base has no shell to run it")
		}
	})

	t.Run("non-root user", func(t *testing.T) {
		users := commandsOf[*instructions.UserCommand](final)
		if len(users) == 0 {
			t.Fatal("final stage has no USER: the container would run as root")
		}
		u := users[len(users)-1].User
		name, _, _ := strings.Cut(u, ":")
		if name == "" || name == "root" || name == "0" {
			t.Errorf("USER %q is root", u)
		}
	})

	t.Run("expose the HTTP port of the config", func(t *testing.T) {
		want := defaultHTTPPort(t)
		var ports []string
		for _, e := range commandsOf[*instructions.ExposeCommand](final) {
			for _, p := range e.Ports {
				ports = append(ports, strings.TrimSuffix(p, "/tcp"))
			}
		}
		if !slices.Contains(ports, want) {
			t.Errorf("EXPOSE %v, want %s (the port of http.addr)", ports, want)
		}
	})

	copied := map[string]string{} // destination -> source in the build stage
	for _, c := range commandsOf[*instructions.CopyCommand](final) {
		if c.From != build.Name {
			t.Errorf("COPY --from=%q in the final stage, want the build stage %q", c.From, build.Name)
		}
		for _, src := range c.SourcePaths {
			copied[path.Join(c.DestPath, "")] = src
		}
	}

	t.Run("entrypoint is the vigie binary", func(t *testing.T) {
		eps := commandsOf[*instructions.EntrypointCommand](final)
		if len(eps) == 0 || eps[len(eps)-1].PrependShell {
			t.Fatal("final stage needs an exec-form ENTRYPOINT (no shell in the image)")
		}
		ep := eps[len(eps)-1].CmdLine
		if len(ep) != 1 || path.Base(ep[0]) != "vigie" {
			t.Fatalf("ENTRYPOINT %q, want the vigie binary alone", ep)
		}
		if _, ok := copied[ep[0]]; !ok {
			t.Errorf("ENTRYPOINT %s is not copied into the final stage (copied: %v)", ep[0], mapKeys(copied))
		}
		cmds := commandsOf[*instructions.CmdCommand](final)
		if len(cmds) == 0 || cmds[len(cmds)-1].PrependShell {
			t.Fatal("final stage needs an exec-form CMD")
		}
		va := parseVigieArgs(t, "Dockerfile CMD", cmds[len(cmds)-1].CmdLine)
		if va.command != "serve" {
			t.Errorf("CMD runs `vigie %s`, want serve", va.command)
		}
		if got, want := portOf(t, va.flags["http"]), defaultHTTPPort(t); got != want || !strings.HasPrefix(va.flags["http"], "0.0.0.0:") {
			t.Errorf("CMD --http %q, want 0.0.0.0:%s so the published port reaches it", va.flags["http"], want)
		}
		vols := commandsOf[*instructions.VolumeCommand](final)
		if len(vols) == 0 || !slices.Contains(vols[0].Volumes, va.flags["data"]) {
			t.Errorf("CMD --data %q is not a VOLUME", va.flags["data"])
		}
		if _, ok := copied[va.flags["data"]]; !ok {
			t.Errorf("data folder %q is not created (owned by the non-root user) in the image", va.flags["data"])
		}
	})

	t.Run("healthcheck", func(t *testing.T) {
		hcs := commandsOf[*instructions.HealthCheckCommand](final)
		if len(hcs) == 0 {
			t.Fatal("final stage has no HEALTHCHECK")
		}
		test := hcs[len(hcs)-1].Health.Test
		if len(test) < 3 || test[0] != "CMD" {
			t.Fatalf("HEALTHCHECK %q, want the exec form CMD [probe, url]", test)
		}
		if _, ok := copied[test[1]]; !ok {
			t.Errorf("HEALTHCHECK runs %s, which is not copied into the image", test[1])
		}
		checkHealthURL(t, "Dockerfile HEALTHCHECK", test[2])
	})
}

// checkHealthURL checks a liveness URL probed inside a Vigie container.
func checkHealthURL(t *testing.T, where, u string) {
	t.Helper()
	want := "http://127.0.0.1:" + defaultHTTPPort(t) + "/healthz"
	if u != want {
		t.Errorf("%s probes %q, want %q", where, u, want)
	}
}

func TestDockerignore(t *testing.T) {
	t.Parallel()
	var patterns []string
	sc := bufio.NewScanner(bytes.NewReader(readFile(t, filepath.Join(repoRoot, ".dockerignore"))))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		patterns = append(patterns, line)
	}
	tests := []struct {
		path    string
		ignored bool
	}{
		{".git", true},
		{"deployments/compose/secrets", true},
		{"vigie-data", true},
		{"go.mod", false},
		{"go.sum", false},
		{"services", false},
		{"deployments", false},
		{"deployments/healthcheck", false},
		{"deployments/validate", true},
		{"pipeline/specs", true},
		{"pipeline/fixtures", true},
		{"claims/fixtures", true},
		{"tools", true},
		{"claims", false},
		{"pipeline", false},
		{"proto", false},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			ignored := false
			for _, p := range patterns {
				neg := strings.HasPrefix(p, "!")
				p = strings.TrimPrefix(p, "!")
				if ok, _ := filepath.Match(p, tt.path); ok || p == tt.path || strings.HasPrefix(tt.path, p+"/") {
					ignored = !neg
				}
			}
			if ignored != tt.ignored {
				t.Errorf(".dockerignore: %s ignored = %v, want %v", tt.path, ignored, tt.ignored)
			}
		})
	}
}
