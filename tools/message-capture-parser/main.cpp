// message-capture-parser: capture files in, one JSON array out (CAPTURE-SPEC §5).
#include "parser_cli.h"

int main(int argc, char** argv) { return run_parser_cli(argc, argv); }
