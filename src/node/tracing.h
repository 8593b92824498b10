#pragma once
// USDT tracepoints (<sys/sdt.h>, Debian's systemtap-sdt-dev), with Bitcoin
// Core's names and argument layouts in the `net` provider and ours in the
// `msgcapture` provider. Each has a semaphore that the kernel raises while a
// tracer is attached, so that a tracepoint costs one load and no argument
// building when nothing listens. Built without MSGCAPTURE_USDT (CMake option
// -DWITH_USDT=OFF), every macro here is a no-op.
#ifdef MSGCAPTURE_USDT

#define _SDT_HAS_SEMAPHORES 1
#define SDT_USE_VARIADIC 1
#include <sys/sdt.h>

// The semaphore names sys/sdt.h expects, at global scope so they are not mangled.
#define MSGCAPTURE_TRACE_SEMAPHORE_NAME(provider, event) provider##_##event##_semaphore
#define MSGCAPTURE_DECLARE_TRACEPOINT(provider, event) \
    extern unsigned short MSGCAPTURE_TRACE_SEMAPHORE_NAME(provider, event)
#define MSGCAPTURE_DEFINE_TRACEPOINT(provider, event) \
    __attribute__((section(".probes"), used)) unsigned short MSGCAPTURE_TRACE_SEMAPHORE_NAME(provider, event) = 0
// True while a tracer is attached to provider:event.
#define MSGCAPTURE_TRACE_ACTIVE(provider, event) \
    __builtin_expect(*static_cast<volatile unsigned short*>(&MSGCAPTURE_TRACE_SEMAPHORE_NAME(provider, event)) != 0, 0)
#define MSGCAPTURE_TRACE(provider, event, ...) STAP_PROBEV(provider, event, __VA_ARGS__)
inline constexpr bool MSGCAPTURE_TRACING_BUILT = true;

#else

#define MSGCAPTURE_DECLARE_TRACEPOINT(provider, event) static_assert(true)
#define MSGCAPTURE_DEFINE_TRACEPOINT(provider, event) static_assert(true)
#define MSGCAPTURE_TRACE_ACTIVE(provider, event) false
// The arguments are named but never evaluated, so that a build without
// tracepoints warns about nothing the build with them uses.
#define MSGCAPTURE_TRACE(provider, event, ...) \
    do {                                       \
        (void)sizeof((__VA_ARGS__, 0));        \
    } while (0)
inline constexpr bool MSGCAPTURE_TRACING_BUILT = false;

#endif

// Bitcoin Core's (doc/tracing.md, "Context net").
MSGCAPTURE_DECLARE_TRACEPOINT(net, inbound_message);
MSGCAPTURE_DECLARE_TRACEPOINT(net, outbound_message);
MSGCAPTURE_DECLARE_TRACEPOINT(net, inbound_connection);
MSGCAPTURE_DECLARE_TRACEPOINT(net, outbound_connection);
MSGCAPTURE_DECLARE_TRACEPOINT(net, closed_connection);
MSGCAPTURE_DECLARE_TRACEPOINT(net, evicted_inbound_connection);
MSGCAPTURE_DECLARE_TRACEPOINT(net, misbehaving_connection);
// Ours (doc/observing.md):
//   capture_session_opened(peer id int64, address char*, session directory char*)
//   capture_session_closed(peer id int64, address char*, bytes written so far in all uint64)
//   capture_disabled(reason char*)
//   capture_records_dropped(peer id int64, message type char*, reason char*, dropped so far for that reason uint64)
MSGCAPTURE_DECLARE_TRACEPOINT(msgcapture, capture_session_opened);
MSGCAPTURE_DECLARE_TRACEPOINT(msgcapture, capture_session_closed);
MSGCAPTURE_DECLARE_TRACEPOINT(msgcapture, capture_disabled);
MSGCAPTURE_DECLARE_TRACEPOINT(msgcapture, capture_records_dropped);
