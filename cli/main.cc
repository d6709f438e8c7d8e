// The `zhucun` command; see cli.h.

#include <cstdlib>
#include <iostream>

#include "cli.h"
#include "words.h"

int main(int argc, char** argv) {
  using zhucun::cli::LangCode;
  using zhucun::cli::LangFromLocale;
  return zhucun::RunCli(argc, argv, std::cout, std::cerr,
                        LangCode(LangFromLocale(std::getenv("LC_ALL"), std::getenv("LC_MESSAGES"),
                                                std::getenv("LANG"))));
}
