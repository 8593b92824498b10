#pragma once
// The library is built with its symbols hidden (-fvisibility=hidden): only
// what is marked with this is exported from libmsgcapture.so, the stable API.
#define MSGCAPTURE_EXPORT __attribute__((visibility("default")))
