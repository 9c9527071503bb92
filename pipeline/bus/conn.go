package bus

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"
)

// Bus is a connection to NATS with JetStream and Vigie's topology applied.
type Bus struct {
	NC  *nats.Conn
	JS  jetstream.JetStream
	top Topology
	log *zap.Logger
}

// ConnectConfig says where and how to connect.
type ConnectConfig struct {
	// URLs are one or more server URLs, comma-separated or as a list.
	URLs []string
	// User and Password, when the server needs them.
	User, Password string
	// Name is the connection name shown by the server.
	Name string
	// CredsFile is a NATS credentials file (JWT and nkey seed).
	CredsFile string
	// NkeyFile is a file holding an nkey seed.
	NkeyFile string
	// TLSCA, TLSCert and TLSKey are PEM files: the CA to trust, and the
	// client certificate and key for mutual TLS.
	TLSCA, TLSCert, TLSKey string
}

// Connect connects to NATS and returns a Bus; Close drains it.
func Connect(ctx context.Context, cfg ConnectConfig, top Topology, log *zap.Logger) (*Bus, error) {
	opts := []nats.Option{
		nats.Name(cfg.Name),
		nats.MaxReconnects(-1),
		nats.ReconnectWait(250 * time.Millisecond),
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) {
			if err != nil {
				log.Warn("nats disconnected", zap.Error(err))
			}
		}),
		nats.ReconnectHandler(func(nc *nats.Conn) { log.Info("nats reconnected", zap.String("url", nc.ConnectedUrlRedacted())) }),
	}
	if cfg.User != "" {
		opts = append(opts, nats.UserInfo(cfg.User, cfg.Password))
	}
	if cfg.CredsFile != "" {
		opts = append(opts, nats.UserCredentials(cfg.CredsFile))
	}
	if cfg.NkeyFile != "" {
		o, err := nats.NkeyOptionFromSeed(cfg.NkeyFile)
		if err != nil {
			return nil, fmt.Errorf("nats nkey file: %w", err)
		}
		opts = append(opts, o)
	}
	if cfg.TLSCA != "" {
		opts = append(opts, nats.RootCAs(cfg.TLSCA))
	}
	if cfg.TLSCert != "" || cfg.TLSKey != "" {
		opts = append(opts, nats.ClientCert(cfg.TLSCert, cfg.TLSKey))
	}
	url := strings.Join(cfg.URLs, ",")
	nc, err := nats.Connect(url, opts...)
	if err != nil {
		return nil, fmt.Errorf("connect to nats %q: %w", redact(url), err)
	}
	js, err := jetstream.New(nc)
	if err != nil {
		nc.Close()
		return nil, fmt.Errorf("open jetstream: %w", err)
	}
	return &Bus{NC: nc, JS: js, top: top, log: log}, nil
}

// Topology returns the topology the bus was opened with.
func (b *Bus) Topology() Topology { return b.top }

// Apply declares every stream, consumer and bucket; it is idempotent.
func (b *Bus) Apply(ctx context.Context) error {
	for _, sc := range b.top.Streams() {
		if _, err := b.JS.CreateOrUpdateStream(ctx, sc); err != nil {
			return fmt.Errorf("declare stream %s: %w", sc.Name, err)
		}
	}
	for stream, ccs := range b.top.Consumers() {
		for _, cc := range ccs {
			if _, err := b.JS.CreateOrUpdateConsumer(ctx, stream, cc); err != nil {
				return fmt.Errorf("declare consumer %s on %s: %w", cc.Durable, stream, err)
			}
		}
	}
	for _, kc := range b.top.Buckets() {
		if _, err := b.JS.CreateOrUpdateKeyValue(ctx, kc); err != nil {
			return fmt.Errorf("declare bucket %s: %w", kc.Bucket, err)
		}
	}
	return nil
}

// KV opens a declared bucket.
func (b *Bus) KV(ctx context.Context, bucket string) (jetstream.KeyValue, error) {
	kv, err := b.JS.KeyValue(ctx, bucket)
	if err != nil {
		return nil, fmt.Errorf("open bucket %s: %w", bucket, err)
	}
	return kv, nil
}

// Consumer opens a declared durable consumer.
func (b *Bus) Consumer(ctx context.Context, stream, durable string) (jetstream.Consumer, error) {
	c, err := b.JS.Consumer(ctx, stream, durable)
	if err != nil {
		return nil, fmt.Errorf("open consumer %s on %s: %w", durable, stream, err)
	}
	return c, nil
}

// Publish publishes data on subject with Nats-Msg-Id = msgID and waits for
// JetStream's acknowledgement. It reports whether the message was a duplicate.
func (b *Bus) Publish(ctx context.Context, subject string, data []byte, msgID string, headers map[string]string) (dup bool, err error) {
	msg := nats.NewMsg(subject)
	msg.Data = data
	for k, v := range headers {
		msg.Header.Set(k, v)
	}
	var opts []jetstream.PublishOpt
	if msgID != "" {
		opts = append(opts, jetstream.WithMsgID(msgID))
	}
	ack, err := b.JS.PublishMsg(ctx, msg, opts...)
	if err != nil {
		return false, fmt.Errorf("publish to %s: %w", subject, err)
	}
	return ack.Duplicate, nil
}

// Ready reports whether the connection is up and every stream exists.
func (b *Bus) Ready(ctx context.Context) error {
	if !b.NC.IsConnected() {
		return errors.New("nats not connected")
	}
	for _, sc := range b.top.Streams() {
		if _, err := b.JS.Stream(ctx, sc.Name); err != nil {
			return fmt.Errorf("stream %s: %w", sc.Name, err)
		}
	}
	return nil
}

// Close drains the connection: pending publishes are flushed, subscriptions closed.
func (b *Bus) Close() {
	done := make(chan struct{})
	b.NC.SetClosedHandler(func(*nats.Conn) { close(done) })
	if err := b.NC.Drain(); err != nil {
		b.NC.Close()
		return
	}
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		b.NC.Close()
	}
}

func redact(url string) string {
	if i := strings.Index(url, "@"); i >= 0 {
		if j := strings.Index(url, "://"); j >= 0 && j < i {
			return url[:j+3] + "***" + url[i:]
		}
	}
	return url
}
