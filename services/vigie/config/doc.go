// Package config is Vigie's configuration: a YAML file, overridden by
// VIGIE_* environment variables, overridden by flags. Every key has a
// default and a description in struct tags; docs/configuration.md is
// generated from them (Markdown) and checked by a test.
package config
