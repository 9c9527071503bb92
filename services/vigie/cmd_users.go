package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"vigie/pipeline/account"
	"vigie/services/vigie/ops"
)

const usersUsage = `Usage:
  vigie users add --data DIR --name NAME --role ROLE --password-file F [--locality CODE] [--language TAG]
  vigie users list --data DIR [--json]
  vigie users disable --data DIR NAME
  vigie users enable --data DIR NAME
  vigie users reset-2fa --data DIR NAME     remove a user's two-factor secret (lost phone)
  vigie users passwd --data DIR --name NAME --password-file F

Roles: admin, editor, factchecker, subscriber (a subscriber needs --locality, e.g. FR-75056).
Passwords have at least 12 characters; the file's trailing newline is ignored.
`

const tokensUsage = `Usage:
  vigie tokens create --data DIR --user NAME [--name N] [--read-only]   prints the token as its last line
  vigie tokens list --data DIR [--user NAME] [--json]
  vigie tokens revoke --data DIR ID
`

// runUsers manages accounts in a data folder.
func runUsers(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stderr, usersUsage)
		return errUsage
	}
	sub := args[0]
	fs := flag.NewFlagSet("vigie users "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, usersUsage) }
	data := fs.String("data", "./vigie-data", "data `folder`")
	name := fs.String("name", "", "user `name`")
	role := fs.String("role", "", "`role`: admin, editor, factchecker or subscriber")
	pwFile := fs.String("password-file", "", "`file` holding the password")
	locality := fs.String("locality", "", "locality `code` of a subscriber, e.g. FR-75056")
	lang := fs.String("language", "", "preferred UI language (BCP 47 `tag`)")
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := parseInterspersed(fs, args[1:])
	if err != nil {
		return errUsage
	}
	switch sub {
	case "add", "passwd":
		if len(pos) > 0 {
			return usageErr(stderr, usersUsage, "unexpected argument %q", pos[0])
		}
		if *name == "" || *pwFile == "" || (sub == "add" && *role == "") {
			return usageErr(stderr, usersUsage, "users %s needs --name, --password-file%s", sub, map[bool]string{true: " and --role", false: ""}[sub == "add"])
		}
	case "disable", "enable", "reset-2fa":
		if len(pos) == 1 && *name == "" {
			*name = pos[0]
		} else if len(pos) > 0 || *name == "" {
			return usageErr(stderr, usersUsage, "users %s takes one user name", sub)
		}
	case "list":
		if len(pos) > 0 {
			return usageErr(stderr, usersUsage, "unexpected argument %q", pos[0])
		}
	default:
		return usageErr(stderr, usersUsage, "unknown users command %q", sub)
	}
	var password string
	if *pwFile != "" {
		if password, err = ops.ReadPasswordFile(*pwFile); err != nil {
			return err
		}
	}
	store, closeFn, err := ops.OpenAccounts(ctx, *data)
	if err != nil {
		return err
	}
	defer closeFn()
	switch sub {
	case "add":
		u, err := store.CreateUser(ctx, account.NewUser{Name: *name, Role: *role, Locality: *locality, Language: *lang, Password: password})
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "user %s created with role %s\n", u.Name, u.Role)
	case "passwd":
		if err := store.SetPassword(ctx, *name, password); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "password of %s changed; its sessions were ended\n", *name)
	case "disable", "enable":
		if err := store.SetDisabled(ctx, *name, sub == "disable"); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "user %s %sd\n", *name, sub)
	case "reset-2fa":
		if err := store.ResetTOTP(ctx, *name); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "two-factor login of %s removed; it enrols again at next login if its role requires it\n", *name)
	case "list":
		users, err := store.Users(ctx)
		if err != nil {
			return err
		}
		if *asJSON {
			if users == nil {
				users = []account.User{}
			}
			return json.NewEncoder(stdout).Encode(map[string]any{"users": users})
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tROLE\tLOCALITY\tLANGUAGE\tSTATE\t2FA\tCREATED")
		for _, u := range users {
			state := "active"
			if u.Disabled {
				state = "disabled"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", u.Name, u.Role, dash(u.Locality), dash(u.Language), state,
				map[bool]string{true: "on", false: "off"}[u.TOTPEnabled], u.Created.Format(time.RFC3339))
		}
		return tw.Flush()
	}
	return nil
}

// runTokens manages API tokens in a data folder.
func runTokens(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stderr, tokensUsage)
		return errUsage
	}
	sub := args[0]
	fs := flag.NewFlagSet("vigie tokens "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, tokensUsage) }
	data := fs.String("data", "./vigie-data", "data `folder`")
	user := fs.String("user", "", "owner's user `name`")
	name := fs.String("name", "", "token `name` (what it is for)")
	readOnly := fs.Bool("read-only", false, "allow only reading (GET) requests")
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := parseInterspersed(fs, args[1:])
	if err != nil {
		return errUsage
	}
	switch sub {
	case "create":
		if *user == "" || len(pos) > 0 {
			return usageErr(stderr, tokensUsage, "tokens create needs --user and no other argument")
		}
	case "list":
		if len(pos) > 0 {
			return usageErr(stderr, tokensUsage, "unexpected argument %q", pos[0])
		}
	case "revoke":
		if len(pos) != 1 {
			return usageErr(stderr, tokensUsage, "tokens revoke takes one token id")
		}
	default:
		return usageErr(stderr, tokensUsage, "unknown tokens command %q", sub)
	}
	store, closeFn, err := ops.OpenAccounts(ctx, *data)
	if err != nil {
		return err
	}
	defer closeFn()
	switch sub {
	case "create":
		scope := account.ScopeFull
		if *readOnly {
			scope = account.ScopeRead
		}
		secret, t, err := store.CreateToken(ctx, *user, *name, scope)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "api token %s (%s) created for %s, scope %s; it is shown once:\n", t.ID, t.Name, t.User, t.Scope)
		fmt.Fprintln(stdout, secret)
	case "list":
		list, err := store.Tokens(ctx, *user)
		if err != nil {
			return err
		}
		if *asJSON {
			if list == nil {
				list = []account.Token{}
			}
			return json.NewEncoder(stdout).Encode(map[string]any{"tokens": list})
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tNAME\tUSER\tSCOPE\tCREATED\tLAST USED")
		for _, t := range list {
			last := "never"
			if !t.LastUsed.IsZero() {
				last = t.LastUsed.Format(time.RFC3339)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.Name, t.User, t.Scope, t.Created.Format(time.RFC3339), last)
		}
		return tw.Flush()
	case "revoke":
		t, err := store.RevokeToken(ctx, pos[0])
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "api token %s (%s) of %s revoked\n", t.ID, t.Name, t.User)
	}
	return nil
}

// parseInterspersed parses flags that may come before or after positional arguments.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

func usageErr(stderr io.Writer, usage, format string, a ...any) error {
	fmt.Fprintf(stderr, "vigie: "+format+"\n\n%s", append(a, usage)...)
	return errUsage
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
