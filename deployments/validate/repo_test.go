package validate

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"vigie/services/vigie/config"
)

// repoRoot is the repository root, seen from this package's folder.
const repoRoot = "../.."

// deploymentsDir holds the files these tests validate (compose/,
// kubernetes/, nats/, systemd/), seen from this package's folder.
const deploymentsDir = ".."

// services are the services every deployment runs as separate processes
// (`vigie serve --only NAME`). TestServicesKnown checks that the binary knows
// each of them and that none it knows is missing.
var services = []string{"ingester", "matcher", "indexer", "reviewer", "alerter", "publisher"}

// indexUsers are the services that open the search index (services/vigie/app
// opens it when the process runs the indexer or the reviewer): only they get
// the Meilisearch key.
var indexUsers = []string{"indexer", "reviewer"}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	return b
}

// configEnv returns the environment variables of every configuration key.
func configEnv(t *testing.T) map[string]config.Key {
	t.Helper()
	out := map[string]config.Key{}
	for _, k := range config.Keys() {
		if k.Env != "" {
			out[k.Env] = k
		}
	}
	if len(out) == 0 {
		t.Fatal("config.Keys() lists no environment variable")
	}
	return out
}

// checkEnv fails on a VIGIE_* name that no configuration key has.
func checkEnv(t *testing.T, where, name string) {
	t.Helper()
	if !strings.HasPrefix(name, "VIGIE_") {
		return
	}
	if _, ok := configEnv(t)[name]; !ok {
		t.Errorf("%s: %s is not the environment variable of any key of services/vigie/config (docs/configuration.md)", where, name)
	}
}

// defaultHTTPPort is the port of http.addr's default.
func defaultHTTPPort(t *testing.T) string {
	t.Helper()
	return portOf(t, config.Default().HTTP.Addr)
}

func portOf(t *testing.T, hostport string) string {
	t.Helper()
	i := strings.LastIndexByte(hostport, ':')
	if i < 0 {
		t.Fatalf("address %q has no port", hostport)
	}
	p := hostport[i+1:]
	if _, err := strconv.Atoi(p); err != nil {
		t.Fatalf("address %q: port %q is not a number", hostport, p)
	}
	return p
}

// commandFlags maps each vigie subcommand ("serve", "reindex", ...) to the
// flags it defines, read from the source of services/vigie: a function that
// calls flag.NewFlagSet("vigie X", ...) defines X's flags, with those of the
// functions of the package it calls (helpers that add shared flags).
func commandFlags(t *testing.T) map[string]map[string]bool {
	t.Helper()
	dir := filepath.Join(repoRoot, "services", "vigie")
	fset := token.NewFileSet()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatalf("read %s: %v", dir, err)
	}
	type fn struct {
		cmds  []string
		flags []string
		calls []string
	}
	funcs := map[string]*fn{}
	defs := map[string]int{"String": 0, "Bool": 0, "Int": 0, "Int64": 0, "Uint": 0, "Uint64": 0, "Float64": 0, "Duration": 0, "Func": 0, "BoolFunc": 0, "TextVar": 1,
		"StringVar": 1, "BoolVar": 1, "IntVar": 1, "Int64Var": 1, "UintVar": 1, "Uint64Var": 1, "Float64Var": 1, "DurationVar": 1, "Var": 1}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, e.Name()), nil, 0)
		if err != nil {
			t.Fatalf("parse %s: %v", e.Name(), err)
		}
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Body == nil || fd.Recv != nil {
				continue
			}
			this := &fn{}
			funcs[fd.Name.Name] = this
			ast.Inspect(fd.Body, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				switch fun := call.Fun.(type) {
				case *ast.Ident:
					this.calls = append(this.calls, fun.Name)
				case *ast.SelectorExpr:
					if fun.Sel.Name == "NewFlagSet" && len(call.Args) > 0 {
						if s, ok := stringLit(call.Args[0]); ok {
							if name, ok := strings.CutPrefix(s, "vigie "); ok {
								this.cmds = append(this.cmds, name)
							}
						}
						return true
					}
					if i, ok := defs[fun.Sel.Name]; ok && len(call.Args) > i {
						if s, ok := stringLit(call.Args[i]); ok && s != "" {
							this.flags = append(this.flags, s)
						}
					}
				}
				return true
			})
		}
	}
	out := map[string]map[string]bool{}
	for _, f := range funcs {
		if len(f.cmds) == 0 {
			continue
		}
		flags := map[string]bool{}
		seen := map[*fn]bool{}
		var visit func(*fn)
		visit = func(g *fn) {
			if seen[g] {
				return
			}
			seen[g] = true
			for _, fl := range g.flags {
				flags[fl] = true
			}
			for _, c := range g.calls {
				if h, ok := funcs[c]; ok && len(h.cmds) == 0 {
					visit(h)
				}
			}
		}
		visit(f)
		for _, c := range f.cmds {
			if out[c] == nil {
				out[c] = map[string]bool{}
			}
			for fl := range flags {
				out[c][fl] = true
			}
		}
	}
	if len(out["serve"]) == 0 {
		t.Fatal("found no flag of `vigie serve` in services/vigie")
	}
	return out
}

func stringLit(e ast.Expr) (string, bool) {
	lit, ok := e.(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return "", false
	}
	s, err := strconv.Unquote(lit.Value)
	return s, err == nil
}

// vigieArgs is a parsed vigie command line.
type vigieArgs struct {
	command string
	flags   map[string]string
}

