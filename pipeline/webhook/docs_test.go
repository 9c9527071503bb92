package webhook

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// alertsDoc is docs/alerts.md, the guide for municipal staff.
var alertsDoc = filepath.Join("..", "..", "docs", "alerts.md")

// fencedBlocks returns the fenced code blocks of markdown with the given
// info string.
func fencedBlocks(markdown, lang string) []string {
	var out []string
	parts := strings.Split(markdown, "```"+lang+"\n")
	for _, p := range parts[1:] {
		if end := strings.Index(p, "```"); end >= 0 {
			out = append(out, p[:end])
		}
	}
	return out
}

// funcSource returns the source of the function named name in src.
func funcSource(src, name string) string {
	start := strings.Index(src, "func "+name+"(")
	if start < 0 {
		return ""
	}
	end := strings.Index(src[start:], "\n}\n")
	if end < 0 {
		return ""
	}
	return src[start : start+end+3]
}

func readDoc(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(alertsDoc)
	if err != nil {
		t.Fatalf("read %s: %v", alertsDoc, err)
	}
	return string(b)
}

// TestDocsGoSnippetIsTested checks that the Go check in docs/alerts.md is
// the function Example_receiver runs against real deliveries.
func TestDocsGoSnippetIsTested(t *testing.T) {
	t.Parallel()
	doc := readDoc(t)
	ex, err := os.ReadFile("example_test.go")
	if err != nil {
		t.Fatal(err)
	}
	want := funcSource(string(ex), "verifyVigieWebhook")
	if want == "" {
		t.Fatal("verifyVigieWebhook not found in example_test.go")
	}
	for _, b := range fencedBlocks(doc, "go") {
		if got := funcSource(b, "verifyVigieWebhook"); got != "" {
			if got != want {
				t.Errorf("docs/alerts.md's verifyVigieWebhook differs from example_test.go's:\n%s\n---\n%s", got, want)
			}
			return
		}
	}
	t.Error("docs/alerts.md has no Go verifyVigieWebhook")
}

// TestDocsVector checks that the test vector printed in the guide is the
// official one and verifies.
func TestDocsVector(t *testing.T) {
	t.Parallel()
	doc := readDoc(t)
	v := loadVectors(t).Official[0]
	for _, s := range []string{v.Secret, v.MsgID, "`1614265330`", "`" + v.Payload + "`", v.ExpectedSignature} {
		if !strings.Contains(doc, s) {
			t.Errorf("docs/alerts.md lacks %q of the official vector", s)
		}
	}
}

// TestDocsPythonSnippet runs the guide's Python check against the official
// vector, when python3 is installed.
func TestDocsPythonSnippet(t *testing.T) {
	t.Parallel()
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not installed; the Python snippet is not run")
	}
	blocks := fencedBlocks(readDoc(t), "python")
	if len(blocks) == 0 {
		t.Fatal("docs/alerts.md has no Python block")
	}
	script := blocks[0] + `
import sys
time.time = lambda: 1614265330
h = {"webhook-id": "msg_p5jXN8AQM9LWM0D4loKWxJek", "webhook-timestamp": "1614265330",
     "webhook-signature": "v2,x v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="}
ok = verify("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", h, b'{"test": 2432232314}')
bad = verify("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", h, b'{"test":2432232314}')
time.time = lambda: 1614265330 + 301
old = verify("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", h, b'{"test": 2432232314}')
print(ok, bad, old)
`
	out, err := exec.Command(py, "-c", script).CombinedOutput()
	if err != nil {
		t.Fatalf("python: %v\n%s", err, out)
	}
	if got := strings.TrimSpace(string(out)); got != "True False False" {
		t.Errorf("Python snippet gave %q, want \"True False False\"", got)
	}
}

// TestDocsShellSnippet runs the guide's openssl recipe, when sh, openssl,
// base64 and od are installed.
func TestDocsShellSnippet(t *testing.T) {
	t.Parallel()
	for _, tool := range []string{"sh", "openssl", "base64", "od"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed; the shell snippet is not run", tool)
		}
	}
	blocks := fencedBlocks(readDoc(t), "sh")
	if len(blocks) == 0 {
		t.Fatal("docs/alerts.md has no sh block")
	}
	cmd := exec.Command("sh", "-e", "-c", blocks[0])
	cmd.Dir = t.TempDir()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("sh: %v\n%s", err, out)
	}
	if got := strings.TrimSpace(string(out)); got != "g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=" {
		t.Errorf("shell snippet printed %q", got)
	}
}
