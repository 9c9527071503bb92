package config

import (
	"encoding"
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// Key describes one configuration key.
type Key struct {
	// Path is the dotted YAML path, e.g. fetch.allow_private_networks.
	Path string
	// Env is the environment variable, e.g. VIGIE_FETCH_ALLOW_PRIVATE_NETWORKS; empty for list-of-record keys.
	Env string
	// Type is a short type name.
	Type string
	// Default is the default value as written in YAML.
	Default string
	// Doc describes the key.
	Doc string
}

// Keys lists every configuration key in declaration order, including the
// keys of one source entry under "sources[].".
func Keys() []Key {
	var out []Key
	walkKeys(reflect.TypeOf(Config{}), "", &out)
	return out
}

func walkKeys(t reflect.Type, prefix string, out *[]Key) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name := yamlName(f)
		path := prefix + name
		switch {
		case f.Type.Kind() == reflect.Struct && !isLeaf(f.Type):
			walkKeys(f.Type, path+".", out)
		case f.Type.Kind() == reflect.Slice && f.Type.Elem().Kind() == reflect.Struct:
			*out = append(*out, Key{Path: path, Type: "list", Doc: f.Tag.Get("doc")})
			walkKeys(f.Type.Elem(), path+"[].", out)
		default:
			k := Key{Path: path, Type: typeName(f.Type), Default: f.Tag.Get("default"), Doc: f.Tag.Get("doc")}
			if !strings.Contains(path, "[]") {
				k.Env = EnvName(path)
			}
			*out = append(*out, k)
		}
	}
}

// EnvName is the environment variable of a key path: VIGIE_ + upper snake case.
func EnvName(path string) string {
	return "VIGIE_" + strings.ToUpper(strings.ReplaceAll(path, ".", "_"))
}

func yamlName(f reflect.StructField) string {
	n, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
	if n == "" {
		return strings.ToLower(f.Name)
	}
	return n
}

var textUnmarshaler = reflect.TypeOf((*encoding.TextUnmarshaler)(nil)).Elem()

func isLeaf(t reflect.Type) bool { return reflect.PointerTo(t).Implements(textUnmarshaler) }

func typeName(t reflect.Type) string {
	if t == reflect.TypeOf(Duration(0)) {
		return "duration"
	}
	switch t.Kind() {
	case reflect.Slice:
		return "list of " + typeName(t.Elem())
	case reflect.Float64:
		return "number"
	case reflect.Int, reflect.Int64:
		return "integer"
	}
	return t.Kind().String()
}

// applyDefaults sets every field that has a default tag.
func applyDefaults(c *Config) error {
	return walkValues(reflect.ValueOf(c).Elem(), "", func(path string, v reflect.Value, f reflect.StructField) error {
		if d, ok := f.Tag.Lookup("default"); ok {
			if err := setFromString(v, d); err != nil {
				return fmt.Errorf("default of %s: %w", path, err)
			}
		}
		return nil
	})
}

// applyEnv overrides fields from VIGIE_* variables.
func applyEnv(c *Config, lookup func(string) (string, bool)) error {
	return walkValues(reflect.ValueOf(c).Elem(), "", func(path string, v reflect.Value, _ reflect.StructField) error {
		name := EnvName(path)
		s, ok := lookup(name)
		if !ok {
			return nil
		}
		if err := setFromString(v, s); err != nil {
			return fmt.Errorf("environment %s: %w", name, err)
		}
		return nil
	})
}

// walkValues visits leaf fields outside lists of records.
func walkValues(v reflect.Value, prefix string, fn func(path string, v reflect.Value, f reflect.StructField) error) error {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		path := prefix + yamlName(f)
		fv := v.Field(i)
		switch {
		case f.Type.Kind() == reflect.Struct && !isLeaf(f.Type):
			if err := walkValues(fv, path+".", fn); err != nil {
				return err
			}
		case f.Type.Kind() == reflect.Slice && f.Type.Elem().Kind() == reflect.Struct:
			// Lists of records come from the file only.
		default:
			if err := fn(path, fv, f); err != nil {
				return err
			}
		}
	}
	return nil
}

func setFromString(v reflect.Value, s string) error {
	if v.CanAddr() && v.Addr().Type().Implements(textUnmarshaler) {
		return v.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(s))
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(s)
	case reflect.Bool:
		b, err := strconv.ParseBool(strings.TrimSpace(s))
		if err != nil {
			return fmt.Errorf("invalid boolean %q", s)
		}
		v.SetBool(b)
	case reflect.Int, reflect.Int64:
		n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil {
			return fmt.Errorf("invalid integer %q", s)
		}
		v.SetInt(n)
	case reflect.Float64:
		n, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil {
			return fmt.Errorf("invalid number %q", s)
		}
		v.SetFloat(n)
	case reflect.Slice:
		if v.Type().Elem().Kind() != reflect.String {
			return fmt.Errorf("unsupported list type %s", v.Type())
		}
		var parts []string
		for _, p := range strings.Split(s, ",") {
			if p = strings.TrimSpace(p); p != "" {
				parts = append(parts, p)
			}
		}
		v.Set(reflect.ValueOf(parts))
	default:
		return fmt.Errorf("unsupported type %s", v.Type())
	}
	return nil
}

// Markdown renders the key table of docs/configuration.md.
func Markdown() string {
	var b strings.Builder
	b.WriteString("# Configuration\n\n")
	b.WriteString("<!-- Generated by `go run ./services/vigie config docs > docs/configuration.md`; a test checks it. Do not edit by hand. -->\n\n")
	b.WriteString("Vigie reads a YAML file (`--config FILE`), then environment variables, then flags; a later one wins.\n")
	b.WriteString("Unknown keys in the file are an error that names them. Each key's environment variable is `VIGIE_` + its\n")
	b.WriteString("path in upper snake case. Keys of `sources[]` entries come from the file only.\n\n")
	b.WriteString("Flags of `vigie serve`: `--config FILE`, `--data DIR` (data), `--http ADDR` (http.addr), `--nats-url URLS` (nats.url),\n")
	b.WriteString("`--index bleve|meilisearch` (index.backend), `--meili-url URL` (meili.url), `--meili-key-file FILE` (meili.key_file), `--demo`.\n\n")
	b.WriteString("| key | environment | type | default | description |\n| --- | --- | --- | --- | --- |\n")
	for _, k := range Keys() {
		env := "—"
		if k.Env != "" {
			env = "`" + k.Env + "`"
		}
		def := "—"
		if k.Default != "" {
			def = "`" + k.Default + "`"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s |\n", k.Path, env, k.Type, def, k.Doc)
	}
	return b.String()
}
