package main

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

func modelCmd(ctx context.Context, args []string, out, errb *bytes.Buffer) error {
	return runModel(ctx, args, out, errb)
}

// TestModelCLI: a newsroom's model file is switched on, shown, and switched
// off again (back to the previous choice, then to the shipped model); a file
// that is not a model is refused and changes nothing.
func TestModelCLI(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	file := filepath.Join("..", "..", "claims", "eval", "testdata", "newsroom-model.json")
	steps := []struct {
		args []string
		want []string
	}{
		{[]string{"show"}, []string{"matcher model: shipped\n"}},
		{[]string{"use", file}, []string{"matcher model: newsroom-model.json (by cli,", "replaced: shipped"}},
		{[]string{"show"}, []string{"matcher model: newsroom-model.json (by cli,"}},
		{[]string{"shipped"}, []string{"matcher model: shipped (by cli,", "replaced: newsroom-model.json"}},
		{[]string{"revert"}, []string{"matcher model: newsroom-model.json (by cli,", "replaced: shipped"}},
	}
	for _, s := range steps {
		out, errs, err := cli(t, modelCmd, append(s.args, "--data", data)...)
		if err != nil {
			t.Fatalf("model %v: %v %s", s.args, err, errs)
		}
		for _, w := range s.want {
			if !strings.Contains(out, w) {
				t.Errorf("model %v: %q lacks %q", s.args, out, w)
			}
		}
	}
	if _, _, err := cli(t, modelCmd, "use", filepath.Join("..", "..", "go.mod"), "--data", data); err == nil || !strings.Contains(err.Error(), "invalid matcher model") {
		t.Errorf("a file that is not a model: %v", err)
	}
	if out, _, _ := cli(t, modelCmd, "show", "--data", data); !strings.Contains(out, "newsroom-model.json") {
		t.Errorf("a refused file changed the model: %q", out)
	}
	if _, _, err := cli(t, modelCmd, "use", "--data", data); !errors.Is(err, errUsage) {
		t.Errorf("use without a file: %v, want a usage error", err)
	}
}
