#pragma once
// The contract's messages (secondline/v1/records.proto, secondline.proto) to and from the store's value types
// for records, encounters, images, flags and data subjects' rights. Both ends use it: the service to fill its
// replies from the store, the client to hand the same types back. Values from the wire are never trusted by
// the service: its handlers bound and re-validate what these functions give them.

#include <secondline/v1/records.pb.h>
#include <secondline/v1/secondline.pb.h>

namespace secondline::wire {} // namespace secondline::wire