// parseVigieArgs parses args (without the program name) and fails on a
// subcommand or flag that services/vigie does not define. Every flag of the
// deployment files takes a value except the boolean ones listed in bools.
func parseVigieArgs(t *testing.T, where string, args []string) vigieArgs {
	t.Helper()
	known := commandFlags(t)
	if len(args) == 0 {
		t.Fatalf("%s: empty vigie command line", where)
	}
	va := vigieArgs{command: args[0], flags: map[string]string{}}
	if _, one := known[args[0]]; !one && len(args) > 1 {
		if _, two := known[args[0]+" "+args[1]]; two { // "import items"
			va.command, args = args[0]+" "+args[1], args[1:]
		}
	}
	flags, ok := known[va.command]
	if !ok {
		t.Fatalf("%s: vigie has no subcommand %q (have %v)", where, va.command, mapKeys(known))
	}
	bools := map[string]bool{"demo": true, "json": true}
	for i := 1; i < len(args); i++ {
		a := args[i]
		name, ok := strings.CutPrefix(a, "--")
		if !ok {
			name, ok = strings.CutPrefix(a, "-")
		}
		if !ok || name == "" {
			t.Fatalf("%s: unexpected argument %q", where, a)
		}
		value := ""
		if n, v, has := strings.Cut(name, "="); has {
			name, value = n, v
		} else if !bools[name] {
			if i+1 >= len(args) {
				t.Fatalf("%s: flag --%s has no value", where, name)
			}
			i++
			value = args[i]
		}
		if !flags[name] {
			t.Errorf("%s: `vigie %s` has no flag --%s (have %v)", where, va.command, name, mapKeys(flags))
		}
		if _, dup := va.flags[name]; dup {
			t.Errorf("%s: flag --%s given twice", where, name)
		}
		va.flags[name] = value
	}
	return va
}

func mapKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

var vigieEnvPattern = regexp.MustCompile(`\bVIGIE_[A-Z0-9_]+\b`)

// TestEnvNamesExist reads every deployment file, the Dockerfile and
// docs/operations.md and fails on a VIGIE_* name that the configuration does
// not define.
func TestEnvNamesExist(t *testing.T) {
	t.Parallel()
	var files []string
	err := filepath.WalkDir(deploymentsDir, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == "testdata" || d.Name() == "secrets" {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	files = append(files, filepath.Join(repoRoot, "Dockerfile"), filepath.Join(repoRoot, "docs", "operations.md"))
	seen := 0
	for _, f := range files {
		for _, name := range vigieEnvPattern.FindAllString(string(readFile(t, f)), -1) {
			seen++
			checkEnv(t, f, name)
		}
	}
	if seen < 10 {
		t.Fatalf("found %d VIGIE_* names in the deployment files, want the ones of compose, Kubernetes and systemd", seen)
	}
}

// TestConfigEnv checks the configuration names that the deployment files
// depend on, and that a made-up name is not one.
func TestConfigEnv(t *testing.T) {
	t.Parallel()
	env := configEnv(t)
	for _, name := range []string{"VIGIE_NATS_URL", "VIGIE_MEILI_KEY_FILE", "VIGIE_NATS_PASSWORD_FILE"} {
		if _, ok := env[name]; !ok {
			t.Errorf("%s is not a configuration variable; the deployment files depend on it", name)
		}
	}
	if _, ok := env["VIGIE_NO_SUCH_KEY"]; ok {
		t.Error("VIGIE_NO_SUCH_KEY is accepted: the check cannot fail")
	}
}

// TestServicesKnown compares the services the deployments run with the ones
// `vigie serve --only` accepts (config.KnownServices): a container running an
// unknown service would fail at start, a known service missing from the
// deployments would never run.
func TestServicesKnown(t *testing.T) {
	t.Parallel()
	for _, s := range services {
		if !slices.Contains(config.KnownServices, s) {
			t.Errorf("the deployments run `vigie serve --only %s`, but config.KnownServices is %v: the process would refuse to start", s, config.KnownServices)
		}
	}
	for _, s := range config.KnownServices {
		if !slices.Contains(services, s) {
			t.Errorf("service %s of config.KnownServices is not deployed by compose.yaml and kubernetes/", s)
		}
	}
}

// codeRoutes lists the HTTP routes ("GET /healthz") registered in the
// source of the binary's application and of the reviewer, which serves the
// operations routes.
func codeRoutes(t *testing.T) map[string]bool {
	t.Helper()
	routes := map[string]bool{}
	fset := token.NewFileSet()
	for _, dir := range []string{filepath.Join(repoRoot, "services", "vigie", "app"), filepath.Join(repoRoot, "services", "reviewer")} {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			af, err := parser.ParseFile(fset, f, nil, 0)
			if err != nil {
				t.Fatalf("parse %s: %v", f, err)
			}
			ast.Inspect(af, func(n ast.Node) bool {
				if lit, ok := n.(ast.Expr); ok {
					if s, ok := stringLit(lit); ok {
						if m, p, ok := strings.Cut(s, " "); ok && m == "GET" && strings.HasPrefix(p, "/") {
							routes[p] = true
						}
					}
				}
				return true
			})
		}
	}
	return routes
}

// TestOperationsRoutes checks that the paths the deployments probe and
// scrape are routes of the code.
func TestOperationsRoutes(t *testing.T) {
	t.Parallel()
	routes := codeRoutes(t)
	for _, p := range []string{"/healthz", "/readyz", "/metrics"} {
		if !routes[p] {
			t.Errorf("the deployments use GET %s, which services/vigie/app and services/reviewer do not register (have %v)", p, mapKeys(routes))
		}
	}
}
