// The `zhucun` command; see cli.h.

#include <iostream>

#include "cli.h"

int main(int argc, char** argv) {
  return zhucun::RunCli(argc, argv, std::cout, std::cerr);
}
