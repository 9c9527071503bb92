package validate

import (
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"vigie/pipeline/bus"
)

// natsCLICommands are the nats CLI commands docs/operations.md may use,
// checked against the source of natscli v0.5.1 (cli/backup_command.go,
// consumer_command.go, account_command.go, server_report_command.go).
var natsCLICommands = [][]string{
	{"backup", "account"}, {"backup", "stream"}, {"backup", "validate"},
	{"backup", "restore", "account"}, {"backup", "restore", "stream"},
	{"consumer", "rm"}, {"consumer", "info"}, {"consumer", "report"},
	{"server", "report", "jetstream"}, {"account", "info"},
	// Older spellings, kept by natscli 0.5 as hidden deprecated aliases.
	{"account", "backup"}, {"stream", "backup"}, {"stream", "restore"},
}

// docCommands returns the shell command lines of a Markdown file: the
// lines of its code blocks (continuations joined, comments removed) and its
// inline code spans, each split at ;, && and |.
func docCommands(md string) []string {
	var lines []string
	inBlock := false
	var cont string
	for _, line := range strings.Split(md, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			inBlock = !inBlock
			continue
		}
		if !inBlock {
			for _, m := range regexp.MustCompile("`([^`]+)`").FindAllStringSubmatch(line, -1) {
				lines = append(lines, m[1])
			}
			continue
		}
		if i := strings.Index(line, " #"); i >= 0 {
			line = line[:i]
		}
		if strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		if strings.HasSuffix(line, `\`) {
			cont += strings.TrimSuffix(line, `\`) + " "
			continue
		}
		lines = append(lines, cont+line)
		cont = ""
	}
	var out []string
	for _, l := range lines {
		for _, part := range regexp.MustCompile(`;|&&|\|\||\|`).Split(l, -1) {
			if p := strings.TrimSpace(part); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

// TestOperationsCommands checks that the commands of docs/operations.md are
// real: vigie subcommands and flags exist in the code, Compose services and
// Kubernetes objects exist in the deployment files, nats CLI commands exist
// in natscli.
func TestOperationsCommands(t *testing.T) {
	t.Parallel()
	md := string(readFile(t, filepath.Join(repoRoot, "docs", "operations.md")))
	p := loadCompose(t)
	ko := loadKube(t)
	counts := map[string]int{}
	for _, cmd := range docCommands(md) {
		f := strings.Fields(cmd)
		for i, tok := range f {
			rest := f[i+1:]
			// Redirections end the arguments.
			if j := slices.IndexFunc(rest, func(s string) bool { return strings.HasPrefix(s, ">") || strings.HasPrefix(s, "<") || s == "&" }); j >= 0 {
				rest = rest[:j]
			}
			switch {
			case (tok == "vigie" || tok == "/usr/local/bin/vigie") && len(rest) > 0 && (i == 0 || f[i-1] == "--"):
				counts["vigie"]++
				args := slices.DeleteFunc(slices.Clone(rest), func(s string) bool { return s == "..." || s == "…" })
				parseVigieArgs(t, "docs/operations.md: "+cmd, args)
			case tok == "compose" && i > 0 && f[i-1] == "docker":
				counts["compose"]++
				for _, name := range composeServices(rest) {
					if _, ok := p.Services[name]; !ok {
						t.Errorf("docs/operations.md: %q names no Compose service %s", cmd, name)
					}
				}
			case tok == "kubectl":
				counts["kubectl"]++
				for _, a := range rest {
					kind, name, ok := strings.Cut(a, "/")
					if !ok || strings.Contains(name, "/") || strings.HasPrefix(a, "-") || strings.Contains(a, ".") {
						continue
					}
					var found bool
					switch kind {
					case "deployment":
						_, found = ko.deployments[name]
					case "statefulset", "svc", "service":
						_, isSvc := ko.services[name]
						_, isSS := ko.statefulSets[name]
						// The Helm release "nats" creates the StatefulSet and Service nats.
						found = isSvc || isSS || name == "nats"
					default:
						continue
					}
					if !found {
						t.Errorf("docs/operations.md: %q names %s, which is in no manifest", cmd, a)
					}
				}
			case tok == "nats" && i == 0 && len(rest) > 0:
				counts["nats"]++
				var words []string
				for _, a := range rest {
					if strings.HasPrefix(a, "-") || strings.ContainsAny(a, "/$") || a != strings.ToLower(a) {
						break
					}
					words = append(words, a)
				}
				if !slices.ContainsFunc(natsCLICommands, func(c []string) bool {
					return len(words) >= len(c) && slices.Equal(words[:len(c)], c)
				}) {
					t.Errorf("docs/operations.md: %q is not a checked nats CLI command (%v)", cmd, natsCLICommands)
				}
			}
		}
	}
	for _, k := range []string{"vigie", "compose", "kubectl", "nats"} {
		if counts[k] == 0 {
			t.Errorf("docs/operations.md: found no %s command; the parsing of its code blocks broke", k)
		}
	}
	t.Logf("checked commands: %v", counts)
}

// composeServices returns the service names a `docker compose` command line
// (after "compose") names.
func composeServices(args []string) []string {
	if len(args) == 0 {
		return nil
	}
	var out []string
	switch args[0] {
	case "up", "stop", "start", "restart", "logs", "kill", "rm":
	default:
		return nil
	}
	for i := 1; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--scale" && i+1 < len(args):
			name, _, _ := strings.Cut(args[i+1], "=")
			out = append(out, name)
			i++
		case strings.HasPrefix(a, "--scale="):
			name, _, _ := strings.Cut(strings.TrimPrefix(a, "--scale="), "=")
			out = append(out, name)
		case a == "-s" || a == "-t" || a == "--timeout":
			i++
		case strings.HasPrefix(a, "-"):
		default:
			out = append(out, a)
		}
	}
	return out
}

// TestOperationsNamesStreams checks that the backup section names every
// stream the code declares, so a new stream is not forgotten in the docs.
func TestOperationsNamesStreams(t *testing.T) {
	t.Parallel()
	md := string(readFile(t, filepath.Join(repoRoot, "docs", "operations.md")))
	for _, sc := range bus.DefaultTopology().Streams() {
		if !strings.Contains(md, sc.Name) {
			t.Errorf("docs/operations.md does not name stream %s", sc.Name)
		}
	}
}
