package bus

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"go.uber.org/zap"
)

// EndpointFile is the name, inside the data folder, of the file where a
// running `vigie serve` writes how to reach its embedded NATS server.
const EndpointFile = "nats-endpoint.json"

// Endpoint says how to reach a NATS server.
type Endpoint struct {
	// URL is the client URL, e.g. nats://127.0.0.1:4222.
	URL string `json:"url"`
	// User and Password authenticate to the embedded server.
	User     string `json:"user"`
	Password string `json:"password"`
	// HTTPAddr is the address the review UI and API listen on.
	HTTPAddr string `json:"http_addr,omitempty"`
	// PID is the process that runs the server.
	PID int `json:"pid"`
}

// EmbeddedConfig configures the embedded server.
type EmbeddedConfig struct {
	// StoreDir is where JetStream keeps its files.
	StoreDir string
	// Host and Port to listen on; Port -1 picks a free port.
	Host string
	Port int
	// User and Password protect the server; generated when empty.
	User, Password string
}

// Embedded is a nats-server running inside this process.
type Embedded struct {
	mu       sync.Mutex // guards srv (Restart replaces it)
	srv      *server.Server
	opts     *server.Options
	log      *zap.Logger
	endpoint Endpoint
	// storeErr is the first write error JetStream logged since the server
	// started: once a stream fails a write (a full disk) it refuses every
	// later write until it is loaded again.
	storeErr atomic.Pointer[string]
}

// StartEmbedded starts a nats-server with JetStream on disk and waits until it accepts connections.
func StartEmbedded(cfg EmbeddedConfig, log *zap.Logger) (*Embedded, error) {
	if cfg.Host == "" {
		cfg.Host = "127.0.0.1"
	}
	if cfg.Port == 0 {
		cfg.Port = -1
	}
	if cfg.User == "" {
		cfg.User = "vigie"
	}
	if cfg.Password == "" {
		cfg.Password = randomSecret()
	}
	if err := os.MkdirAll(cfg.StoreDir, 0o700); err != nil {
		return nil, fmt.Errorf("create nats store dir %q: %w", cfg.StoreDir, err)
	}
	opts := &server.Options{
		ServerName: "vigie-embedded",
		Host:       cfg.Host,
		Port:       cfg.Port,
		JetStream:  true,
		StoreDir:   cfg.StoreDir,
		Username:   cfg.User,
		Password:   cfg.Password,
		NoSigs:     true,
		// Leave room for Vigie's own largest messages (items with their HTML).
		MaxPayload: 8 << 20,
	}
	e := &Embedded{opts: opts, log: log}
	srv, err := e.start()
	if err != nil {
		return nil, err
	}
	e.srv = srv
	e.endpoint = Endpoint{URL: srv.ClientURL(), User: cfg.User, Password: cfg.Password, PID: os.Getpid()}
	// A restart listens where the clients already connect.
	if addr, ok := srv.Addr().(*net.TCPAddr); ok {
		opts.Port = addr.Port
	}
	return e, nil
}

func (e *Embedded) start() (*server.Server, error) {
	srv, err := server.NewServer(e.opts.Clone())
	if err != nil {
		return nil, fmt.Errorf("create embedded nats server: %w", err)
	}
	srv.SetLoggerV2(&natsLogger{log: e.log.Named("nats").Sugar(), onError: e.noteError}, false, false, false)
	go srv.Start()
	if !srv.ReadyForConnections(30 * time.Second) {
		srv.Shutdown()
		return nil, errors.New("embedded nats server not ready after 30s")
	}
	return srv, nil
}

// noteError keeps the first JetStream write error the server logs.
func (e *Embedded) noteError(msg string) {
	if strings.Contains(msg, "critical write error") || strings.Contains(msg, "no space left on device") {
		e.storeErr.CompareAndSwap(nil, &msg)
	}
}

// StoreError returns, when JetStream failed to write its files since the
// server started, an error saying so (the streams that failed refuse
// writes until Restart); nil otherwise.
func (e *Embedded) StoreError() error {
	if m := e.storeErr.Load(); m != nil {
		return fmt.Errorf("JetStream failed to write in %s (%s): the embedded NATS server restarts once the disk has room", e.opts.StoreDir, *m)
	}
	return nil
}

// Restart stops the server and starts it again on the same port and
// files; clients reconnect by themselves. It clears StoreError.
func (e *Embedded) Restart() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.srv.Shutdown()
	e.srv.WaitForShutdown()
	e.storeErr.Store(nil)
	srv, err := e.start()
	if err != nil {
		// Still broken: StoreError keeps saying so, and the caller may try again.
		msg := "restart failed: " + err.Error()
		e.storeErr.Store(&msg)
		return err
	}
	e.srv = srv
	return nil
}

// Endpoint returns how to reach the server.
func (e *Embedded) Endpoint() Endpoint { return e.endpoint }

// Shutdown stops the server and waits for it.
func (e *Embedded) Shutdown() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.srv.Shutdown()
	e.srv.WaitForShutdown()
}

// WriteEndpoint writes ep into dir/EndpointFile, readable by the owner only.
func WriteEndpoint(dir string, ep Endpoint) error {
	b, err := json.MarshalIndent(ep, "", "  ")
	if err != nil {
		return fmt.Errorf("encode nats endpoint: %w", err)
	}
	tmp := filepath.Join(dir, EndpointFile+".tmp")
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return fmt.Errorf("write nats endpoint: %w", err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, EndpointFile)); err != nil {
		return fmt.Errorf("write nats endpoint: %w", err)
	}
	return nil
}

// ReadEndpoint reads dir/EndpointFile; it returns an error wrapping
// os.ErrNotExist when no server has written one.
func ReadEndpoint(dir string) (Endpoint, error) {
	var ep Endpoint
	b, err := os.ReadFile(filepath.Join(dir, EndpointFile))
	if err != nil {
		return ep, fmt.Errorf("read nats endpoint: %w", err)
	}
	if err := json.Unmarshal(b, &ep); err != nil {
		return ep, fmt.Errorf("decode nats endpoint %q: %w", filepath.Join(dir, EndpointFile), err)
	}
	return ep, nil
}

// RemoveEndpoint removes dir/EndpointFile if this process wrote it.
func RemoveEndpoint(dir string) {
	ep, err := ReadEndpoint(dir)
	if err == nil && ep.PID == os.Getpid() {
		_ = os.Remove(filepath.Join(dir, EndpointFile))
	}
}

func randomSecret() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// natsLogger adapts zap to nats-server's logger.
type natsLogger struct {
	log     *zap.SugaredLogger
	onError func(msg string)
}

func (l *natsLogger) Noticef(format string, v ...any) { l.log.Debugf(format, v...) }
func (l *natsLogger) Warnf(format string, v ...any)   { l.log.Warnf(format, v...) }
func (l *natsLogger) Fatalf(format string, v ...any)  { l.Errorf(format, v...) }
func (l *natsLogger) Errorf(format string, v ...any) {
	msg := fmt.Sprintf(format, v...)
	l.log.Error(msg)
	if l.onError != nil {
		l.onError(msg)
	}
}
func (l *natsLogger) Debugf(format string, v ...any) {}
func (l *natsLogger) Tracef(format string, v ...any) {}
