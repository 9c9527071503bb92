package account

import "vigie/pipeline/bus"

// MaxSessionLifetime bounds Config.SessionAbsolute: it is the TTL of the
// sessions bucket (bus.SessionsTTL), so that abandoned sessions disappear on
// their own, while the configured idle and absolute expiry are checked on
// every lookup.
const MaxSessionLifetime = bus.SessionsTTL
