// The tracepoints' semaphores, one definition each (node/tracing.h).
#include "node/tracing.h"

MSGCAPTURE_DEFINE_TRACEPOINT(net, inbound_message);
MSGCAPTURE_DEFINE_TRACEPOINT(net, outbound_message);
MSGCAPTURE_DEFINE_TRACEPOINT(net, inbound_connection);
MSGCAPTURE_DEFINE_TRACEPOINT(net, outbound_connection);
MSGCAPTURE_DEFINE_TRACEPOINT(net, closed_connection);
MSGCAPTURE_DEFINE_TRACEPOINT(net, evicted_inbound_connection);
MSGCAPTURE_DEFINE_TRACEPOINT(net, misbehaving_connection);
MSGCAPTURE_DEFINE_TRACEPOINT(msgcapture, capture_session_opened);
MSGCAPTURE_DEFINE_TRACEPOINT(msgcapture, capture_session_closed);
MSGCAPTURE_DEFINE_TRACEPOINT(msgcapture, capture_disabled);
MSGCAPTURE_DEFINE_TRACEPOINT(msgcapture, capture_records_dropped);
