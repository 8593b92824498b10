#pragma once
// The whole message-capture-parser program as a function, so that the fuzzer
// can drive its command line and paths in-process. Returns the exit status.
int run_parser_cli(int argc, char** argv);
